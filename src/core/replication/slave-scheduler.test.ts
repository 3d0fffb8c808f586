// Proves the slave scheduler (SPEC §7.3–§7.5) for every replication state x event, plus its
// scheduling rules and queries. By feeding events to `step` and checking state and effects.
import { describe, expect, it } from 'vitest';
import { AssertionFailure } from '../assert.ts';
import type { ReplicationTask } from './replication-task.ts';
import {
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
import type {
  ReplicationState,
  SchedulerConfig,
  SchedulerEffect,
  SchedulerEvent,
  SchedulerState,
  StepResult,
} from './slave-scheduler.ts';

const config: SchedulerConfig = {
  queueCount: 4,
  nodes: ['dn1', 'dn2'],
  workerNum: 2,
  // Batches are off here (each run one task) but for the tests of batches, which turn them on.
  maxBatchTasks: 1,
  maxBatchWeight: 1000,
  maxAttempts: 3,
  retryInitialMillis: 100,
  retryMaxMillis: 1000,
  maxUnfinishedWeight: 100,
  maxUnfinishedTasks: 3,
  dbScope: null,
};

// queueOf over 4 queues: db2 -> 0 (dn1), db1 -> 1 (dn2), db0 -> 2 (dn1), db3 -> 3 (dn2).
const ON_DN1 = 'dfs://db2';
const ON_DN2 = 'dfs://db1';

function task(
  taskId: number,
  groupId: number,
  extra: Partial<ReplicationTask> = {},
): ReplicationTask {
  return {
    taskId,
    tid: 1000 + taskId,
    groupId,
    operationType: 'APPEND',
    submitMillis: 10 * taskId,
    db: ON_DN1,
    table: 't',
    srcAlias: 'm1',
    srcHost: '127.0.0.1',
    srcPort: 9001,
    weight: 1,
    bytes: 10,
    partitions: [`p${taskId}`],
    executionSet: 0,
    ...extra,
  };
}

function scheduler(
  state: ReplicationState = 'ENABLED',
  overrides: Partial<SchedulerConfig> = {},
): SchedulerState {
  const stoppedReason = state === 'STOPPED' ? 'task 9 failed 30 times: disk full' : '';
  return createScheduler({ ...config, ...overrides }, [], {
    state,
    stoppedReason,
    pulledThrough: 0,
  });
}

/** Feeds `events` in order; the last result. */
function run(state: SchedulerState, ...events: SchedulerEvent[]): StepResult {
  let result: StepResult = { state, effects: [] };
  for (const event of events) result = step(result.state, event);
  return result;
}

function dispatched(effects: readonly SchedulerEffect[]): number[] {
  return effects.flatMap((e) => (e.kind === 'dispatch' ? e.taskIds : []));
}

function stateOf(state: SchedulerState, taskId: number): string | undefined {
  return state.tasks.get(taskId)?.state;
}

/** A scheduler in `state` holding tasks 1 (EXECUTING, group 1) and 2 (WAITING, group 2). */
function busy(state: ReplicationState): SchedulerState {
  const pulled = run(scheduler(), {
    kind: 'pulled',
    tasks: [task(1, 1), task(2, 2)],
    nowMillis: 100,
  }).state;
  return { ...pulled, state, stoppedReason: state === 'STOPPED' ? 'earlier failures' : '' };
}

const STATES = ['ENABLED', 'DISABLED', 'STOPPED'] as const;

describe('pulled', () => {
  it('ENABLED: persists the tasks first, then dispatches the current group', () => {
    const { state, effects } = run(scheduler(), {
      kind: 'pulled',
      tasks: [task(1, 1), task(2, 1, { db: ON_DN2 }), task(3, 2)],
      nowMillis: 100,
    });
    expect(effects[0]).toMatchObject({ kind: 'persist', pulledThrough: 3 });
    expect(effects[0]?.kind === 'persist' && effects[0].tasks.map((t) => t.taskId)).toEqual([
      1, 2, 3,
    ]);
    expect(effects.slice(1)).toEqual([
      { kind: 'dispatch', taskIds: [1], node: 'dn1' },
      { kind: 'dispatch', taskIds: [2], node: 'dn2' },
    ]);
    expect(state.tasks.get(1)).toMatchObject({
      state: 'EXECUTING',
      attempts: 1,
      executionNode: 'dn1',
      startMillis: 100,
      queueId: queueOf(ON_DN1, 4),
    });
    expect(stateOf(state, 3)).toBe('WAITING');
    expect(state.pulledThrough).toBe(3);
  });

  it.each(['DISABLED', 'STOPPED'] as const)('%s: persists the tasks, dispatches none', (s) => {
    const { state, effects } = run(scheduler(s), {
      kind: 'pulled',
      tasks: [task(1, 1)],
      nowMillis: 100,
    });
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ kind: 'persist', pulledThrough: 1 });
    expect(stateOf(state, 1)).toBe('WAITING');
  });

  it.each(STATES)('%s: ignores tasks already received (exactly once starts here)', (s) => {
    const first = run(scheduler(s), { kind: 'pulled', tasks: [task(1, 1)], nowMillis: 100 }).state;
    const again = run(first, { kind: 'pulled', tasks: [task(1, 1)], nowMillis: 200 });
    expect(again.state).toBe(first);
    expect(again.effects).toEqual([]);
    const overlap = run(first, { kind: 'pulled', tasks: [task(1, 1), task(2, 1)], nowMillis: 200 });
    expect(overlap.state.pulledThrough).toBe(2);
    expect(overlap.state.tasks.get(1)).toBe(first.tasks.get(1));
  });

  it('asserts that pulled task ids are gap-free', () => {
    expect(() => run(scheduler(), { kind: 'pulled', tasks: [task(2, 1)], nowMillis: 1 })).toThrow(
      AssertionFailure,
    );
  });

  it('finishes a task outside slaveReplicationDBScope at once, without running it', () => {
    const { state, effects } = run(scheduler('ENABLED', { dbScope: [ON_DN2] }), {
      kind: 'pulled',
      tasks: [task(1, 1), task(2, 2, { db: ON_DN2 })],
      nowMillis: 100,
    });
    expect(state.tasks.get(1)).toMatchObject({
      state: 'FINISHED',
      details: IGNORED_DETAILS,
      finishMillis: 100,
      attempts: 0,
    });
    expect(dispatched(effects)).toEqual([2]);
  });
});

