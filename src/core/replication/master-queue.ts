// The master's bookkeeping of its task log and its slaves (SPEC §7.1.5, §7.2, §7.6, §8.5),
// pure: the driver records each committed task, answers pulls, and truncates what every
// slave finished. Retention is the invariant here: a task leaves the log only when every
// registered slave finished it, or when `drop-oldest` drops it — and then the slaves that
// still needed it are told to resync. Times are milliseconds carried by the caller.

import { assert } from '../assert.ts';
import type { TaskId } from './replication-task.ts';

/** A slave as the master knows it. */
export interface SlaveChannel {
  readonly slaveId: string;
  /** The controller the slave pulls from (host:port), as it names itself. */
  readonly controller: string;
  /** The last task id the slave holds durably. */
  readonly pulledThrough: TaskId;
  /** Every task through this id is finished (or skipped) on the slave. */
  readonly finishedThrough: TaskId;
  readonly lastPullMillis: number;
  readonly connected: boolean;
}

/** The log's bounds and every registered slave. */
export interface MasterQueueState {
  /** clusterReplicationSlaveNum: most slaves registered at once. */
  readonly slaveLimit: number;
  readonly slaves: ReadonlyMap<string, SlaveChannel>;
  /** The oldest task still held (lastTaskId + 1 when none is). */
  readonly firstRetainedTaskId: TaskId;
  /** The newest task recorded (0 before the first). */
  readonly lastTaskId: TaskId;
  /** Total weight of the tasks held. */
  readonly retainedWeight: number;
}

/** clusterReplicationRedoLogCapacity and clusterReplicationOnCapacityExceeded. */
export interface Capacity {
  /** Most weight held for the slowest slave; -1: unbounded. */
  readonly limitWeight: number;
  readonly policy: 'block-operations' | 'drop-oldest';
}

/** A recorded task (with the ids drop-oldest dropped for it), or a refused one. */
export type RecordResult =
  | {
      readonly kind: 'ok';
      readonly state: MasterQueueState;
      /** Oldest tasks dropped to make room, in id order (drop-oldest only). */
      readonly dropped: readonly TaskId[];
    }
  | { readonly kind: 'refused'; readonly state: MasterQueueState; readonly message: string };

/** What to answer a pull. */
export type PullResult =
  /** Send the tasks from `from` (the release rule decides how many). */
  | { readonly kind: 'serve'; readonly state: MasterQueueState; readonly from: TaskId }
  /** The master no longer holds what the slave needs: it must copy a snapshot (§7.8). */
  | { readonly kind: 'resync'; readonly state: MasterQueueState; readonly reason: string }
  /** The slave is not served (too many slaves, or a malformed pull); nothing changed. */
  | { readonly kind: 'refused'; readonly state: MasterQueueState; readonly reason: string };

/** A slave's pull: who it is and where it stands. */
export interface PullRequest {
  readonly slaveId: string;
  readonly controller: string;
  /** The last task id the slave holds durably. */
  readonly after: TaskId;
  readonly finishedThrough: TaskId;
  readonly nowMillis: number;
}

/** What a slave channel shows (GigaSpaces' OutgoingChannel). */
export type ChannelState = 'DISCONNECTED' | 'CONNECTED' | 'ACTIVE';

/** A master with an empty log after `lastTaskId` and no slave yet. */
export function initialMasterQueue(slaveLimit: number, lastTaskId = 0): MasterQueueState {
  assert(slaveLimit >= 1, 'clusterReplicationSlaveNum is at least 1');
  return {
    slaveLimit,
    slaves: new Map(),
    firstRetainedTaskId: lastTaskId + 1,
    lastTaskId,
    retainedWeight: 0,
  };
}

/**
 * Records the next committed task. At capacity, `block-operations` refuses it (the commit
 * must not happen) with a message an operator can act on; `drop-oldest` drops the oldest
 * tasks until it fits, reading their weights through `weightOf`. A task heavier than the
 * whole capacity is taken when nothing else is held, so the log can never jam.
 */
