// The public API of Shoal's pure replication state machines (SPEC §7): the task, the
// master's groups, release rule and retention, and the slave's scheduler.

export type { ReplicationTask, TaskId } from './replication-task.ts';
export { assignGroup, initialGroupState } from './group-assigner.ts';
export type { GroupInput, GroupState } from './group-assigner.ts';
export { releaseBatch } from './batch-release.ts';
export type { PendingTask, ReleaseConfig, ReleaseDecision } from './batch-release.ts';
export {
  channelState,
  disconnect,
  initialMasterQueue,
  pull,
  recordTask,
  removeSlave,
  truncated,
  truncateThrough,
} from './master-queue.ts';
export type {
  Capacity,
  ChannelState,
  MasterQueueState,
  PullRequest,
  PullResult,
  RecordResult,
  SlaveChannel,
} from './master-queue.ts';
export {
  createScheduler,
  currentGroup,
  finishedThrough,
  IGNORED_DETAILS,
  lag,
  metrics,
  nodeOf,
  prune,
  queueOf,
  queueStatus,
  SKIPPED_DETAILS,
  step,
  unfinishedWeight,
  wantsPull,
} from './slave-scheduler.ts';
export type {
  Lag,
  Metrics,
  QueueRow,
  ReplicationState,
  SavedSchedulerState,
  SchedulerConfig,
  SchedulerEffect,
  SchedulerEvent,
  SchedulerState,
  SlaveTask,
  StepResult,
  TaskState,
} from './slave-scheduler.ts';