describe('finished', () => {
  it('ENABLED: finishes the task and starts the next group', () => {
    const { state, effects } = run(busy('ENABLED'), {
      kind: 'finished',
      taskIds: [1],
      nowMillis: 150,
    });
    expect(state.tasks.get(1)).toMatchObject({ state: 'FINISHED', finishMillis: 150 });
    expect(effects[0]?.kind).toBe('persist');
    expect(dispatched(effects)).toEqual([2]);
    expect(finishedThrough(state)).toBe(1);
  });

  it.each(['DISABLED', 'STOPPED'] as const)(
    '%s: finishes the running task, starts nothing',
    (s) => {
      const { state, effects } = run(busy(s), { kind: 'finished', taskIds: [1], nowMillis: 150 });
      expect(stateOf(state, 1)).toBe('FINISHED');
      expect(dispatched(effects)).toEqual([]);
      expect(state.state).toBe(s);
    },
  );

  it.each(STATES)('%s: ignores a report for a task that is not running', (s) => {
    const before = busy(s);
    for (const taskId of [2, 99]) {
      const { state, effects } = run(before, {
        kind: 'finished',
        taskIds: [taskId],
        nowMillis: 150,
      });
      expect(state).toBe(before);
      expect(effects).toEqual([]);
    }
    const done = run(before, { kind: 'finished', taskIds: [1], nowMillis: 150 }).state;
    const twice = run(done, { kind: 'finished', taskIds: [1], nowMillis: 999 });
    expect(twice.state.tasks.get(1)?.finishMillis).toBe(150);
  });
});