export function recordTask(
  state: MasterQueueState,
  task: { readonly taskId: TaskId; readonly weight: number },
  capacity: Capacity,
  weightOf?: (taskId: TaskId) => number,
): RecordResult {
  assert(task.taskId === state.lastTaskId + 1, `task ${task.taskId} follows ${state.lastTaskId}`);
  assert(task.weight >= 1, `task ${task.taskId} weighs at least 1`);
  const fits = (s: MasterQueueState): boolean =>
    capacity.limitWeight < 0 ||
    s.retainedWeight === 0 ||
    s.retainedWeight + task.weight <= capacity.limitWeight;
  if (!fits(state) && capacity.policy === 'block-operations') {
    return { kind: 'refused', state, message: capacityMessage(state, capacity) };
  }
  let next = state;
  const dropped: TaskId[] = [];
  while (!fits(next)) {
    assert(weightOf !== undefined, 'drop-oldest reads the weights of the tasks it drops');
    const oldest = next.firstRetainedTaskId;
    const weight = weightOf(oldest);
    assert(weight >= 1 && weight <= next.retainedWeight, `task ${oldest} weight is retained`);
    dropped.push(oldest);
    next = {
      ...next,
      firstRetainedTaskId: oldest + 1,
      retainedWeight: next.retainedWeight - weight,
    };
  }
  return {
    kind: 'ok',
    state: {
      ...next,
      lastTaskId: task.taskId,
      retainedWeight: next.retainedWeight + task.weight,
    },
    dropped,
  };
}

function capacityMessage(state: MasterQueueState, capacity: Capacity): string {
  const slowest = [...state.slaves.values()].sort(
    (a, b) => a.finishedThrough - b.finishedThrough,
  )[0];
  const who =
    slowest === undefined
      ? 'no slave has registered yet'
      : `the slowest slave ${slowest.slaveId} finished tasks through ${slowest.finishedThrough}`;
  return (
    `replication backlog is full: the master holds weight ${state.retainedWeight} of ` +
    `clusterReplicationRedoLogCapacity=${capacity.limitWeight} (${who}); replicated writes ` +
    'are refused until the slaves catch up. Raise clusterReplicationRedoLogCapacity, or set ' +
    'clusterReplicationOnCapacityExceeded=drop-oldest (slaves that fall behind then resync)'
  );
}

/**
 * A slave asks for tasks after `after`. A new slave beyond slaveLimit is refused. A slave
 * that has not finished a task the master no longer holds (it needs that task's data too)
 * or that claims tasks the master never recorded must resync. Otherwise the answer starts
 * at `after + 1`. The recorded positions never go backwards (they bound truncation): lower
 * ones than recorded are ignored there, though the checks and the answer use the request.
 * A resync starts a new generation: the slave's positions become firstRetainedTaskId - 1.
 */
export function pull(state: MasterQueueState, request: PullRequest): PullResult {
  const known = state.slaves.get(request.slaveId);
  if (known === undefined && state.slaves.size >= state.slaveLimit) {
    const reason =
      `this master already serves ${state.slaveLimit} slaves (clusterReplicationSlaveNum); ` +
      `slave ${request.slaveId} is refused: raise clusterReplicationSlaveNum on the master ` +
      'controller, or remove a slave';
    return { kind: 'refused', state, reason };
  }
  if (request.finishedThrough > request.after) {
    const reason = `bad pull from slave ${request.slaveId}: finished through ${request.finishedThrough} but holds only through ${request.after}`;
    return { kind: 'refused', state, reason };
  }
  // What the slave holds is taken from the pull: a slave that lost state must not skip tasks.
  // What it finished may be known better here: a pull sent before the slave's last report
  // can arrive after it, and after the drop that report allowed (its tasks are finished).
  const first = state.firstRetainedTaskId;
  const finished = Math.max(known?.finishedThrough ?? 0, request.finishedThrough);
  const resync =
    request.after > state.lastTaskId
      ? `full resync required: slave ${request.slaveId} holds tasks through ${request.after} but the master recorded only through ${state.lastTaskId}`
      : request.after + 1 < first
        ? `full resync required: slave ${request.slaveId} holds tasks only through ${request.after} but the master holds only tasks from ${first}`
        : finished + 1 < first
          ? `full resync required: slave ${request.slaveId} finished tasks through ${finished} but the master holds only tasks from ${first}`
          : undefined;
  if (resync !== undefined) {
    // A new generation: the slave will copy a snapshot at first - 1 or later, so the log is
    // held from `first` on for it, whatever it claimed before.
    const channel = {
      ...channelOf(known, request),
      pulledThrough: first - 1,
      finishedThrough: first - 1,
    };
    return { kind: 'resync', state: withChannel(state, channel), reason: resync };
  }
  const channel = channelOf(known, request);
  return { kind: 'serve', state: withChannel(state, channel), from: request.after + 1 };
}

