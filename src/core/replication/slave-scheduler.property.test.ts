// Proves the scheduler's invariants under any interleaving: group order, workerNum per node,
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
  /** Task ids whose current run an executor holds. */
  inFlight: number[];
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
      const task = state.tasks.get(effect.taskId);
      expect(task?.state).toBe('EXECUTING');
      expect(isCurrentGroup(state, task!)).toBe(true);
      world.inFlight.push(effect.taskId);
    }
    if (effect.kind === 'error') expect(state).toBe(before);
  }
  const running = new Map<string, number>();
  for (const task of state.tasks.values()) {
    if (task.state === 'EXECUTING')
      running.set(task.executionNode, (running.get(task.executionNode) ?? 0) + 1);
  }
  for (const count of running.values()) expect(count).toBeLessThanOrEqual(config.workerNum);
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

/** No unfinished task of the task's set has a smaller group. */
function isCurrentGroup(state: SchedulerState, task: SlaveTask): boolean {
  for (const other of state.tasks.values()) {
    if (
      other.executionSet === task.executionSet &&
      other.state !== 'FINISHED' &&
      other.groupId < task.groupId
    ) {
      return false;
    }
  }
  return true;
}

function takeInFlight(world: World, pick: number): number | undefined {
  if (world.inFlight.length === 0) return undefined;
  const [id] = world.inFlight.splice(pick % world.inFlight.length, 1);
  return id;
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
      const id = takeInFlight(world, a.pick);
      if (id === undefined) return;
      if (a.kind === 'finish')
        return feed(world, { kind: 'finished', taskId: id, nowMillis: world.now });
      return feed(world, { kind: 'failed', taskId: id, reason: 'boom', nowMillis: world.now });
    }
    case 'stale':
      return feed(world, {
        kind: 'finished',
        taskId: (a.pick % (world.log.length + 2)) + 1,
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
    const id = world.inFlight.shift();
    if (id !== undefined) {
      feed(world, { kind: 'finished', taskId: id, nowMillis: world.now });
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
        (shapes, actions, scoped) => {
          const log = makeLog(shapes);
          const world: World = {
            state: createScheduler(
              { ...config, dbScope: scoped ? ['dfs://db0', 'dfs://db1'] : null },
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