describe('failed', () => {
  it('ENABLED: marks the task FAILED with the reason and retries it after a doubling backoff', () => {
    let result = run(busy('ENABLED'), {
      kind: 'failed',
      taskIds: [1],
      reason: 'disk full',
      nowMillis: 1000,
    });
    expect(result.state.tasks.get(1)).toMatchObject({
      state: 'FAILED',
      details: 'disk full',
      attempts: 1,
      nextAttemptMillis: 1100,
    });
    expect(dispatched(result.effects)).toEqual([]);
    result = run(result.state, { kind: 'tick', nowMillis: 1099 });
    expect(dispatched(result.effects)).toEqual([]);
    result = run(result.state, { kind: 'tick', nowMillis: 1100 });
    expect(dispatched(result.effects)).toEqual([1]);
    result = run(result.state, {
      kind: 'failed',
      taskIds: [1],
      reason: 'disk full',
      nowMillis: 2000,
    });
    expect(result.state.tasks.get(1)?.nextAttemptMillis).toBe(2200);
  });

  it('caps the backoff at retryMaxMillis', () => {
    let state = busy('ENABLED');
    state = { ...state, config: { ...state.config, maxAttempts: 30 } };
    let now = 0;
    for (let attempt = 1; attempt <= 6; attempt++) {
      state = run(state, { kind: 'failed', taskIds: [1], reason: 'x', nowMillis: now }).state;
      const due = state.tasks.get(1)?.nextAttemptMillis ?? 0;
      expect(due - now).toBe(Math.min(1000, 100 * 2 ** (attempt - 1)));
      now = due;
      state = run(state, { kind: 'tick', nowMillis: now }).state;
    }
  });

  it('ENABLED: the maxAttempts-th failure STOPS replication and says why', () => {
    let result: StepResult = { state: busy('ENABLED'), effects: [] };
    for (const now of [1000, 2000]) {
      result = run(
        result.state,
        { kind: 'failed', taskIds: [1], reason: 'permission denied', nowMillis: now },
        { kind: 'tick', nowMillis: now + 500 },
      );
    }
    result = run(result.state, {
      kind: 'failed',
      taskIds: [1],
      reason: 'permission denied',
      nowMillis: 3000,
    });
    const why = 'task 1 failed 3 times: permission denied';
    expect(result.state).toMatchObject({ state: 'STOPPED', stoppedReason: why });
    expect(result.effects[0]).toMatchObject({
      kind: 'persist',
      state: 'STOPPED',
      stoppedReason: why,
    });
    expect(result.effects).toContainEqual({
      kind: 'stateChanged',
      from: 'ENABLED',
      to: 'STOPPED',
      reason: why,
    });
    expect(stateOf(result.state, 1)).toBe('FAILED');
    expect(dispatched(run(result.state, { kind: 'tick', nowMillis: 99_999 }).effects)).toEqual([]);
  });

  it.each(['DISABLED', 'STOPPED'] as const)(
    '%s: records the failure and keeps the state, even at maxAttempts',
    (s) => {
      const before = busy(s);
      const exhausted = {
        ...before,
        tasks: new Map(before.tasks).set(1, { ...before.tasks.get(1)!, attempts: 3 }),
      };
      const { state, effects } = run(exhausted, {
        kind: 'failed',
        taskIds: [1],
        reason: 'x',
        nowMillis: 5,
      });
      expect(stateOf(state, 1)).toBe('FAILED');
      expect(state.state).toBe(s);
      expect(effects.map((e) => e.kind)).toEqual(['persist']);
    },
  );

  it.each(STATES)('%s: ignores a failure of a task that is not running', (s) => {
    const before = busy(s);
    expect(run(before, { kind: 'failed', taskIds: [2], reason: 'x', nowMillis: 5 }).state).toBe(
      before,
    );
    expect(
      run(before, { kind: 'failed', taskIds: [42], reason: 'x', nowMillis: 5 }).effects,
    ).toEqual([]);
  });
});

describe('tick', () => {
  it('ENABLED: dispatches a failed task that came due, and nothing else changes', () => {
    const failed = run(busy('ENABLED'), {
      kind: 'failed',
      taskIds: [1],
      reason: 'x',
      nowMillis: 0,
    });
    const early = run(failed.state, { kind: 'tick', nowMillis: 50 });
    expect(early.state).toBe(failed.state);
    expect(early.effects).toEqual([]);
    expect(dispatched(run(failed.state, { kind: 'tick', nowMillis: 100 }).effects)).toEqual([1]);
  });

  it.each(['DISABLED', 'STOPPED'] as const)('%s: dispatches nothing', (s) => {
    const failed = run(busy(s), { kind: 'failed', taskIds: [1], reason: 'x', nowMillis: 0 }).state;
    const { state, effects } = run(failed, { kind: 'tick', nowMillis: 10_000 });
    expect(effects).toEqual([]);
    expect(state).toBe(failed);
  });
});

describe('stop', () => {
  it.each(['ENABLED', 'STOPPED'] as const)('%s: becomes DISABLED and persists that', (s) => {
    const { state, effects } = run(busy(s), { kind: 'stop' });
    expect(state).toMatchObject({ state: 'DISABLED', stoppedReason: '' });
    expect(effects[0]).toEqual({
      kind: 'persist',
      tasks: [],
      state: 'DISABLED',
      stoppedReason: '',
    });
    expect(effects[1]).toMatchObject({ kind: 'stateChanged', from: s, to: 'DISABLED' });
    expect(stateOf(state, 1)).toBe('EXECUTING');
  });

  it('DISABLED: changes nothing', () => {
    const before = busy('DISABLED');
    expect(run(before, { kind: 'stop' })).toEqual({ state: before, effects: [] });
  });
});

