// Proves the scheduler's invariants under any interleaving: group order (a batch's tasks in
// order within it), batches are consecutive appends to one table, workerNum runs per node,
// FINISHED is final, each task finishes once, all finished => finishedThrough is the last id.
// How: fast-check drives `step` with random pulls, executor reports, clock, operator commands.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignGroup, initialGroupState } from './group-assigner.ts';
import type { ReplicationTask } from './replication-task.ts';
import { createScheduler, finishedThrough, prune, step } from './slave-scheduler.ts';
import type {
  SchedulerConfig,
  SchedulerEvent,
  SchedulerState,
  SlaveTask,
} from './slave-scheduler.ts';

const config: SchedulerConfig = {
  queueCount: 3,
  nodes: ['a', 'b'],
  workerNum: 2,
  maxBatchTasks: 1, // each run draws its own
  maxBatchWeight: 8,
  maxAttempts: 3,
  retryInitialMillis: 10,
  retryMaxMillis: 40,
  maxUnfinishedWeight: 1_000_000,
  maxUnfinishedTasks: 1_000_000,
  dbScope: null,
};

const taskShape = fc.record({
  db: fc.integer({ min: 0, max: 3 }),
  table: fc.integer({ min: 0, max: 1 }),
  partitions: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }),
  ddl: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  executionSet: fc.constantFrom(0 as const, 1 as const),
  weight: fc.integer({ min: 1, max: 5 }),
});

type TaskShape = typeof taskShape extends fc.Arbitrary<infer T> ? T : never;

type Action =
  | { readonly kind: 'pull'; readonly count: number }
  | { readonly kind: 'finish' | 'fail' | 'stale'; readonly pick: number }
  | { readonly kind: 'tick'; readonly advance: number }
  | { readonly kind: 'stop' | 'start' | 'recover' }
  | { readonly kind: 'skip'; readonly picks: readonly number[] }
  | { readonly kind: 'prune'; readonly keep: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('pull'), count: fc.integer({ min: 1, max: 6 }) }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('finish'), pick: fc.nat() }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('fail'), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('stale'), pick: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('tick'), advance: fc.integer({ min: 0, max: 60 }) }),
    weight: 3,
  },
  { arbitrary: fc.constant({ kind: 'stop' as const }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'start' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'recover' as const }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('skip'),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('prune'), keep: fc.integer({ min: 0, max: 4 }) }),
    weight: 1,
  },
);

/** The master's log: gap-free ids, groups from the real assigner. */
function makeLog(shapes: readonly TaskShape[]): ReplicationTask[] {
  let groups = initialGroupState(0);
  return shapes.map((shape, i) => {
    const input = {
      operationType: shape.ddl ? ('ADD_COLUMN' as const) : ('APPEND' as const),
      db: `dfs://db${shape.db}`,
      table: `t${shape.table}`,
      partitions: shape.ddl ? [] : shape.partitions.map((p) => `p${p}`),
    };
    const assigned = assignGroup(groups, input);
    groups = assigned.state;
    return {
      ...input,
      taskId: i + 1,
      tid: 100 + i,
      groupId: assigned.groupId,
      submitMillis: i,
      srcAlias: 'm',
      srcHost: 'h',
      srcPort: 1,
      weight: shape.ddl ? 1 : shape.weight,
      bytes: 0,
      executionSet: shape.executionSet,
    };
  });
}

/** The simulated world: the scheduler, the log, the executors' runs, the clock. */
interface World {
  state: SchedulerState;
  readonly log: readonly ReplicationTask[];
  /** The runs (task ids) executors hold. */
  inFlight: (readonly number[])[];
  now: number;
  /** Times each task became FINISHED. */
  readonly finishes: Map<number, number>;
}

/** Feeds one event and checks every invariant against the state before and after. */
function feed(world: World, event: SchedulerEvent): void {
  const before = world.state;
  const { state, effects } = step(before, event);
  const persistAt = effects.findIndex((e) => e.kind === 'persist');
  expect(persistAt === -1 || persistAt === 0).toBe(true);
  for (const effect of effects) {
    if (effect.kind === 'dispatch') {
      expect(state.state).toBe('ENABLED');
      const run = effect.taskIds.map((id) => state.tasks.get(id));
      for (const [i, task] of run.entries()) {
        expect(task?.state).toBe('EXECUTING');
        expect(isCurrentGroup(state, task!, effect.taskIds.slice(0, i))).toBe(true);
      }
      if (run.length > 1) expectBatch(run as SlaveTask[], state.config.maxBatchTasks);
      world.inFlight.push(effect.taskIds);
    }
    if (effect.kind === 'error') expect(state).toBe(before);
  }
  // A node runs at most workerNum runs (the tasks of a batch share one).
  const running = new Map<string, Set<number>>();
  for (const task of state.tasks.values()) {
    if (task.state !== 'EXECUTING') continue;
    const ids = running.get(task.executionNode) ?? new Set<number>();
    running.set(task.executionNode, ids.add(task.runId));
  }
  for (const run of world.inFlight) {
    const executing = run.filter((id) => state.tasks.get(id)?.state === 'EXECUTING');
    const ids = new Set(executing.map((id) => state.tasks.get(id)?.runId));
    expect(ids.size).toBeLessThanOrEqual(1);
  }
  for (const ids of running.values()) expect(ids.size).toBeLessThanOrEqual(config.workerNum);
  for (const [id, old] of before.tasks) {
    const now = state.tasks.get(id);
    if (old.state === 'FINISHED') expect(now).toEqual(old);
    else if (now?.state === 'FINISHED') world.finishes.set(id, (world.finishes.get(id) ?? 0) + 1);
  }
  for (const [id, task] of state.tasks) {
    if (!before.tasks.has(id) && task.state === 'FINISHED') world.finishes.set(id, 1);
  }
  for (const count of world.finishes.values()) expect(count).toBe(1);
  world.state = state;
}

