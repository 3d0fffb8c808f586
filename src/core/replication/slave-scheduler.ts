// The slave controller's scheduler (SPEC §7.3–§7.5), as a pure state machine: events in
// (tasks pulled, a task finished or failed, the clock, operator commands), effects out
// (persist, dispatch, state changes, errors). The driver performs `persist` before any
// `dispatch`. Per execution set, groups run one after another; the tasks of the current
// group run at once on their queues' data nodes, at most workerNum per node. A failed task
// is retried with backoff; after maxAttempts failures the slave is STOPPED.

import { assert, unreachable } from '../assert.ts';
import type { ReplicationTask, TaskId } from './replication-task.ts';

export type TaskState = 'WAITING' | 'EXECUTING' | 'FINISHED' | 'FAILED';
export type ReplicationState = 'ENABLED' | 'DISABLED' | 'STOPPED';

/** A task as the slave keeps it. */
export interface SlaveTask extends ReplicationTask {
  readonly queueId: number;
  readonly state: TaskState;
  /** Runs so far (a start by the operator restarts the count). */
  readonly attempts: number;
  readonly executionNode: string;
  readonly startMillis: number;
  readonly finishMillis: number;
  readonly details: string;
  readonly nextAttemptMillis: number;
}

/** The scheduler's fixed settings. */
export interface SchedulerConfig {
  readonly queueCount: number;
  /** The slave's data nodes; queue q runs on nodes[q % nodes.length]. */
  readonly nodes: readonly string[];
  readonly workerNum: number;
  readonly maxAttempts: number;
  readonly retryInitialMillis: number;
  readonly retryMaxMillis: number;
  /** Pull only while the unfinished weight is below this. */
  readonly maxUnfinishedWeight: number;
  /** Databases to replay (null: all). */
  readonly dbScope: readonly string[] | null;
}

export interface SchedulerState {
  readonly config: SchedulerConfig;
  readonly state: ReplicationState;
  readonly stoppedReason: string;
  /** The highest task id received. */
  readonly pulledThrough: TaskId;
  readonly tasks: ReadonlyMap<TaskId, SlaveTask>;
}

export type SchedulerEvent =
  | {
      readonly kind: 'pulled';
      readonly tasks: readonly ReplicationTask[];
      readonly nowMillis: number;
    }
  | { readonly kind: 'finished'; readonly taskId: TaskId; readonly nowMillis: number }
  | {
      readonly kind: 'failed';
      readonly taskId: TaskId;
      readonly reason: string;
      readonly nowMillis: number;
    }
  | { readonly kind: 'tick'; readonly nowMillis: number }
  | { readonly kind: 'stop' }
  | { readonly kind: 'start'; readonly nowMillis: number }
  | { readonly kind: 'skip'; readonly taskIds: readonly TaskId[] }
  | { readonly kind: 'recover'; readonly nowMillis: number };

export type SchedulerEffect =
  | { readonly kind: 'persist'; readonly tasks: readonly SlaveTask[] }
  | { readonly kind: 'dispatch'; readonly taskId: TaskId; readonly node: string }
  | {
      readonly kind: 'stateChanged';
      readonly from: ReplicationState;
      readonly to: ReplicationState;
      readonly reason: string;
    }
  | { readonly kind: 'error'; readonly message: string };

export interface StepResult {
  readonly state: SchedulerState;
  readonly effects: readonly SchedulerEffect[];
}

/** Details of a task outside slaveReplicationDBScope. */
export const IGNORED_DETAILS = 'ignored: outside slaveReplicationDBScope';
/** Details of a skipped task. */
export const SKIPPED_DETAILS = 'skipped by skipClusterReplicationTask';

/** A scheduler over `tasks` (as persisted), in `saved` state (ENABLED when new). */
export function createScheduler(
  config: SchedulerConfig,
  tasks: readonly SlaveTask[],
  saved?: {
    readonly state: ReplicationState;
    readonly stoppedReason: string;
    readonly pulledThrough: number;
  },
): SchedulerState {
  const map = new Map(tasks.map((t) => [t.taskId, t]));
  const highest = tasks.reduce((max, t) => Math.max(max, t.taskId), 0);
  return {
    config,
    state: saved?.state ?? 'ENABLED',
    stoppedReason: saved?.stoppedReason ?? '',
    pulledThrough: Math.max(saved?.pulledThrough ?? 0, highest),
    tasks: map,
  };
}