describe('start', () => {
  it.each(['DISABLED', 'STOPPED'] as const)(
    '%s: becomes ENABLED and runs every FAILED task again with a fresh count',
    (s) => {
      let state = run(busy(s), { kind: 'failed', taskIds: [1], reason: 'x', nowMillis: 0 }).state;
      const { state: after, effects } = run(state, { kind: 'start', nowMillis: 1 });
      state = after;
      expect(state).toMatchObject({ state: 'ENABLED', stoppedReason: '' });
      expect(effects[0]).toMatchObject({ kind: 'persist', state: 'ENABLED' });
      expect(effects).toContainEqual({
        kind: 'stateChanged',
        from: s,
        to: 'ENABLED',
        reason: 'startClusterReplication',
      });
      expect(dispatched(effects)).toEqual([1]);
      expect(state.tasks.get(1)).toMatchObject({ state: 'EXECUTING', attempts: 1 });
    },
  );

  it('DISABLED: starts waiting tasks too', () => {
    const waiting = run(scheduler('DISABLED'), {
      kind: 'pulled',
      tasks: [task(1, 1)],
      nowMillis: 0,
    }).state;
    expect(dispatched(run(waiting, { kind: 'start', nowMillis: 1 }).effects)).toEqual([1]);
  });

  it('ENABLED: runs a FAILED task at once instead of after its backoff', () => {
    const failed = run(busy('ENABLED'), {
      kind: 'failed',
      taskIds: [1],
      reason: 'x',
      nowMillis: 0,
    });
    const { effects } = run(failed.state, { kind: 'start', nowMillis: 1 });
    expect(effects.some((e) => e.kind === 'stateChanged')).toBe(false);
    expect(dispatched(effects)).toEqual([1]);
  });
});

describe('skip', () => {
  it('ENABLED: refuses with an error that says what to do, and changes nothing', () => {
    const before = busy('ENABLED');
    const { state, effects } = run(before, { kind: 'skip', taskIds: [2] });
    expect(state).toBe(before);
    expect(effects).toHaveLength(1);
    expect(effects[0]?.kind === 'error' && effects[0].message).toContain('stopClusterReplication');
  });

  it.each(['DISABLED', 'STOPPED'] as const)(
    '%s: marks the tasks FINISHED as skipped; a FINISHED task stays as it is',
    (s) => {
      const done = run(busy(s), { kind: 'finished', taskIds: [1], nowMillis: 5 }).state;
      const { state, effects } = run(done, { kind: 'skip', taskIds: [1, 2], nowMillis: 9 });
      expect(state.tasks.get(1)).toBe(done.tasks.get(1));
      expect(state.tasks.get(2)).toMatchObject({
        state: 'FINISHED',
        details: SKIPPED_DETAILS,
        finishMillis: 9,
      });
      expect(effects).toHaveLength(1);
      expect(effects[0]?.kind === 'persist' && effects[0].tasks.map((t) => t.taskId)).toEqual([2]);
      expect(finishedThrough(state)).toBe(2);
    },
  );

  it.each(['DISABLED', 'STOPPED'] as const)('%s: refuses unknown ids and skips none', (s) => {
    const before = busy(s);
    const { state, effects } = run(before, { kind: 'skip', taskIds: [2, 7, 8] });
    expect(state).toBe(before);
    expect(effects).toEqual([
      { kind: 'error', message: 'no replication task 7, 8 on this slave: nothing was skipped' },
    ]);
  });

  it('STOPPED: stop; skip; start moves past a task that keeps failing', () => {
    let state = run(busy('ENABLED'), {
      kind: 'failed',
      taskIds: [1],
      reason: 'x',
      nowMillis: 0,
    }).state;
    state = { ...state, state: 'STOPPED', stoppedReason: 'task 1 failed 3 times: x' };
    state = run(state, { kind: 'skip', taskIds: [1] }, { kind: 'start', nowMillis: 1 }).state;
    expect(stateOf(state, 1)).toBe('FINISHED');
    expect(stateOf(state, 2)).toBe('EXECUTING');
  });
});

describe('recover', () => {
  it('ENABLED: puts running tasks back and runs them again', () => {
    const { state, effects } = run(busy('ENABLED'), { kind: 'recover', nowMillis: 500 });
    expect(effects[0]?.kind).toBe('persist');
    expect(dispatched(effects)).toEqual([1]);
    expect(state.tasks.get(1)).toMatchObject({ state: 'EXECUTING', startMillis: 500, attempts: 2 });
  });

  it.each(['DISABLED', 'STOPPED'] as const)('%s: puts running tasks back to WAITING', (s) => {
    const { state, effects } = run(busy(s), { kind: 'recover', nowMillis: 500 });
    expect(stateOf(state, 1)).toBe('WAITING');
    expect(effects.map((e) => e.kind)).toEqual(['persist']);
  });
});

