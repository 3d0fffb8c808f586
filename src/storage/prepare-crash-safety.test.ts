// Proves a crash at any step of a prepare, a publish or a discard leaves a cluster transaction
// in one of three whole states after reopening: absent (no entry, no file, nothing visible),
// prepared (entry listed, invisible, and publishing it then gives exactly the model's rows and
// checksums, discarding it leaves no file), or published (visible, no entry). How: as in
// crash-safety.test.ts, the fault-injecting disk kills the process at every step k of the
// stage with fast-check-chosen power-cut losses; the store is reopened on the real disk.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import { FaultFs, SimulatedCrash } from '../../sim/fault-fs.ts';
import type { CrashLossChoice } from '../../sim/fault-fs.ts';
import * as model from '../../sim/storage-model.ts';
import type { StorageModel } from '../../sim/storage-model.ts';
import {
  appendMore,
  appendOp,
  createAll,
  DB,
  describeScenario,
  expectContent,
  expectNoOrphans,
  lossChoice,
  rowAt,
  setUpOps,
  TABLE,
  targetOp,
} from './crash-test-support.ts';
import type { Scenario } from './crash-test-support.ts';
import { truncate } from './partition-ops.ts';
import { Store } from './store.ts';

const TX = 'tx-7';
/** Lock wait of the reopened store: short, as a write beside a prepared one must time out. */
const LOCK_WAIT_MILLIS = 20;

/** Where the transaction stands after the crash and the reopen. */
type Outcome = 'absent' | 'prepared' | 'published';

/** The step the process dies in, and what it leaves when its catalog write did or did not land. */
interface Stage {
  readonly name: 'prepare' | 'publish' | 'discard';
  /** Whether the set-up also prepares the target (publish, discard) or not (prepare). */
  readonly preparedFirst: boolean;
  readonly run: (store: Store, scenario: Scenario) => Promise<unknown>;
  /** Whether the stage's catalog write reached LMDB, from the fault disk's counters. */
  readonly landed: (fault: FaultFs, mark: Counters) => boolean;
  readonly ifLanded: Outcome;
  readonly otherwise: Outcome;
}

interface Counters {
  readonly prepares: number;
  readonly commits: number;
  readonly discards: number;
}

const STAGES: readonly Stage[] = [
  {
    name: 'prepare',
    preparedFirst: false,
    run: (store, scenario) => scenario.target.onStore(store.preparing(TX)),
    landed: (fault, mark) => fault.prepares > mark.prepares,
    ifLanded: 'prepared',
    otherwise: 'absent',
  },
  {
    name: 'publish',
    preparedFirst: true,
    run: (store) => store.publish(TX),
    landed: (fault, mark) => fault.commits > mark.commits,
    ifLanded: 'published',
    otherwise: 'prepared',
  },
  {
    name: 'discard',
    preparedFirst: true,
    run: (store) => store.discard(TX),
    landed: (fault, mark) => fault.discards > mark.discards,
    ifLanded: 'absent',
    otherwise: 'prepared',
  },
];

interface Run {
  readonly dir: string;
  readonly fault: FaultFs;
  readonly store: Store;
  readonly before: StorageModel;
  readonly after: StorageModel;
  /** Steps and catalog writes before the stage: its step k is step `steps + k` of the run. */
  readonly steps: number;
  readonly mark: Counters;
}

/** A store on the faulty disk with the set-up committed (and the target prepared if asked). */
async function startRun(scenario: Scenario, stage: Stage): Promise<Run> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-prep-crash-'));
  const fault = new FaultFs();
  const store = await Store.open({ dir, fs: fault, catalog: fault.catalog() });
  let before = model.EMPTY_MODEL;
  for (const op of [createAll, ...scenario.setUp]) {
    await op.onStore(store);
    before = op.onModel(before);
  }
  if (stage.preparedFirst) await scenario.target.onStore(store.preparing(TX));
  const { prepares, commits, discards } = fault;
  return {
    dir,
    fault,
    store,
    before,
    after: scenario.target.onModel(before),
    steps: fault.steps,
    mark: { prepares, commits, discards },
  };
}

async function closeAndRemove(run: Run): Promise<void> {
  await run.store.close();
  await rm(run.dir, { recursive: true, force: true });
}

/** Steps the stage takes when nothing crashes (and that readers then see what they must). */
async function countSteps(scenario: Scenario, stage: Stage): Promise<number> {
  const run = await startRun(scenario, stage);
  try {
    await expectContent(run.store, run.before, `before the ${stage.name}`);
    await stage.run(run.store, scenario);
    const visible = stage.ifLanded === 'published' ? run.after : run.before;
    await expectContent(run.store, visible, `after the ${stage.name}`);
    return run.fault.steps - run.steps;
  } finally {
    await closeAndRemove(run);
  }
}