/** Applies `event`; the new state and the effects to perform, `persist` first. */
export function step(state: SchedulerState, event: SchedulerEvent): StepResult {
  const changes = new Map<TaskId, SlaveTask>();
  const effects: SchedulerEffect[] = [];
  let next = applyEvent(state, event, changes, effects);
  if (next.state === 'ENABLED') next = schedule(next, nowOf(event), changes, effects);
  const persisted: SchedulerEffect[] =
    changes.size > 0 || next.state !== state.state || next.pulledThrough !== state.pulledThrough
      ? [{ kind: 'persist', tasks: [...changes.values()] }]
      : [];
  return { state: next, effects: [...persisted, ...effects] };
}

function nowOf(event: SchedulerEvent): number {
  return 'nowMillis' in event ? event.nowMillis : 0;
}

function applyEvent(
  state: SchedulerState,
  event: SchedulerEvent,
  changes: Map<TaskId, SlaveTask>,
  effects: SchedulerEffect[],
): SchedulerState {
  switch (event.kind) {
    case 'pulled':
      return pulled(state, event.tasks, changes);
    case 'finished':
      return finished(state, event.taskId, event.nowMillis, changes);
    case 'failed':
      return failed(state, event.taskId, event.reason, event.nowMillis, changes, effects);
    case 'tick':
      return state;
    case 'stop':
      return changeState(state, 'DISABLED', 'stopClusterReplication', effects);
    case 'start':
      return start(state, event.nowMillis, changes, effects);
    case 'skip':
      return skip(state, event.taskIds, changes, effects);
    case 'recover':
      return recover(state, changes);
    default:
      return unreachable(event);
  }
}

function put(
  state: SchedulerState,
  task: SlaveTask,
  changes: Map<TaskId, SlaveTask>,
): SchedulerState {
  changes.set(task.taskId, task);
  const tasks = new Map(state.tasks);
  tasks.set(task.taskId, task);
  return { ...state, tasks };
}

function pulled(
  state: SchedulerState,
  tasks: readonly ReplicationTask[],
  changes: Map<TaskId, SlaveTask>,
): SchedulerState {
  let next = state;
  for (const task of tasks) {
    // Exactly once starts here: a task already received is never taken again.
    if (task.taskId <= next.pulledThrough || next.tasks.has(task.taskId)) continue;
    const inScope = state.config.dbScope === null || state.config.dbScope.includes(task.db);
    const slaveTask: SlaveTask = {
      ...task,
      queueId: queueOf(task.db, state.config.queueCount),
      state: inScope ? 'WAITING' : 'FINISHED',
      attempts: 0,
      executionNode: '',
      startMillis: 0,
      finishMillis: 0,
      details: inScope ? '' : IGNORED_DETAILS,
      nextAttemptMillis: 0,
    };
    next = { ...put(next, slaveTask, changes), pulledThrough: task.taskId };
  }
  return next;
}

function finished(
  state: SchedulerState,
  taskId: TaskId,
  nowMillis: number,
  changes: Map<TaskId, SlaveTask>,
): SchedulerState {
  const task = state.tasks.get(taskId);
  if (task === undefined || task.state !== 'EXECUTING') return state;
  return put(state, { ...task, state: 'FINISHED', finishMillis: nowMillis, details: '' }, changes);
}

function failed(
  state: SchedulerState,
  taskId: TaskId,
  reason: string,
  nowMillis: number,
  changes: Map<TaskId, SlaveTask>,
  effects: SchedulerEffect[],
): SchedulerState {
  const task = state.tasks.get(taskId);
  if (task === undefined || task.state !== 'EXECUTING') return state;
  const { retryInitialMillis, retryMaxMillis, maxAttempts } = state.config;
  const delay = Math.min(retryMaxMillis, retryInitialMillis * 2 ** Math.min(30, task.attempts - 1));
  const next = put(
    state,
    { ...task, state: 'FAILED', details: reason, nextAttemptMillis: nowMillis + delay },
    changes,
  );
  if (task.attempts < maxAttempts || next.state === 'STOPPED') return next;
  const why = `task ${taskId} failed ${task.attempts} times: ${reason}`;
  return { ...changeState(next, 'STOPPED', why, effects), stoppedReason: why };
}

