// The slave controller's scheduler (SPEC §7.3–§7.5), as a pure state machine: events in
// (tasks pulled, a task finished or failed, the clock, operator commands), effects out
// (persist, dispatch, state changes, errors). The driver performs `persist` before any
// `dispatch`. Per execution set, groups run one after another; the tasks of the current
// group run at once on their queues' data nodes, at most workerNum per node. Consecutive
// appends to one table at the head of a set go to one node as one run (a batch), which the
// node applies in id order as one slave transaction: the same rows in the same order as one
// task after another, at the cost of one transaction. A failed task is retried with backoff,
// alone; after maxAttempts failures the slave is STOPPED. No I/O, no clock: every time is a
// number of milliseconds carried by the event.

import { assert, unreachable } from '../assert.ts';
import type { ReplicationTask, TaskId } from './replication-task.ts';

/** A task's life on the slave: FAILED tasks run again after a backoff or a start. */
export type TaskState = 'WAITING' | 'EXECUTING' | 'FINISHED' | 'FAILED';

/** SPEC §7.4: ENABLED runs tasks; DISABLED (operator stop) and STOPPED (failures) do not. */
export type ReplicationState = 'ENABLED' | 'DISABLED' | 'STOPPED';

/** A task as the slave keeps it. */
export interface SlaveTask extends ReplicationTask {
  /** Queue of the task's database (queueOf). */
  readonly queueId: number;
  readonly state: TaskState;
  /** Runs started so far; a start by the operator restarts the count. */
  readonly attempts: number;
  /** The data node of the last run ('' until dispatched). */
  readonly executionNode: string;
  /**
   * The first task of the last run (its own id until dispatched, and when it ran alone): the
   * tasks of one batch share it, and take one worker together.
   */
  readonly runId: TaskId;
  /** When the last run started (0 until dispatched). */
  readonly startMillis: number;
  /** When the task finished (0 until then, and for a task skipped without a time). */
  readonly finishMillis: number;
  /** Why the last run failed, or why the task was skipped or ignored ('' otherwise). */
  readonly details: string;
  /** A FAILED task runs again from this time. */
  readonly nextAttemptMillis: number;
}

/** The scheduler's fixed settings. */
export interface SchedulerConfig {
  /** clusterReplicationQueue (at least 1). */
  readonly queueCount: number;
  /** The slave's data nodes; queue q runs on nodes[q % nodes.length]. */
  readonly nodes: readonly string[];
  /** clusterReplicationWorkerNum: tasks one data node runs at once. */
  readonly workerNum: number;
  /** Most tasks in one batch (1: no batching). */
  readonly maxBatchTasks: number;
  /** Most weight (rows) in one batch; a first task heavier than this goes alone. */
  readonly maxBatchWeight: number;
  /** Failures of one task that stop replication (30 in SPEC §7.4). */
  readonly maxAttempts: number;
  /** Backoff after the first failure; it doubles per failure up to retryMaxMillis. */
  readonly retryInitialMillis: number;
  readonly retryMaxMillis: number;
  /** Pull only while the unfinished weight is below this. */
  readonly maxUnfinishedWeight: number;
  /** And only while fewer tasks than this are unfinished (bounds memory for tiny tasks). */
  readonly maxUnfinishedTasks: number;
  /** slaveReplicationDBScope: databases to replay (null: all). */
  readonly dbScope: readonly string[] | null;
}

/** Everything the scheduler knows; the driver persists it through `persist` effects. */
export interface SchedulerState {
  readonly config: SchedulerConfig;
  readonly state: ReplicationState;
  /** Why the slave is STOPPED ('' otherwise). */
  readonly stoppedReason: string;
  /** The highest task id received: the slave's durable position. */
  readonly pulledThrough: TaskId;
  /** finishedThrough never goes below this (tasks through it may have been pruned). */
  readonly finishedFloor: TaskId;
  readonly tasks: ReadonlyMap<TaskId, SlaveTask>;
}

