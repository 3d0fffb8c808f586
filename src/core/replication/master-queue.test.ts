// Proves the master's retention (SPEC §7.1.5, §8.5): tasks go only when every slave finished
// them or drop-oldest drops them (then resync), block-operations refuses, extra slaves are refused.
import { describe, expect, it } from 'vitest';
import { AssertionFailure } from '../assert.ts';
import {
  channelState,
  disconnect,
  initialMasterQueue,
  pull,
  recordTask,
  removeSlave,
  truncated,
  truncateThrough,
} from './master-queue.ts';
import type { Capacity, MasterQueueState, PullRequest, PullResult } from './master-queue.ts';

const unbounded: Capacity = { limitWeight: -1, policy: 'block-operations' };

/** A master that recorded tasks of `weights` (ids 1, 2, ...). */
function withTasks(weights: readonly number[], slaveLimit = 2): MasterQueueState {
  let state = initialMasterQueue(slaveLimit);
  for (const weight of weights) {
    const result = recordTask(state, { taskId: state.lastTaskId + 1, weight }, unbounded);
    expect(result.kind).toBe('ok');
    state = result.state;
  }
  return state;
}

function request(slaveId: string, after: number, finished = after, now = 100): PullRequest {
  return {
    slaveId,
    controller: `${slaveId}:8900`,
    after,
    finishedThrough: finished,
    nowMillis: now,
  };
}

function served(result: PullResult): MasterQueueState {
  expect(result.kind).toBe('serve');
  return result.state;
}

describe('recordTask', () => {
  it('records gap-free tasks and sums their weight', () => {
    const state = withTasks([3, 4]);
    expect(state).toMatchObject({ firstRetainedTaskId: 1, lastTaskId: 2, retainedWeight: 7 });
  });

  it('asserts task ids are gap-free', () => {
    expect(() => recordTask(withTasks([1]), { taskId: 3, weight: 1 }, unbounded)).toThrow(
      AssertionFailure,
    );
  });

  it('block-operations refuses at capacity with a message that names the way out', () => {
    const capacity: Capacity = { limitWeight: 10, policy: 'block-operations' };
    const state = served(pull(withTasks([6]), request('s1', 0)));
    expect(recordTask(state, { taskId: 2, weight: 4 }, capacity).kind).toBe('ok');
    const refused = recordTask(state, { taskId: 2, weight: 5 }, capacity);
    expect(refused.kind).toBe('refused');
    expect(refused.state).toBe(state);
    if (refused.kind !== 'refused') return;
    expect(refused.message).toContain('clusterReplicationRedoLogCapacity=10');
    expect(refused.message).toContain('slowest slave s1 finished tasks through 0');
    expect(refused.message).toContain('drop-oldest');
  });

  it('takes a task heavier than the whole capacity when nothing else is held', () => {
    const capacity: Capacity = { limitWeight: 10, policy: 'block-operations' };
    const result = recordTask(initialMasterQueue(1), { taskId: 1, weight: 50 }, capacity);
    expect(result).toMatchObject({ kind: 'ok', state: { retainedWeight: 50 } });
  });

  it('drop-oldest drops the oldest tasks until the new one fits, and says which', () => {
    const weights = [4, 3, 2];
    const state = withTasks(weights);
    const capacity: Capacity = { limitWeight: 9, policy: 'drop-oldest' };
    const result = recordTask(
      state,
      { taskId: 4, weight: 5 },
      capacity,
      (id) => weights[id - 1] ?? 0,
    );
    expect(result).toMatchObject({
      kind: 'ok',
      dropped: [1, 2],
      state: { firstRetainedTaskId: 3, lastTaskId: 4, retainedWeight: 7 },
    });
  });

  it('drop-oldest sends the slave that still needed a dropped task to resync', () => {
    const weights = [4, 3, 2];
    let state = served(pull(withTasks(weights), request('s1', 3, 1)));
    state = served(pull(state, request('s2', 3, 3)));
    const capacity: Capacity = { limitWeight: 9, policy: 'drop-oldest' };
    const result = recordTask(
      state,
      { taskId: 4, weight: 5 },
      capacity,
      (id) => weights[id - 1] ?? 0,
    );
    state = result.state;
    const s1 = pull(state, request('s1', 3, 1));
    expect(s1.kind).toBe('resync');
    if (s1.kind === 'resync') expect(s1.reason).toContain('full resync required');
    expect(pull(state, request('s2', 3, 3))).toMatchObject({ kind: 'serve', from: 4 });
  });
});