describe('scheduling', () => {
  it('never starts a later group while an earlier one of the same set is unfinished', () => {
    const tasks = [task(1, 1), task(2, 1, { db: ON_DN2 }), task(3, 2), task(4, 3)];
    let result = run(scheduler(), { kind: 'pulled', tasks, nowMillis: 0 });
    expect(dispatched(result.effects)).toEqual([1, 2]);
    result = run(result.state, { kind: 'finished', taskIds: [1], nowMillis: 1 });
    expect(dispatched(result.effects)).toEqual([]);
    result = run(result.state, { kind: 'failed', taskIds: [2], reason: 'x', nowMillis: 2 });
    expect(dispatched(result.effects)).toEqual([]);
    result = run(result.state, { kind: 'tick', nowMillis: 102 });
    expect(dispatched(result.effects)).toEqual([2]);
    result = run(result.state, { kind: 'finished', taskIds: [2], nowMillis: 103 });
    expect(dispatched(result.effects)).toEqual([3]);
  });

  it("runs the execution sets independently: one set's failure never holds back the other", () => {
    const tasks = [task(1, 1), task(2, 2, { executionSet: 1, db: ON_DN2 }), task(3, 3)];
    let result = run(scheduler(), { kind: 'pulled', tasks, nowMillis: 0 });
    expect(dispatched(result.effects)).toEqual([1, 2]);
    result = run(result.state, { kind: 'failed', taskIds: [1], reason: 'x', nowMillis: 1 });
    result = run(result.state, { kind: 'finished', taskIds: [2], nowMillis: 2 });
    expect(currentGroup(result.state, 1)).toEqual([]);
    result = run(result.state, {
      kind: 'pulled',
      tasks: [task(4, 4, { executionSet: 1, db: ON_DN2 })],
      nowMillis: 3,
    });
    expect(dispatched(result.effects)).toEqual([4]);
    expect(currentGroup(result.state, 0).map((t) => t.taskId)).toEqual([1]);
  });

  it('runs at most workerNum tasks per node and fills freed workers', () => {
    const tasks = [1, 2, 3, 4].map((id) => task(id, 1));
    tasks.push(task(5, 1, { db: ON_DN2 }));
    let result = run(scheduler(), { kind: 'pulled', tasks, nowMillis: 0 });
    expect(result.effects.filter((e) => e.kind === 'dispatch')).toEqual([
      { kind: 'dispatch', taskIds: [1], node: 'dn1' },
      { kind: 'dispatch', taskIds: [2], node: 'dn1' },
      { kind: 'dispatch', taskIds: [5], node: 'dn2' },
    ]);
    result = run(result.state, { kind: 'finished', taskIds: [2], nowMillis: 1 });
    expect(dispatched(result.effects)).toEqual([3]);
  });

  it('maps a database to its queue by a stable FNV-1a hash, and a queue to a node', () => {
    expect(queueOf('', 1 << 30)).toBe(0x811c9dc5 % (1 << 30));
    expect(queueOf('a', 0x7fffffff)).toBe(0xe40c292c % 0x7fffffff);
    expect(queueOf('dfs://testDB', 7)).toBe(queueOf('dfs://testDB', 7));
    expect(nodeOf(5, ['a', 'b', 'c'])).toBe('c');
  });
});