/** What happens to the scheduler: the driver feeds each one to `step`. */
export type SchedulerEvent =
  /** Tasks from the master, in id order (ids at or below pulledThrough are ignored). */
  | {
      readonly kind: 'pulled';
      readonly tasks: readonly ReplicationTask[];
      readonly nowMillis: number;
    }
  /** A data node applied a dispatched run (every task of it). */
  | { readonly kind: 'finished'; readonly taskIds: readonly TaskId[]; readonly nowMillis: number }
  /** A dispatched run failed on its data node (every task of it). */
  | {
      readonly kind: 'failed';
      readonly taskIds: readonly TaskId[];
      readonly reason: string;
      readonly nowMillis: number;
    }
  /** Time passed (retries come due). */
  | { readonly kind: 'tick'; readonly nowMillis: number }
  /** stopClusterReplication. */
  | { readonly kind: 'stop' }
  /** startClusterReplication: every FAILED task runs again with a fresh attempt count. */
  | { readonly kind: 'start'; readonly nowMillis: number }
  /** skipClusterReplicationTask; `nowMillis`, when given, becomes the finish time. */
  | { readonly kind: 'skip'; readonly taskIds: readonly TaskId[]; readonly nowMillis?: number }
  /** The controller restarted: runs it had started are unknown, so they run again. */
  | { readonly kind: 'recover'; readonly nowMillis: number };

/** What the driver must do, in order. */
export type SchedulerEffect =
  /**
   * Store the changed tasks, and the replication state and position when given, in one
   * durable write, before performing the effects that follow.
   */
  | {
      readonly kind: 'persist';
      readonly tasks: readonly SlaveTask[];
      readonly state?: ReplicationState;
      readonly stoppedReason?: string;
      readonly pulledThrough?: TaskId;
    }
  /**
   * Run the tasks on the data node: one task, or a batch of appends to one table, applied in
   * this (id) order as one slave transaction.
   */
  | { readonly kind: 'dispatch'; readonly taskIds: readonly TaskId[]; readonly node: string }
  /** For the log: the replication state changed. */
  | {
      readonly kind: 'stateChanged';
      readonly from: ReplicationState;
      readonly to: ReplicationState;
      readonly reason: string;
    }
  /** The event was refused; the message is for the operator. Nothing changed. */
  | { readonly kind: 'error'; readonly message: string };

/** The state after an event, and the effects to perform (`persist` first). */
export interface StepResult {
  readonly state: SchedulerState;
  readonly effects: readonly SchedulerEffect[];
}

/** Details of a task outside slaveReplicationDBScope. */
export const IGNORED_DETAILS = 'ignored: outside slaveReplicationDBScope';
/** Details of a skipped task. */
export const SKIPPED_DETAILS = 'skipped by skipClusterReplicationTask';

/** What `createScheduler` restores besides the tasks. */
export interface SavedSchedulerState {
  readonly state: ReplicationState;
  readonly stoppedReason: string;
  readonly pulledThrough: TaskId;
  /** finishedThrough when the tasks through it are not all loaded. */
  readonly finishedThrough?: TaskId;
}

/**
 * A scheduler over `tasks` (as persisted: every unfinished task, and any finished ones), in
 * `saved` state (ENABLED at position 0 when new). Feed it `recover` before anything else
 * after a restart.
 */
export function createScheduler(
  config: SchedulerConfig,
  tasks: readonly SlaveTask[],
  saved?: SavedSchedulerState,
): SchedulerState {
  assert(config.queueCount >= 1, 'clusterReplicationQueue is at least 1');
  assert(config.nodes.length >= 1, 'a slave cluster has data nodes');
  assert(config.workerNum >= 1, 'clusterReplicationWorkerNum is at least 1');
  assert(config.maxAttempts >= 1, 'a task may run at least once');
  assert(config.maxBatchTasks >= 1, 'a run holds at least one task');
  const highest = tasks.reduce((max, t) => Math.max(max, t.taskId), 0);
  const pulledThrough = Math.max(saved?.pulledThrough ?? 0, highest);
  const finishedFloor = saved?.finishedThrough ?? 0;
  assert(finishedFloor <= pulledThrough, 'a slave finished only tasks it received');
  for (const task of tasks) {
    assert(
      task.taskId > finishedFloor || task.state === 'FINISHED',
      `task ${task.taskId} is at or below finishedThrough ${finishedFloor} but ${task.state}`,
    );
  }
  return {
    config,
    state: saved?.state ?? 'ENABLED',
    stoppedReason: saved?.stoppedReason ?? '',
    pulledThrough,
    finishedFloor,
    tasks: new Map(tasks.map((t) => [t.taskId, t])),
  };
}