describe('pull', () => {
  it('serves from after + 1 and records the slave', () => {
    const result = pull(withTasks([1, 1, 1]), request('s1', 1, 1, 500));
    expect(result).toMatchObject({ kind: 'serve', from: 2 });
    expect(result.state.slaves.get('s1')).toEqual({
      slaveId: 's1',
      controller: 's1:8900',
      pulledThrough: 1,
      finishedThrough: 1,
      lastPullMillis: 500,
      connected: true,
    });
  });

  it('never moves recorded positions backwards, but serves what the slave asks for', () => {
    let state = served(pull(withTasks([1, 1, 1]), request('s1', 3, 2)));
    const again = pull(state, request('s1', 2, 1));
    expect(again).toMatchObject({ kind: 'serve', from: 3 });
    state = again.state;
    expect(state.slaves.get('s1')).toMatchObject({ pulledThrough: 3, finishedThrough: 2 });
  });

  it('refuses a slave beyond slaveLimit, but not a known one', () => {
    let state = served(pull(withTasks([1], 1), request('s1', 0)));
    const refused = pull(state, request('s2', 0));
    expect(refused.kind).toBe('refused');
    expect(refused.state).toBe(state);
    if (refused.kind === 'refused') expect(refused.reason).toContain('clusterReplicationSlaveNum');
    state = disconnect(state, 's1');
    expect(pull(state, request('s1', 1)).kind).toBe('serve');
    expect(pull(removeSlave(state, 's1'), request('s2', 0)).kind).toBe('serve');
  });

  it('refuses a pull that finished more than it holds', () => {
    expect(pull(withTasks([1, 1]), request('s1', 1, 2)).kind).toBe('refused');
  });

  it('asks a slave to resync when the master no longer holds what it needs', () => {
    let state = served(pull(withTasks([1, 1, 1, 1]), request('s1', 4)));
    state = truncated(state, truncateThrough(state), 4);
    expect(state.firstRetainedTaskId).toBe(5);
    expect(pull(state, request('new', 0)).kind).toBe('resync');
    expect(pull(state, request('s1', 4)).kind).toBe('serve');
  });

  it('serves a pull that left before the report which allowed a drop, and arrives after it', () => {
    // s1 holds tasks 1–4 and finished 3; it reports 4 finished while a pull that says 3 is
    // still on its way. The report lets the master drop 1–4.
    let state = served(pull(withTasks([1, 1, 1, 1, 1]), request('s1', 4, 3)));
    state = served(pull(state, request('s1', 4, 4)));
    state = truncated(state, truncateThrough(state), 4);
    expect(state.firstRetainedTaskId).toBe(5);
    const late = pull(state, request('s1', 4, 3));
    expect(late.kind).toBe('serve');
    expect(late.state.slaves.get('s1')).toMatchObject({ pulledThrough: 4, finishedThrough: 4 });
    // A slave that holds less than the master dropped is told to resync, whatever it finished.
    const behind = pull(state, request('s1', 3, 3));
    expect(behind.kind).toBe('resync');
    if (behind.kind === 'resync') expect(behind.reason).toContain('holds tasks only through 3');
  });

  it('serves a new slave when nothing was truncated yet, at the boundary', () => {
    let state = served(pull(withTasks([1, 1, 1]), request('s1', 2)));
    state = truncated(state, 2, 2);
    expect(pull(state, request('s2', 2)).kind).toBe('serve');
    expect(pull(state, request('s2', 1)).kind).toBe('resync');
  });

  it('asks a slave that claims tasks the master never recorded to resync', () => {
    const result = pull(withTasks([1, 1]), request('s1', 3));
    expect(result.kind).toBe('resync');
    if (result.kind === 'resync') expect(result.reason).toContain('recorded only through 2');
    expect(result.state.slaves.get('s1')).toMatchObject({ pulledThrough: 0, finishedThrough: 0 });
  });

  it('holds the log for a resyncing slave from where it stands', () => {
    let state = served(pull(withTasks([1, 1, 1]), request('s1', 2)));
    state = truncated(state, 2, 2);
    state = pull(state, request('s2', 0)).state;
    state = served(pull(state, request('s1', 3)));
    expect(truncateThrough(state)).toBe(2);
    state = served(pull(state, request('s2', 3)));
    expect(truncateThrough(state)).toBe(3);
  });
});

describe('truncation', () => {
  it('truncates nothing without a registered slave', () => {
    expect(truncateThrough(withTasks([1, 1]))).toBe(0);
  });

  it('truncates through the lowest finishedThrough of every slave', () => {
    let state = served(pull(withTasks([1, 1, 1, 1]), request('s1', 4, 3)));
    state = served(pull(state, request('s2', 4, 1)));
    expect(truncateThrough(state)).toBe(1);
    state = disconnect(state, 's2');
    expect(truncateThrough(state)).toBe(1);
    state = truncated(state, 1, 1);
    expect(state).toMatchObject({ firstRetainedTaskId: 2, retainedWeight: 3 });
    expect(truncateThrough(removeSlave(state, 's2'))).toBe(3);
  });

  it('asserts nothing leaves before every slave finished it', () => {
    const state = served(pull(withTasks([1, 1]), request('s1', 2, 1)));
    expect(() => truncated(state, 2, 2)).toThrow(AssertionFailure);
    expect(() => truncated(state, 1, 5)).toThrow(AssertionFailure);
  });
});

describe('channelState', () => {
  const state = served(pull(withTasks([1, 1]), request('s1', 1, 1, 1000)));

  it('is ACTIVE while the master holds tasks after the slave position', () => {
    expect(channelState(state, 's1', 1000, 5000)).toBe('ACTIVE');
  });

  it('is CONNECTED when the slave holds everything', () => {
    const caughtUp = served(pull(state, request('s1', 2, 2, 2000)));
    expect(channelState(caughtUp, 's1', 2000, 5000)).toBe('CONNECTED');
  });

  it('is DISCONNECTED when unknown, disconnected, or silent past staleMillis', () => {
    expect(channelState(state, 'nobody', 1000, 5000)).toBe('DISCONNECTED');
    expect(channelState(disconnect(state, 's1'), 's1', 1000, 5000)).toBe('DISCONNECTED');
    expect(channelState(state, 's1', 6000, 5000)).toBe('ACTIVE');
    expect(channelState(state, 's1', 6001, 5000)).toBe('DISCONNECTED');
  });
});