describe('queries', () => {
  it('finishedThrough is the highest id with every task up to it finished, never below the floor', () => {
    const tasks = [task(1, 1), task(2, 1, { db: ON_DN2 }), task(3, 1)];
    let state = run(scheduler(), { kind: 'pulled', tasks, nowMillis: 0 }).state;
    expect(finishedThrough(state)).toBe(0);
    state = run(state, { kind: 'finished', taskIds: [2], nowMillis: 1 }).state;
    expect(finishedThrough(state)).toBe(0);
    state = run(state, { kind: 'finished', taskIds: [1], nowMillis: 1 }).state;
    expect(finishedThrough(state)).toBe(2);
    const open = { ...state.tasks.get(3)!, taskId: 8 };
    const saved = {
      state: 'ENABLED',
      stoppedReason: '',
      pulledThrough: 9,
      finishedThrough: 7,
    } as const;
    expect(finishedThrough(createScheduler(config, [open], saved))).toBe(7);
    expect(finishedThrough(createScheduler(config, [], saved))).toBe(9);
    expect(() => createScheduler(config, [{ ...open, taskId: 6 }], saved)).toThrow(
      AssertionFailure,
    );
  });

  it('a scheduler restored from its persisted tasks continues where it was', () => {
    const tasks = [task(1, 1), task(2, 2)];
    const { state, effects } = run(scheduler(), { kind: 'pulled', tasks, nowMillis: 0 });
    const persisted = effects[0]?.kind === 'persist' ? effects[0].tasks : [];
    const restored = createScheduler(config, persisted);
    expect(restored.pulledThrough).toBe(2);
    const recovered = run(restored, { kind: 'recover', nowMillis: 10 });
    expect(dispatched(recovered.effects)).toEqual([1]);
    expect(recovered.state.tasks.get(2)).toEqual(state.tasks.get(2));
  });

  it('wantsPull while ENABLED with room under maxUnfinishedWeight', () => {
    const heavy = [task(1, 1, { weight: 60 }), task(2, 1, { weight: 40 })];
    let state = run(scheduler(), { kind: 'pulled', tasks: [heavy[0]!], nowMillis: 0 }).state;
    expect(unfinishedWeight(state)).toBe(60);
    expect(wantsPull(state)).toBe(true);
    state = run(state, { kind: 'pulled', tasks: [heavy[1]!], nowMillis: 0 }).state;
    expect(unfinishedWeight(state)).toBe(100);
    expect(wantsPull(state)).toBe(false);
    state = run(state, { kind: 'finished', taskIds: [1], nowMillis: 1 }).state;
    expect(wantsPull(state)).toBe(true);
    expect(wantsPull(run(state, { kind: 'stop' }).state)).toBe(false);
  });

  it('wantsPull only while fewer than maxUnfinishedTasks are unfinished', () => {
    let state = run(scheduler(), {
      kind: 'pulled',
      tasks: [task(1, 1), task(2, 2)],
      nowMillis: 0,
    }).state;
    expect(wantsPull(state)).toBe(true);
    state = run(state, { kind: 'pulled', tasks: [task(3, 3)], nowMillis: 0 }).state;
    expect(unfinishedWeight(state)).toBeLessThan(100);
    expect(wantsPull(state)).toBe(false);
    state = run(state, { kind: 'finished', taskIds: [1], nowMillis: 1 }).state;
    expect(wantsPull(state)).toBe(true);
  });

  it('lag counts unfinished tasks and the age of the oldest', () => {
    let state = run(scheduler(), {
      kind: 'pulled',
      tasks: [task(1, 1), task(2, 2)],
      nowMillis: 0,
    }).state;
    expect(lag(state, 1000)).toEqual({ lagTasks: 2, lagMillis: 990 });
    state = run(state, { kind: 'finished', taskIds: [1], nowMillis: 1 }).state;
    expect(lag(state, 1000)).toEqual({ lagTasks: 1, lagMillis: 980 });
    state = run(state, { kind: 'finished', taskIds: [2], nowMillis: 1 }).state;
    expect(lag(state, 1000)).toEqual({ lagTasks: 0, lagMillis: 0 });
  });

  it('queueStatus shows one row per set and queue with its current task', () => {
    const tasks = [task(1, 1), task(2, 1, { db: ON_DN2 }), task(3, 2, { db: ON_DN2 })];
    let state = run(scheduler(), { kind: 'pulled', tasks, nowMillis: 100 }).state;
    state = run(state, { kind: 'finished', taskIds: [1], nowMillis: 150 }).state;
    state = run(state, { kind: 'failed', taskIds: [2], reason: 'x', nowMillis: 160 }).state;
    expect(queueStatus(state, 400)).toEqual([
      {
        executionSet: 0,
        queueId: 0,
        unfinishedTasks: 0,
        executionGroupId: 0,
        executionNode: '',
        executionTime: 0,
        status: 'FINISHED',
      },
      {
        executionSet: 0,
        queueId: 1,
        unfinishedTasks: 2,
        executionGroupId: 1,
        executionNode: 'dn2',
        executionTime: 0,
        status: 'FAILED',
      },
    ]);
    state = run(state, { kind: 'tick', nowMillis: 300 }).state;
    expect(queueStatus(state, 400)[1]).toMatchObject({ status: 'EXECUTING', executionTime: 100 });
    expect(queueStatus(run(state, { kind: 'stop' }).state, 400)[1]?.status).toBe('STOPPED');
  });

  it('metrics cover the tasks finished in the window', () => {
    const tasks = [task(1, 1), task(2, 1, { db: ON_DN2 }), task(3, 2)];
    let state = run(scheduler(), { kind: 'pulled', tasks, nowMillis: 1000 }).state;
    state = run(state, { kind: 'finished', taskIds: [1], nowMillis: 1100 }).state;
    state = run(state, { kind: 'finished', taskIds: [2], nowMillis: 1300 }).state;
    expect(metrics(state, 11_000, 10)).toEqual({
      status: 'ENABLED',
      finishedTasks: 2,
      unfinishedTasks: 1,
      finishedTasksPerSec: 0.2,
      maxCostPerTask: 300,
      avgCostPerTask: 200,
      averageGroupSize: 2,
    });
    expect(metrics(state, 11_200, 10).finishedTasks).toBe(1);
    expect(metrics(state, 99_000, -1)).toMatchObject({ finishedTasks: 2, maxCostPerTask: 300 });
    expect(metrics(state, 3000, -1).finishedTasksPerSec).toBe(1);
    expect(metrics(scheduler(), 0, 30)).toMatchObject({ finishedTasks: 0, avgCostPerTask: 0 });
  });

  it('prune keeps the newest finished tasks and finishedThrough', () => {
    const tasks = [1, 2, 3, 4, 5].map((id) => task(id, id));
    let state = run(scheduler(), { kind: 'pulled', tasks, nowMillis: 0 }).state;
    for (const id of [1, 2, 3])
      state = run(state, { kind: 'finished', taskIds: [id], nowMillis: 1 }).state;
    const pruned = prune(state, 1);
    expect([...pruned.tasks.keys()].sort()).toEqual([3, 4, 5]);
    expect(finishedThrough(pruned)).toBe(3);
    expect(pruned.finishedFloor).toBe(3);
    expect(prune(pruned, 1)).toBe(pruned);
    expect(run(pruned, { kind: 'finished', taskIds: [4], nowMillis: 2 }).effects).toContainEqual({
      kind: 'dispatch',
      taskIds: [5],
      node: 'dn1',
    });
  });
});