/** The working copy of one step: the task map is copied on its first change. */
interface Draft {
  readonly before: SchedulerState;
  readonly config: SchedulerConfig;
  state: ReplicationState;
  stoppedReason: string;
  pulledThrough: TaskId;
  tasks: ReadonlyMap<TaskId, SlaveTask>;
  copied: Map<TaskId, SlaveTask> | undefined;
  readonly changed: Map<TaskId, SlaveTask>;
  readonly effects: SchedulerEffect[];
}

/** Applies `event`; the new state and the effects to perform, `persist` first. */
export function step(state: SchedulerState, event: SchedulerEvent): StepResult {
  const draft: Draft = {
    before: state,
    config: state.config,
    state: state.state,
    stoppedReason: state.stoppedReason,
    pulledThrough: state.pulledThrough,
    tasks: state.tasks,
    copied: undefined,
    changed: new Map(),
    effects: [],
  };
  applyEvent(draft, event);
  if (draft.state === 'ENABLED' && event.kind !== 'stop' && event.kind !== 'skip') {
    schedule(draft, event.nowMillis);
  }
  return finish(draft);
}

function applyEvent(draft: Draft, event: SchedulerEvent): void {
  switch (event.kind) {
    case 'pulled':
      return pulled(draft, event.tasks, event.nowMillis);
    case 'finished':
      for (const id of event.taskIds) finished(draft, id, event.nowMillis);
      return;
    case 'failed':
      for (const id of event.taskIds) failed(draft, id, event.reason, event.nowMillis);
      return;
    case 'tick':
      return;
    case 'stop':
      return changeState(draft, 'DISABLED', 'stopClusterReplication');
    case 'start':
      return start(draft, event.nowMillis);
    case 'skip':
      return skip(draft, event.taskIds, event.nowMillis ?? 0);
    case 'recover':
      return recover(draft);
    default:
      return unreachable(event);
  }
}

/** The new state, and `persist` ahead of the other effects when anything durable changed. */
function finish(draft: Draft): StepResult {
  const { before } = draft;
  const stateChanged = draft.state !== before.state || draft.stoppedReason !== before.stoppedReason;
  const positionChanged = draft.pulledThrough !== before.pulledThrough;
  if (draft.changed.size === 0 && !stateChanged && !positionChanged) {
    return { state: before, effects: draft.effects };
  }
  const persist: SchedulerEffect = {
    kind: 'persist',
    tasks: [...draft.changed.values()].sort((a, b) => a.taskId - b.taskId),
    ...(stateChanged ? { state: draft.state, stoppedReason: draft.stoppedReason } : {}),
    ...(positionChanged ? { pulledThrough: draft.pulledThrough } : {}),
  };
  const state: SchedulerState = {
    ...before,
    state: draft.state,
    stoppedReason: draft.stoppedReason,
    pulledThrough: draft.pulledThrough,
    tasks: draft.tasks,
  };
  return { state, effects: [persist, ...draft.effects] };
}

function put(draft: Draft, task: SlaveTask): void {
  if (draft.copied === undefined) {
    draft.copied = new Map(draft.tasks);
    draft.tasks = draft.copied;
  }
  draft.copied.set(task.taskId, task);
  draft.changed.set(task.taskId, task);
}