/** A batch: appends to one table, ids rising, within maxBatchTasks. */
function expectBatch(run: readonly SlaveTask[], maxBatchTasks: number): void {
  const first = run[0]!;
  expect(run.length).toBeLessThanOrEqual(maxBatchTasks);
  for (const [i, task] of run.entries()) {
    expect([task.operationType, task.db, task.table]).toEqual(['APPEND', first.db, first.table]);
    if (i > 0) expect(task.taskId).toBeGreaterThan(run[i - 1]!.taskId);
  }
}

/** No unfinished task of the task's set has a smaller group, but those of its run before it. */
function isCurrentGroup(
  state: SchedulerState,
  task: SlaveTask,
  before: readonly number[],
): boolean {
  for (const other of state.tasks.values()) {
    if (
      other.executionSet === task.executionSet &&
      other.state !== 'FINISHED' &&
      other.groupId < task.groupId &&
      !before.includes(other.taskId)
    ) {
      return false;
    }
  }
  return true;
}

function takeInFlight(world: World, pick: number): readonly number[] | undefined {
  if (world.inFlight.length === 0) return undefined;
  const [run] = world.inFlight.splice(pick % world.inFlight.length, 1);
  return run;
}

function act(world: World, a: Action): void {
  switch (a.kind) {
    case 'pull': {
      const from = world.state.pulledThrough;
      const tasks = world.log.slice(Math.max(0, from - 1), from + a.count);
      return feed(world, { kind: 'pulled', tasks, nowMillis: world.now });
    }
    case 'finish':
    case 'fail': {
      const taskIds = takeInFlight(world, a.pick);
      if (taskIds === undefined) return;
      if (a.kind === 'finish')
        return feed(world, { kind: 'finished', taskIds, nowMillis: world.now });
      return feed(world, { kind: 'failed', taskIds, reason: 'boom', nowMillis: world.now });
    }
    case 'stale':
      return feed(world, {
        kind: 'finished',
        taskIds: [(a.pick % (world.log.length + 2)) + 1],
        nowMillis: world.now,
      });
    case 'tick':
      world.now += a.advance;
      return feed(world, { kind: 'tick', nowMillis: world.now });
    case 'stop':
      return feed(world, { kind: 'stop' });
    case 'start':
      return feed(world, { kind: 'start', nowMillis: world.now });
    case 'recover':
      // The controller restarted: the executors' runs it knew of are lost to it.
      world.inFlight = [];
      return feed(world, { kind: 'recover', nowMillis: world.now });
    case 'skip': {
      // Mostly ids the slave holds (finished or not); an unknown one now and then.
      const held = [...world.state.tasks.keys(), world.log.length + 1];
      return feed(world, {
        kind: 'skip',
        taskIds: a.picks.map((p) => held[p % held.length] ?? 0),
      });
    }
    case 'prune': {
      const through = finishedThrough(world.state);
      world.state = prune(world.state, a.keep);
      expect(finishedThrough(world.state)).toBe(through);
      return;
    }
  }
}

/** Runs every executor's run to the end, pulls the rest, until all tasks are FINISHED. */
function drain(world: World): void {
  for (let round = 0; round < 10_000; round++) {
    if (world.state.state !== 'ENABLED') feed(world, { kind: 'start', nowMillis: world.now });
    const taskIds = world.inFlight.shift();
    if (taskIds !== undefined) {
      feed(world, { kind: 'finished', taskIds, nowMillis: world.now });
      continue;
    }
    if (world.state.pulledThrough < world.log.length) {
      act(world, { kind: 'pull', count: world.log.length });
      continue;
    }
    const open = [...world.state.tasks.values()].some((t) => t.state !== 'FINISHED');
    if (!open) return;
    world.now += config.retryMaxMillis;
    feed(world, { kind: 'tick', nowMillis: world.now });
  }
  throw new Error('the scheduler never finished every task');
}

describe('slave scheduler under random schedules', () => {
  it('keeps its invariants and finishes every task', () => {
    fc.assert(
      fc.property(
        fc.array(taskShape, { minLength: 1, maxLength: 40 }),
        fc.array(action, { maxLength: 150, size: 'large' }),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        (shapes, actions, scoped, maxBatchTasks) => {
          const log = makeLog(shapes);
          const world: World = {
            state: createScheduler(
              { ...config, maxBatchTasks, dbScope: scoped ? ['dfs://db0', 'dfs://db1'] : null },
              [],
            ),
            log,
            inFlight: [],
            now: 0,
            finishes: new Map(),
          };
          for (const a of actions) act(world, a);
          drain(world);
          expect(finishedThrough(world.state)).toBe(log.length);
          expect(world.finishes.size).toBe(log.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