function changeState(
  state: SchedulerState,
  to: ReplicationState,
  reason: string,
  effects: SchedulerEffect[],
): SchedulerState {
  if (state.state === to) return state;
  effects.push({ kind: 'stateChanged', from: state.state, to, reason });
  return { ...state, state: to, stoppedReason: to === 'STOPPED' ? reason : '' };
}

function start(
  state: SchedulerState,
  nowMillis: number,
  changes: Map<TaskId, SlaveTask>,
  effects: SchedulerEffect[],
): SchedulerState {
  let next = changeState(state, 'ENABLED', 'startClusterReplication', effects);
  for (const task of state.tasks.values()) {
    if (task.state === 'FAILED') {
      next = put(next, { ...task, attempts: 0, nextAttemptMillis: nowMillis }, changes);
    }
  }
  return next;
}

function skip(
  state: SchedulerState,
  taskIds: readonly TaskId[],
  changes: Map<TaskId, SlaveTask>,
  effects: SchedulerEffect[],
): SchedulerState {
  if (state.state === 'ENABLED') {
    effects.push({
      kind: 'error',
      message:
        'skipClusterReplicationTask needs replication stopped: call stopClusterReplication() first',
    });
    return state;
  }
  const unknown = taskIds.filter((id) => !state.tasks.has(id));
  if (unknown.length > 0) {
    effects.push({
      kind: 'error',
      message: `no replication task ${unknown.join(', ')} on this slave`,
    });
    return state;
  }
  let next = state;
  for (const id of taskIds) {
    const task = next.tasks.get(id) as SlaveTask;
    if (task.state === 'FINISHED') continue;
    next = put(next, { ...task, state: 'FINISHED', details: SKIPPED_DETAILS }, changes);
  }
  return next;
}

function recover(state: SchedulerState, changes: Map<TaskId, SlaveTask>): SchedulerState {
  let next = state;
  for (const task of state.tasks.values()) {
    if (task.state === 'EXECUTING') next = put(next, { ...task, state: 'WAITING' }, changes);
  }
  return next;
}

/** Dispatches every task that may run now. */
function schedule(
  state: SchedulerState,
  nowMillis: number,
  changes: Map<TaskId, SlaveTask>,
  effects: SchedulerEffect[],
): SchedulerState {
  const busy = new Map<string, number>();
  for (const task of state.tasks.values()) {
    if (task.state === 'EXECUTING')
      busy.set(task.executionNode, (busy.get(task.executionNode) ?? 0) + 1);
  }
  let next = state;
  for (const set of [0, 1] as const) {
    const group = currentGroup(next, set);
    if (group === undefined) continue;
    for (const task of group) {
      const runnable =
        task.state === 'WAITING' ||
        (task.state === 'FAILED' && task.nextAttemptMillis <= nowMillis);
      if (!runnable) continue;
      const node = nodeOf(task.queueId, next.config.nodes);
      if ((busy.get(node) ?? 0) >= next.config.workerNum) continue;
      busy.set(node, (busy.get(node) ?? 0) + 1);
      next = put(
        next,
        {
          ...task,
          state: 'EXECUTING',
          attempts: task.attempts + 1,
          executionNode: node,
          startMillis: nowMillis,
        },
        changes,
      );
      effects.push({ kind: 'dispatch', taskId: task.taskId, node });
    }
  }
  return next;
}