function pulled(draft: Draft, tasks: readonly ReplicationTask[], nowMillis: number): void {
  const { dbScope, queueCount } = draft.config;
  for (const task of tasks) {
    // Exactly once starts here: a task already received is never taken again.
    if (task.taskId <= draft.pulledThrough) continue;
    assert(
      task.taskId === draft.pulledThrough + 1,
      `pulled task ${task.taskId} after ${draft.pulledThrough}: task ids are gap-free`,
    );
    assert(task.weight >= 1, `task ${task.taskId} weighs at least 1`);
    const inScope = dbScope === null || dbScope.includes(task.db);
    put(draft, {
      ...task,
      queueId: queueOf(task.db, queueCount),
      state: inScope ? 'WAITING' : 'FINISHED',
      attempts: 0,
      executionNode: '',
      runId: task.taskId,
      startMillis: 0,
      finishMillis: inScope ? 0 : nowMillis,
      details: inScope ? '' : IGNORED_DETAILS,
      nextAttemptMillis: 0,
    });
    draft.pulledThrough = task.taskId;
  }
}

/** Only a running task finishes: a late or duplicate report changes nothing. */
function finished(draft: Draft, taskId: TaskId, nowMillis: number): void {
  const task = draft.tasks.get(taskId);
  if (task?.state !== 'EXECUTING') return;
  put(draft, { ...task, state: 'FINISHED', finishMillis: nowMillis, details: '' });
}

/** A failure is retried after a backoff; the maxAttempts-th one stops an ENABLED slave. */
function failed(draft: Draft, taskId: TaskId, reason: string, nowMillis: number): void {
  const task = draft.tasks.get(taskId);
  if (task?.state !== 'EXECUTING') return;
  const { retryInitialMillis, retryMaxMillis, maxAttempts } = draft.config;
  const delay = Math.min(retryMaxMillis, retryInitialMillis * 2 ** Math.min(52, task.attempts - 1));
  put(draft, { ...task, state: 'FAILED', details: reason, nextAttemptMillis: nowMillis + delay });
  if (task.attempts >= maxAttempts && draft.state === 'ENABLED') {
    changeState(draft, 'STOPPED', `task ${taskId} failed ${task.attempts} times: ${reason}`);
  }
}

function changeState(draft: Draft, to: ReplicationState, reason: string): void {
  if (draft.state === to) return;
  draft.effects.push({ kind: 'stateChanged', from: draft.state, to, reason });
  draft.state = to;
  draft.stoppedReason = to === 'STOPPED' ? reason : '';
}

function start(draft: Draft, nowMillis: number): void {
  changeState(draft, 'ENABLED', 'startClusterReplication');
  for (const task of draft.tasks.values()) {
    if (task.state === 'FAILED') put(draft, { ...task, attempts: 0, nextAttemptMillis: nowMillis });
  }
}

function skip(draft: Draft, taskIds: readonly TaskId[], nowMillis: number): void {
  if (draft.state === 'ENABLED') {
    draft.effects.push({
      kind: 'error',
      message:
        'skipClusterReplicationTask needs replication stopped: call stopClusterReplication() first',
    });
    return;
  }
  const unknown = taskIds.filter((id) => !draft.tasks.has(id));
  if (unknown.length > 0) {
    draft.effects.push({
      kind: 'error',
      message: `no replication task ${unknown.join(', ')} on this slave: nothing was skipped`,
    });
    return;
  }
  for (const id of taskIds) {
    const task = draft.tasks.get(id);
    assert(task !== undefined, 'unknown ids were refused above');
    if (task.state === 'FINISHED') continue;
    put(draft, { ...task, state: 'FINISHED', finishMillis: nowMillis, details: SKIPPED_DETAILS });
  }
}

function recover(draft: Draft): void {
  for (const task of draft.tasks.values()) {
    if (task.state === 'EXECUTING') put(draft, { ...task, state: 'WAITING' });
  }
}

/**
 * Dispatches, per execution set, the batch at its head when there is one, else every task of
 * its current group that may run now; each run takes a worker of its node.
 */