/** Runs the stage, dying at its step k; returns the run and the outcome it must leave. */
async function crashAt(
  scenario: Scenario,
  stage: Stage,
  k: number,
): Promise<{ run: Run; outcome: Outcome }> {
  const run = await startRun(scenario, stage);
  try {
    run.fault.crashAfter(k);
    const error = await stage.run(run.store, scenario).then(
      () => undefined,
      (e: unknown) => e,
    );
    // A crash while removing files after the catalog write is swallowed (retried later): fine.
    if (error !== undefined && !(error instanceof SimulatedCrash)) throw error;
    expect(run.fault.dead, `step ${k} was not reached`).toBe(true);
    const outcome = stage.landed(run.fault, run.mark) ? stage.ifLanded : stage.otherwise;
    return { run, outcome };
  } catch (error) {
    await closeAndRemove(run);
    throw error;
  }
}

/**
 * Checks the reopened store shows `outcome`; a prepared transaction is then published
 * (`resolve`) or discarded, and checked again. Ends with a further append that reads back.
 */
async function checkOutcome(
  store: Store,
  run: Run,
  outcome: Outcome,
  resolve: 'publish' | 'discard',
  context: string,
): Promise<void> {
  const visible = outcome === 'published' ? run.after : run.before;
  await expectContent(store, visible, context);
  expect(store.preparedTransactions(), `${context}: prepared entries`).toEqual(
    outcome === 'prepared' ? [TX] : [],
  );
  let expected = visible;
  if (outcome === 'prepared') {
    // Its locks were re-taken at open: truncate (the table, exclusively) must wait for them.
    const waited = await truncate(store, DB, TABLE).then(
      () => 'no error',
      (e: unknown) => (isShoalError(e) ? e.kind : String(e)),
    );
    expect(waited, `${context}: truncate beside the prepared write`).toBe('LOCK_TIMEOUT');
    if (resolve === 'publish') {
      expect(await store.publish(TX), `${context}: publish`).toBeDefined();
      expected = run.after;
    } else {
      await store.discard(TX);
    }
    await expectContent(store, expected, `${context}, then ${resolve}`);
    expect(store.preparedTransactions()).toEqual([]);
  } else if (outcome === 'published') {
    expect(store.transactionStatus(TX), `${context}: remembered`).toBe('published');
    expect(await store.publish(TX), `${context}: publish again`).toBeUndefined();
  }
  await expectNoOrphans(store, run.dir, context);
  await appendMore(store, expected, context);
}

async function reopenAndCheck(
  run: Run,
  outcome: Outcome,
  resolve: 'publish' | 'discard',
  context: string,
): Promise<void> {
  await run.store.close();
  try {
    let reopened: Store;
    try {
      reopened = await Store.open({ dir: run.dir, lockTimeoutMillis: LOCK_WAIT_MILLIS });
    } catch (error) {
      throw new Error(`${context}: the store does not reopen: ${String(error)}`, { cause: error });
    }
    try {
      await checkOutcome(reopened, run, outcome, resolve, context);
    } finally {
      await reopened.close();
    }
  } finally {
    await rm(run.dir, { recursive: true, force: true });
  }
}

describe('crash safety of prepared writes', () => {
  // The entry names files: every file, and every folder on their paths, must be durable first.
  it('has nothing a power cut could take once the prepared entry is recorded', async () => {
    const scenario: Scenario = {
      setUp: [],
      target: appendOp([rowAt(0, 0, 'A', 1), rowAt(3, 60, 'B', 2)]),
    };
    const stage = STAGES[0] as Stage;
    const steps = await countSteps(scenario, stage);
    const { run, outcome } = await crashAt(scenario, stage, steps);
    expect(run.fault.log.at(-1)).toMatch(/ prepare-after /);
    expect(outcome).toBe('prepared');
    expect(run.fault.pendingLosses()).toEqual([]);
    const lost = await run.fault.applyCrashLosses({
      fileFates: [{ kind: 'delete' }],
      revertEntries: [true, true, true, true],
      newFoldersMayVanish: true,
    });
    expect(lost).toEqual([]);
    await reopenAndCheck(run, outcome, 'publish', 'died right after the prepare');
  });

  for (const stage of STAGES) {
    it(`survives a crash at every step of a ${stage.name}, with any power-cut losses`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ setUp: setUpOps, target: targetOp }),
          fc.array(lossChoice, { minLength: 1, maxLength: 8 }),
          async (scenario, choices) => {
            const steps = await countSteps(scenario, stage);
            const seen = new Set<Outcome>();
            for (let k = 1; k <= steps; k++) {
              const choice = choices[k % choices.length] as CrashLossChoice;
              const { run, outcome } = await crashAt(scenario, stage, k);
              seen.add(outcome);
              const lost = await run.fault.applyCrashLosses(choice);
              const resolve = k % 2 === 0 ? 'publish' : 'discard';
              const context = `${describeScenario(scenario)}; ${stage.name} crashed at step ${k}/${steps} (${run.fault.log.at(-1)}), ${outcome}, losses [${lost.join(', ')}], then ${resolve}`;
              await reopenAndCheck(run, outcome, resolve, context);
            }
            // Both sides of the stage's commit point were reached.
            expect(seen).toEqual(new Set([stage.ifLanded, stage.otherwise]));
          },
        ),
        { numRuns: 15 },
      );
    });
  }
});