describe('batches of appends', () => {
  const batching = (overrides: Partial<SchedulerConfig> = {}): SchedulerState =>
    scheduler('ENABLED', { maxBatchTasks: 3, maxBatchWeight: 10, ...overrides });
  const runs = (effects: readonly SchedulerEffect[]): (readonly number[])[] =>
    effects.flatMap((e) => (e.kind === 'dispatch' ? [e.taskIds] : []));

  it('runs consecutive appends to one table as one run, across groups, in id order', () => {
    const tasks = [
      task(1, 1),
      task(2, 2, { partitions: ['p1'] }),
      task(3, 3, { partitions: ['p1'] }),
    ];
    let result = run(batching(), { kind: 'pulled', tasks, nowMillis: 7 });
    expect(result.effects.filter((e) => e.kind === 'dispatch')).toEqual([
      { kind: 'dispatch', taskIds: [1, 2, 3], node: 'dn1' },
    ]);
    for (const id of [1, 2, 3]) {
      expect(result.state.tasks.get(id)).toMatchObject({
        state: 'EXECUTING',
        attempts: 1,
        executionNode: 'dn1',
        startMillis: 7,
      });
    }
    result = run(result.state, { kind: 'finished', taskIds: [1, 2, 3], nowMillis: 9 });
    expect([1, 2, 3].map((id) => stateOf(result.state, id))).toEqual([
      'FINISHED',
      'FINISHED',
      'FINISHED',
    ]);
    expect(result.effects[0]).toMatchObject({ kind: 'persist' });
    expect(finishedThrough(result.state)).toBe(3);
  });

  it('ends a batch at a task of another kind, table or database', () => {
    const tasks = [
      task(1, 1),
      task(2, 2),
      task(3, 3, { operationType: 'ADD_COLUMN', partitions: [], weight: 1 }),
      task(4, 4),
      task(5, 5, { table: 'u' }),
      task(6, 6, { table: 'u' }),
      task(7, 7, { db: 'dfs://db0' }), // on dn1 as well
    ];
    let result = run(batching(), { kind: 'pulled', tasks, nowMillis: 0 });
    expect(runs(result.effects)).toEqual([[1, 2]]);
    result = run(result.state, { kind: 'finished', taskIds: [1, 2], nowMillis: 1 });
    expect(runs(result.effects)).toEqual([[3]]);
    result = run(result.state, { kind: 'finished', taskIds: [3], nowMillis: 2 });
    expect(runs(result.effects)).toEqual([[4]]);
    result = run(result.state, { kind: 'finished', taskIds: [4], nowMillis: 3 });
    expect(runs(result.effects)).toEqual([[5, 6]]);
    result = run(result.state, { kind: 'finished', taskIds: [5, 6], nowMillis: 4 });
    expect(runs(result.effects)).toEqual([[7]]);
  });

  it('holds at most maxBatchTasks tasks and maxBatchWeight rows; a heavier first task goes alone', () => {
    const light = [1, 2, 3, 4].map((id) => task(id, id));
    expect(runs(run(batching(), { kind: 'pulled', tasks: light, nowMillis: 0 }).effects)).toEqual([
      [1, 2, 3],
    ]);
    const heavy = [
      task(1, 1, { weight: 25 }),
      task(2, 2, { weight: 4 }),
      task(3, 3, { weight: 6 }),
      task(4, 4, { weight: 7 }),
    ];
    let result = run(batching(), { kind: 'pulled', tasks: heavy, nowMillis: 0 });
    expect(runs(result.effects)).toEqual([[1]]);
    result = run(result.state, { kind: 'finished', taskIds: [1], nowMillis: 1 });
    expect(runs(result.effects)).toEqual([[2, 3]]); // 4 + 6 = 10; + 7 would pass 10
  });

  it('runs the tasks of a failed batch again one by one, in group order', () => {
    const tasks = [1, 2, 3].map((id) => task(id, id));
    let result = run(batching(), { kind: 'pulled', tasks, nowMillis: 0 });
    result = run(result.state, {
      kind: 'failed',
      taskIds: [1, 2, 3],
      reason: 'disk full',
      nowMillis: 0,
    });
    for (const id of [1, 2, 3]) {
      expect(result.state.tasks.get(id)).toMatchObject({ state: 'FAILED', details: 'disk full' });
    }
    result = run(result.state, { kind: 'tick', nowMillis: 100 });
    expect(runs(result.effects)).toEqual([[1]]);
    result = run(result.state, { kind: 'finished', taskIds: [1], nowMillis: 101 });
    expect(runs(result.effects)).toEqual([[2]]);
    result = run(result.state, { kind: 'pulled', tasks: [task(4, 4), task(5, 5)], nowMillis: 102 });
    expect(runs(result.effects)).toEqual([]); // task 2 still runs
    result = run(result.state, { kind: 'finished', taskIds: [2], nowMillis: 103 });
    expect(runs(result.effects)).toEqual([[3]]);
    result = run(result.state, { kind: 'finished', taskIds: [3], nowMillis: 104 });
    expect(runs(result.effects)).toEqual([[4, 5]]);
  });

  it('after a restart runs the batch it lost again, as a batch', () => {
    const tasks = [1, 2].map((id) => task(id, id));
    let state = run(batching(), { kind: 'pulled', tasks, nowMillis: 0 }).state;
    const result = run(state, { kind: 'recover', nowMillis: 5 });
    expect(runs(result.effects)).toEqual([[1, 2]]);
    state = result.state;
    expect(state.tasks.get(2)).toMatchObject({ state: 'EXECUTING', attempts: 2 });
  });

  it('batches each execution set on its own, and needs a free worker', () => {
    const tasks = [
      task(1, 1),
      task(2, 2, { executionSet: 1, db: ON_DN2 }),
      task(3, 3),
      task(4, 4, { executionSet: 1, db: ON_DN2 }),
    ];
    const result = run(batching(), { kind: 'pulled', tasks, nowMillis: 0 });
    expect(result.effects.filter((e) => e.kind === 'dispatch')).toEqual([
      { kind: 'dispatch', taskIds: [1, 3], node: 'dn1' },
      { kind: 'dispatch', taskIds: [2, 4], node: 'dn2' },
    ]);
    const oneWorker = batching({ workerNum: 1 });
    const other = task(1, 1, { executionSet: 1 });
    const busyNode = run(oneWorker, { kind: 'pulled', tasks: [other], nowMillis: 0 }).state;
    const waiting = run(busyNode, {
      kind: 'pulled',
      tasks: [task(2, 2), task(3, 3)],
      nowMillis: 1,
    });
    expect(runs(waiting.effects)).toEqual([]);
    expect(
      runs(run(waiting.state, { kind: 'finished', taskIds: [1], nowMillis: 2 }).effects),
    ).toEqual([[2, 3]]);
  });

  it('a batch takes one worker of its node', () => {
    const tasks = [task(1, 1), task(2, 2), task(3, 3, { executionSet: 1, db: 'dfs://db0' })];
    const result = run(batching({ workerNum: 2 }), { kind: 'pulled', tasks, nowMillis: 0 });
    expect(result.effects.filter((e) => e.kind === 'dispatch')).toEqual([
      { kind: 'dispatch', taskIds: [1, 2], node: 'dn1' },
      { kind: 'dispatch', taskIds: [3], node: 'dn1' },
    ]);
    expect([1, 2, 3].map((id) => result.state.tasks.get(id)?.runId)).toEqual([1, 1, 3]);
  });

  it('finishes only the tasks of a run that still execute (one was skipped meanwhile)', () => {
    let state = run(batching(), {
      kind: 'pulled',
      tasks: [task(1, 1), task(2, 2)],
      nowMillis: 0,
    }).state;
    state = run(state, { kind: 'stop' }, { kind: 'skip', taskIds: [2], nowMillis: 1 }).state;
    const result = run(state, { kind: 'finished', taskIds: [1, 2], nowMillis: 2 });
    expect(result.state.tasks.get(1)).toMatchObject({ state: 'FINISHED', finishMillis: 2 });
    expect(result.state.tasks.get(2)).toMatchObject({ state: 'FINISHED', finishMillis: 1 });
  });
});