function schedule(draft: Draft, nowMillis: number): void {
  const runsByNode = new Map<string, Set<TaskId>>();
  for (const task of draft.tasks.values()) {
    if (task.state !== 'EXECUTING') continue;
    const onNode = runsByNode.get(task.executionNode) ?? new Set<TaskId>();
    runsByNode.set(task.executionNode, onNode.add(task.runId));
  }
  const busy = new Map([...runsByNode].map(([node, ids]) => [node, ids.size]));
  for (const set of [0, 1] as const) {
    const batch = headBatch(draft, set);
    const runs =
      batch.length > 1
        ? [batch]
        : currentGroup(draft, set)
            .filter(
              (t) =>
                t.state === 'WAITING' || (t.state === 'FAILED' && t.nextAttemptMillis <= nowMillis),
            )
            .map((t) => [t]);
    for (const run of runs) {
      const node = nodeOf((run[0] as SlaveTask).queueId, draft.config.nodes);
      const running = busy.get(node) ?? 0;
      if (running >= draft.config.workerNum) continue;
      busy.set(node, running + 1);
      dispatch(draft, run, node, nowMillis);
    }
  }
}

function dispatch(draft: Draft, run: readonly SlaveTask[], node: string, nowMillis: number): void {
  for (const task of run) {
    put(draft, {
      ...task,
      state: 'EXECUTING',
      attempts: task.attempts + 1,
      executionNode: node,
      runId: (run[0] as SlaveTask).taskId,
      startMillis: nowMillis,
    });
  }
  draft.effects.push({ kind: 'dispatch', taskIds: run.map((t) => t.taskId), node });
}

/**
 * The batch at the head of execution set `set`: its unfinished tasks from the first, in id
 * order, while each is a WAITING append to the first one's table, within maxBatchTasks and
 * maxBatchWeight. Applied in id order, they give what running them one by one gives, groups
 * in order included. Nothing runs beside it in the set: no task of the set before the batch
 * is unfinished, and each task after it is in a later group or in the first task's group
 * (which its tasks do not conflict with). A FAILED task is never in a batch: it runs alone,
 * so its failure is its own.
 */
function headBatch(draft: Draft, set: 0 | 1): SlaveTask[] {
  const open = (t: SlaveTask | undefined): t is SlaveTask =>
    t !== undefined && t.executionSet === set && t.state !== 'FINISHED';
  let first: SlaveTask | undefined;
  for (const task of draft.tasks.values()) {
    if (open(task) && (first === undefined || task.taskId < first.taskId)) first = task;
  }
  const batch: SlaveTask[] = [];
  if (first === undefined) return batch;
  let weight = 0;
  // Ids are gap-free: walk up from the first, past other sets' and finished tasks.
  for (let id = first.taskId; id <= draft.pulledThrough; id++) {
    const task = draft.tasks.get(id);
    if (!open(task)) continue;
    const joins =
      task.state === 'WAITING' &&
      batchable(first, task) &&
      batch.length < draft.config.maxBatchTasks &&
      (batch.length === 0 || weight + task.weight <= draft.config.maxBatchWeight);
    if (!joins) break;
    batch.push(task);
    weight += task.weight;
  }
  return batch;
}

/**
 * Whether `task` may be applied in one run after `first`: both append to the same table (so
 * their rows, in id order, are what applying them one by one writes).
 */
export function batchable(
  first: Pick<ReplicationTask, 'operationType' | 'db' | 'table'>,
  task: Pick<ReplicationTask, 'operationType' | 'db' | 'table'>,
): boolean {
  return (
    first.operationType === 'APPEND' &&
    task.operationType === 'APPEND' &&
    task.db === first.db &&
    task.table === first.table
  );
}

/**
 * The unfinished tasks of the current group of execution set `set` (its smallest groupId
 * with an unfinished task), in id order; [] when the set has nothing left to run.
 */
export function currentGroup(
  state: Pick<SchedulerState, 'tasks'>,
  set: 0 | 1,
): readonly SlaveTask[] {
  let groupId = Infinity;
  for (const task of state.tasks.values()) {
    if (task.executionSet === set && task.state !== 'FINISHED') {
      groupId = Math.min(groupId, task.groupId);
    }
  }
  return [...state.tasks.values()]
    .filter((t) => t.executionSet === set && t.groupId === groupId && t.state !== 'FINISHED')
    .sort((a, b) => a.taskId - b.taskId);
}