function channelOf(known: SlaveChannel | undefined, request: PullRequest): SlaveChannel {
  return {
    slaveId: request.slaveId,
    controller: request.controller,
    pulledThrough: Math.max(known?.pulledThrough ?? 0, request.after),
    finishedThrough: Math.max(known?.finishedThrough ?? 0, request.finishedThrough),
    lastPullMillis: Math.max(known?.lastPullMillis ?? 0, request.nowMillis),
    connected: true,
  };
}

function withChannel(state: MasterQueueState, channel: SlaveChannel): MasterQueueState {
  const slaves = new Map(state.slaves);
  slaves.set(channel.slaveId, channel);
  return { ...state, slaves };
}

/**
 * The highest task id every registered slave finished: the log may be truncated through
 * it. With no slave registered nothing is (firstRetainedTaskId - 1): the first slave to
 * come needs the log.
 */
export function truncateThrough(state: MasterQueueState): TaskId {
  let through = Infinity;
  for (const slave of state.slaves.values()) through = Math.min(through, slave.finishedThrough);
  const floor = state.firstRetainedTaskId - 1;
  return through === Infinity ? floor : Math.max(floor, Math.min(through, state.lastTaskId));
}

/** The driver removed the tasks through `throughId` (freeing `weightFreed`) from its log. */
export function truncated(
  state: MasterQueueState,
  throughId: TaskId,
  weightFreed: number,
): MasterQueueState {
  assert(throughId >= state.firstRetainedTaskId - 1, 'truncation never goes backwards');
  assert(throughId <= truncateThrough(state), 'a task leaves only when every slave finished it');
  assert(
    weightFreed >= 0 && weightFreed <= state.retainedWeight,
    'truncation frees weight that was held',
  );
  return {
    ...state,
    firstRetainedTaskId: throughId + 1,
    retainedWeight: state.retainedWeight - weightFreed,
  };
}

/** The slave's connection closed (it stays registered and keeps its positions). */
export function disconnect(state: MasterQueueState, slaveId: string): MasterQueueState {
  const channel = state.slaves.get(slaveId);
  if (channel === undefined || !channel.connected) return state;
  const slaves = new Map(state.slaves);
  slaves.set(slaveId, { ...channel, connected: false });
  return { ...state, slaves };
}

/** The operator removed a slave: it no longer holds back truncation nor counts to the limit. */
export function removeSlave(state: MasterQueueState, slaveId: string): MasterQueueState {
  if (!state.slaves.has(slaveId)) return state;
  const slaves = new Map(state.slaves);
  slaves.delete(slaveId);
  return { ...state, slaves };
}

/**
 * DISCONNECTED when the slave is unknown, disconnected or silent for more than
 * `staleMillis`; ACTIVE when the master holds tasks after its position; else CONNECTED.
 */
export function channelState(
  state: MasterQueueState,
  slaveId: string,
  nowMillis: number,
  staleMillis: number,
): ChannelState {
  const channel = state.slaves.get(slaveId);
  if (channel === undefined || !channel.connected) return 'DISCONNECTED';
  if (nowMillis - channel.lastPullMillis > staleMillis) return 'DISCONNECTED';
  return channel.pulledThrough < state.lastTaskId ? 'ACTIVE' : 'CONNECTED';
}