/** The unfinished tasks of the smallest group of `set` that still has some, in id order. */
export function currentGroup(state: SchedulerState, set: 0 | 1): SlaveTask[] | undefined {
  let groupId: number | undefined;
  for (const task of state.tasks.values()) {
    if (task.executionSet !== set || task.state === 'FINISHED') continue;
    if (groupId === undefined || task.groupId < groupId) groupId = task.groupId;
  }
  if (groupId === undefined) return undefined;
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

/** The highest id such that every task up to it is FINISHED (skipped and ignored count). */
export function finishedThrough(state: SchedulerState): TaskId {
  let lowestOpen = state.pulledThrough + 1;
  for (const task of state.tasks.values()) {
    if (task.state !== 'FINISHED' && task.taskId < lowestOpen) lowestOpen = task.taskId;
  }
  return lowestOpen - 1;
}

/** Weight pulled but not finished. */
export function unfinishedWeight(state: SchedulerState): number {
  let weight = 0;
  for (const task of state.tasks.values()) if (task.state !== 'FINISHED') weight += task.weight;
  return weight;
}

/** Whether the slave should pull now (ENABLED, with room). */
export function wantsPull(state: SchedulerState): boolean {
  return state.state === 'ENABLED' && unfinishedWeight(state) < state.config.maxUnfinishedWeight;
}

/** How far behind the slave is: unfinished tasks, and the age of the oldest one. */
export function lag(
  state: SchedulerState,
  nowMillis: number,
): { lagTasks: number; lagMillis: number } {
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
  readonly executionGroupId: number;
  readonly executionNode: string;
  /** Milliseconds the queue's running task has run (0 when none runs). */
  readonly executionTime: number;
  readonly status: 'EXECUTING' | 'FAILED' | 'STOPPED' | 'FINISHED';
}

/** Every queue that has held a task, per execution set. */
export function queueStatus(state: SchedulerState, nowMillis: number): QueueRow[] {
  const rows = new Map<string, SlaveTask[]>();
  for (const task of state.tasks.values()) {
    const key = `${task.executionSet}:${task.queueId}`;
    rows.set(key, [...(rows.get(key) ?? []), task]);
  }
  return [...rows.values()]
    .map((tasks) => queueRow(state, tasks, nowMillis))
    .sort((a, b) => a.executionSet - b.executionSet || a.queueId - b.queueId);
}

function queueRow(state: SchedulerState, tasks: readonly SlaveTask[], nowMillis: number): QueueRow {
  const first = tasks[0] as SlaveTask;
  const open = tasks.filter((t) => t.state !== 'FINISHED').sort((a, b) => a.taskId - b.taskId);
  const running = open.find((t) => t.state === 'EXECUTING');
  const head = running ?? open[0];
  const status =
    open.length === 0
      ? 'FINISHED'
      : open.some((t) => t.state === 'FAILED')
        ? state.state === 'STOPPED'
          ? 'STOPPED'
          : 'FAILED'
        : state.state === 'ENABLED'
          ? 'EXECUTING'
          : 'STOPPED';
  return {
    executionSet: first.executionSet,
    queueId: first.queueId,
    unfinishedTasks: open.length,
    executionGroupId: head?.groupId ?? 0,
    executionNode: head === undefined ? '' : nodeOf(first.queueId, state.config.nodes),
    executionTime: running === undefined ? 0 : Math.max(0, nowMillis - running.startMillis),
    status,
  };
}

/** getClusterReplicationMetrics over the last `secs` seconds (-1: every finished task). */
export interface Metrics {
  readonly status: ReplicationState;
  readonly finishedTasks: number;
  readonly unfinishedTasks: number;
  readonly finishedTasksPerSec: number;
  readonly maxCostPerTask: number;
  readonly avgCostPerTask: number;
  readonly averageGroupSize: number;
}

export function metrics(state: SchedulerState, nowMillis: number, secs: number): Metrics {
  const all = [...state.tasks.values()];
  const done = all.filter(
    (t) =>
      t.state === 'FINISHED' &&
      t.finishMillis > 0 &&
      (secs < 0 || nowMillis - t.finishMillis <= secs * 1000),
  );
  const costs = done.map((t) => Math.max(0, t.finishMillis - t.startMillis));
  const groups = new Set(done.map((t) => t.groupId));
  const span =
    secs >= 0
      ? secs
      : done.length === 0
        ? 1
        : (nowMillis - Math.min(...done.map((t) => t.startMillis))) / 1000;
  return {
    status: state.state,
    finishedTasks: done.length,
    unfinishedTasks: all.filter((t) => t.state !== 'FINISHED').length,
    finishedTasksPerSec: span > 0 ? done.length / span : 0,
    maxCostPerTask: costs.length === 0 ? 0 : Math.max(...costs),
    avgCostPerTask: costs.length === 0 ? 0 : costs.reduce((a, b) => a + b, 0) / costs.length,
    averageGroupSize: groups.size === 0 ? 0 : done.length / groups.size,
  };
}