/** The queue of database `db`: a stable FNV-1a hash of its name over `queueCount`. */
export function queueOf(db: string, queueCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < db.length; i++) {
    hash ^= db.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % queueCount;
}

/** The data node that runs queue `queueId`. */
export function nodeOf(queueId: number, nodes: readonly string[]): string {
  const node = nodes[queueId % nodes.length];
  assert(node !== undefined, 'a slave cluster has data nodes');
  return node;
}

/**
 * The highest id such that every task up to it is FINISHED (skipped and ignored ones count),
 * never below the persisted floor: what the slave reports to the master with each pull.
 */
export function finishedThrough(state: SchedulerState): TaskId {
  let lowestOpen = state.pulledThrough + 1;
  for (const task of state.tasks.values()) {
    if (task.state !== 'FINISHED' && task.taskId < lowestOpen) lowestOpen = task.taskId;
  }
  return Math.max(state.finishedFloor, lowestOpen - 1);
}

/** Weight pulled but not finished. */
export function unfinishedWeight(state: SchedulerState): number {
  let weight = 0;
  for (const task of state.tasks.values()) if (task.state !== 'FINISHED') weight += task.weight;
  return weight;
}

/** Whether the slave should pull now: ENABLED, with room for more work (weight and count). */
export function wantsPull(state: SchedulerState): boolean {
  if (state.state !== 'ENABLED') return false;
  let weight = 0;
  let count = 0;
  for (const task of state.tasks.values()) {
    if (task.state === 'FINISHED') continue;
    weight += task.weight;
    count++;
  }
  return weight < state.config.maxUnfinishedWeight && count < state.config.maxUnfinishedTasks;
}

/**
 * Drops the oldest FINISHED tasks at or below finishedThrough, keeping the newest `keep`
 * of them (MAX_SLAVE_FINISHED_TASKS in the driver) so memory stays bounded; the driver
 * keeps its durable copy. Nothing else changes, so nothing needs persisting.
 */
export function prune(state: SchedulerState, keep: number): SchedulerState {
  const through = finishedThrough(state);
  const done = [...state.tasks.values()]
    .filter((t) => t.state === 'FINISHED' && t.taskId <= through)
    .map((t) => t.taskId)
    .sort((a, b) => a - b);
  const drop = done.slice(0, Math.max(0, done.length - keep));
  if (drop.length === 0) return state;
  const tasks = new Map(state.tasks);
  for (const id of drop) tasks.delete(id);
  return { ...state, tasks, finishedFloor: Math.max(state.finishedFloor, through) };
}

/** How far behind the slave is: unfinished tasks, and the age of the oldest one. */
export interface Lag {
  readonly lagTasks: number;
  /** nowMillis minus the submit time of the oldest unfinished task; 0 when none. */
  readonly lagMillis: number;
}

/** The slave's lag at `nowMillis`. */
export function lag(state: SchedulerState, nowMillis: number): Lag {
  let lagTasks = 0;
  let oldest = Infinity;
  for (const task of state.tasks.values()) {
    if (task.state === 'FINISHED') continue;
    lagTasks++;
    oldest = Math.min(oldest, task.submitMillis);
  }
  return { lagTasks, lagMillis: lagTasks === 0 ? 0 : Math.max(0, nowMillis - oldest) };
}

/** One row of getSlaveReplicationQueueStatus. */
export interface QueueRow {
  readonly executionSet: number;
  readonly queueId: number;
  readonly unfinishedTasks: number;
  /** Group of the queue's running task, else of its first unfinished one (0: none). */
  readonly executionGroupId: number;
  /** The queue's data node ('' when the queue has nothing to run). */
  readonly executionNode: string;
  /** Milliseconds the queue's running task has run (0 when none runs). */
  readonly executionTime: number;
  readonly status: 'EXECUTING' | 'FAILED' | 'STOPPED' | 'FINISHED';
}

/**
 * One row per execution set and queue that holds a task, by set then queue. A queue is
 * FINISHED when it has nothing left, STOPPED while replication is not ENABLED, FAILED when
 * a task of it failed, else EXECUTING.
 */
export function queueStatus(state: SchedulerState, nowMillis: number): readonly QueueRow[] {
  const queues = new Map<string, SlaveTask[]>();
  for (const task of state.tasks.values()) {
    const key = `${task.executionSet}:${task.queueId}`;
    const tasks = queues.get(key);
    if (tasks === undefined) queues.set(key, [task]);
    else tasks.push(task);
  }
  return [...queues.values()]
    .map((tasks) => queueRow(state, tasks, nowMillis))
    .sort((a, b) => a.executionSet - b.executionSet || a.queueId - b.queueId);
}

function queueRow(state: SchedulerState, tasks: readonly SlaveTask[], nowMillis: number): QueueRow {
  const first = tasks[0];
  assert(first !== undefined, 'a queue row has a task');
  const open = tasks.filter((t) => t.state !== 'FINISHED').sort((a, b) => a.taskId - b.taskId);
  const running = open.find((t) => t.state === 'EXECUTING');
  const head = running ?? open[0];
  return {
    executionSet: first.executionSet,
    queueId: first.queueId,
    unfinishedTasks: open.length,
    executionGroupId: head?.groupId ?? 0,
    executionNode: head === undefined ? '' : nodeOf(first.queueId, state.config.nodes),
    executionTime: running === undefined ? 0 : Math.max(0, nowMillis - running.startMillis),
    status: queueState(state.state, open),
  };
}

function queueState(state: ReplicationState, open: readonly SlaveTask[]): QueueRow['status'] {
  if (open.length === 0) return 'FINISHED';
  if (state !== 'ENABLED') return 'STOPPED';
  return open.some((t) => t.state === 'FAILED') ? 'FAILED' : 'EXECUTING';
}

/** getClusterReplicationMetrics: one row over a window of finished tasks. */
export interface Metrics {
  readonly status: ReplicationState;
  /** Tasks finished in the window (skipped and ignored ones too). */
  readonly finishedTasks: number;
  readonly unfinishedTasks: number;
  readonly finishedTasksPerSec: number;
  /** Longest run (finish - start, ms) of a task that ran in the window; 0 when none. */
  readonly maxCostPerTask: number;
  /** Mean run (ms) of the tasks that ran in the window; 0 when none. */
  readonly avgCostPerTask: number;
  /** Finished tasks per distinct group among them; 0 when none. */
  readonly averageGroupSize: number;
}

/**
 * Metrics over the tasks finished in the last `secs` seconds before `nowMillis` (-1: every
 * finished task the scheduler holds, over the time since the first of them started).
 */
export function metrics(state: SchedulerState, nowMillis: number, secs: number): Metrics {
  const all = [...state.tasks.values()];
  const done = all.filter(
    (t) =>
      t.state === 'FINISHED' &&
      t.finishMillis > 0 &&
      (secs < 0 || nowMillis - t.finishMillis <= secs * 1000),
  );
  const costs = done.filter((t) => t.attempts > 0).map((t) => t.finishMillis - t.startMillis);
  const firstMillis = done.reduce(
    (min, t) => Math.min(min, t.startMillis || t.finishMillis),
    nowMillis,
  );
  const spanSecs = secs >= 0 ? secs : (nowMillis - firstMillis) / 1000;
  const groups = new Set(done.map((t) => t.groupId)).size;
  return {
    status: state.state,
    finishedTasks: done.length,
    unfinishedTasks: all.filter((t) => t.state !== 'FINISHED').length,
    finishedTasksPerSec: spanSecs > 0 ? done.length / spanSecs : 0,
    maxCostPerTask: costs.reduce((max, c) => Math.max(max, c), 0),
    avgCostPerTask: costs.length === 0 ? 0 : costs.reduce((a, b) => a + b, 0) / costs.length,
    averageGroupSize: groups === 0 ? 0 : done.length / groups,
  };
}
