// Proves a crash at any step of a write transaction leaves the store whole: it reopens, the
// transaction is all there if it passed the commit point and wholly absent otherwise, no
// orphan file remains, and writes go on. How: the fault-injecting disk (sim/fault-fs.ts)
// kills the process at every step k of a fast-check-generated transaction, loses what a
// power cut could (unsynced data, un-fsynced renames), and the store is reopened on the
// real disk and compared with the model (sim/storage-model.ts) with and without the write.
// Scenarios, operations and checks: crash-test-support.ts.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FaultFs, NO_LOSSES, SimulatedCrash } from '../../sim/fault-fs.ts';
import type { CrashLossChoice } from '../../sim/fault-fs.ts';
import * as model from '../../sim/storage-model.ts';
import type { StorageModel } from '../../sim/storage-model.ts';
import {
  appendMore,
  appendOp,
  createAll,
  describeScenario,
  expectContent,
  expectNoOrphans,
  filesUnder,
  lossChoice,
  rowAt,
  setUpOps,
  targetOp,
} from './crash-test-support.ts';
import type { Scenario } from './crash-test-support.ts';
import { Store } from './store.ts';
import { DATA_DIR } from './store-paths.ts';

// ---- running a scenario with a crash ---------------------------------------------------

interface Run {
  readonly dir: string;
  readonly fault: FaultFs;
  readonly store: Store;
  readonly before: StorageModel;
  readonly after: StorageModel;
  /** Steps of the set-up: the target's step k is step `setUpSteps + k` of the run. */
  readonly setUpSteps: number;
  readonly setUpCommits: number;
}

/** A fresh store on the faulty disk with the set-up committed; the target not yet run. */
async function startRun(scenario: Scenario): Promise<Run> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-crash-'));
  const fault = new FaultFs();
  const opened = await Store.open({ dir, fs: fault, catalog: fault.catalog() });
  let before = model.EMPTY_MODEL;
  for (const op of [createAll, ...scenario.setUp]) {
    await op.onStore(opened);
    before = op.onModel(before);
  }
  const after = scenario.target.onModel(before);
  return {
    dir,
    fault,
    store: opened,
    before,
    after,
    setUpSteps: fault.steps,
    setUpCommits: fault.commits,
  };
}

/** Steps the target takes when nothing crashes (and that it does what the model says). */
async function countTargetSteps(scenario: Scenario): Promise<{ steps: number; log: string[] }> {
  const run = await startRun(scenario);
  try {
    await scenario.target.onStore(run.store);
    await expectContent(run.store, run.after);
    return { steps: run.fault.steps - run.setUpSteps, log: run.fault.log.slice(run.setUpSteps) };
  } finally {
    await run.store.close();
    await rm(run.dir, { recursive: true, force: true });
  }
}

/** Runs the target, dying at its step k; returns the run and whether it reached the commit. */
async function crashAt(scenario: Scenario, k: number): Promise<{ run: Run; committed: boolean }> {
  const run = await startRun(scenario);
  try {
    run.fault.crashAfter(k);
    const error = await scenario.target.onStore(run.store).then(
      () => undefined,
      (e: unknown) => e,
    );
    // A crash while removing obsolete files after the commit is swallowed (retried later): fine.
    if (error !== undefined && !(error instanceof SimulatedCrash)) throw error;
    expect(run.fault.dead, `step ${k} was not reached`).toBe(true);
    return { run, committed: run.fault.commits > run.setUpCommits };
  } catch (error) {
    await run.store.close();
    await rm(run.dir, { recursive: true, force: true });
    throw error;
  }
}

/** After the losses: close what the dead process left, reopen on the real disk, check all. */
async function reopenAndCheck(run: Run, committed: boolean, context: string): Promise<void> {
  await run.store.close();
  try {
    let reopened: Store;
    try {
      reopened = await Store.open({ dir: run.dir });
    } catch (error) {
      throw new Error(`${context}: the store does not reopen: ${String(error)}`, { cause: error });
    }
    try {
      await checkReopened(reopened, run, committed ? run.after : run.before, context);
    } finally {
      await reopened.close();
    }
  } finally {
    await rm(run.dir, { recursive: true, force: true });
  }
}

/** The expected content, no orphan, and a further append that reads back. */
async function checkReopened(
  reopened: Store,
  run: Run,
  expected: StorageModel,
  context: string,
): Promise<void> {
  await expectContent(reopened, expected, context);
  await expectNoOrphans(reopened, run.dir, context);
  await appendMore(reopened, expected, context);
}

// ---- the tests -------------------------------------------------------------------------

describe('crash safety', () => {
  it('survives a crash at every step of a transaction, with any power-cut losses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ setUp: setUpOps, target: targetOp }),
        fc.array(lossChoice, { minLength: 1, maxLength: 8 }),
        async (scenario, choices) => {
          const { steps } = await countTargetSteps(scenario);
          for (let k = 1; k <= steps; k++) {
            const choice = choices[k % choices.length] as CrashLossChoice;
            const { run, committed } = await crashAt(scenario, k);
            const lost = await run.fault.applyCrashLosses(choice);
            const context = `${describeScenario(scenario)}; crash at step ${k}/${steps} (${run.fault.log.at(-1)}), committed ${committed}, losses [${lost.join(', ')}]`;
            await reopenAndCheck(run, committed, context);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  const simpleAppend: Scenario = {
    setUp: [],
    target: appendOp([rowAt(0, 0, 'A', 1), rowAt(0, 60, 'B', 2)]),
  };

  /** The target's step number of the first `op` in a crash-free run. */
  async function stepOf(scenario: Scenario, op: string): Promise<number> {
    const { log } = await countTargetSteps(scenario);
    const index = log.findIndex((line) => line.split(' ')[1] === op);
    expect(index, `no ${op} in ${log.join(' | ')}`).toBeGreaterThanOrEqual(0);
    return index + 1;
  }

  it('forgets a segment whose rename was undone by a crash before the folder fsync', async () => {
    const k = (await stepOf(simpleAppend, 'rename')) + 1;
    const { run, committed } = await crashAt(simpleAppend, k);
    expect(run.fault.log.at(-1)).toMatch(/ fsyncDir /);
    expect(committed).toBe(false);
    // Undo the rename (the newest pending change), keep the temp file's creation.
    const lost = await run.fault.applyCrashLosses({ fileFates: [], revertEntries: [true, false] });
    expect(lost).toEqual([expect.stringMatching(/^reverted rename .*\.arrow\.tmp -> .*\.arrow$/)]);
    const left = await filesUnder(path.join(run.dir, DATA_DIR));
    expect(left).toEqual([expect.stringMatching(/\.arrow\.tmp$/)]);
    await reopenAndCheck(run, committed, 'rename undone');
  });

  it('forgets a segment whose unsynced temp file was truncated by a crash', async () => {
    const k = await stepOf(simpleAppend, 'fsyncFile');
    const { run, committed } = await crashAt(simpleAppend, k);
    expect(committed).toBe(false);
    const [temp] = await filesUnder(path.join(run.dir, DATA_DIR));
    expect(temp).toMatch(/\.arrow\.tmp$/);
    const sizeBefore = (await stat(temp as string)).size;
    const lost = await run.fault.applyCrashLosses({
      fileFates: [{ kind: 'truncate', keep: 0.5 }],
      revertEntries: [],
    });
    expect(lost).toEqual([`truncated ${temp} to ${Math.floor(sizeBefore / 2)} bytes`]);
    expect((await stat(temp as string)).size).toBeLessThan(sizeBefore);
    await reopenAndCheck(run, committed, 'temp file truncated');
  });

  it('keeps a transaction whose commit returned, even if the process died right after', async () => {
    const k = await stepOf(simpleAppend, 'commit-after');
    const { run, committed } = await crashAt(simpleAppend, k);
    expect(committed).toBe(true);
    expect(run.fault.pendingLosses()).toEqual([]);
    await run.fault.applyCrashLosses(NO_LOSSES);
    await reopenAndCheck(run, committed, 'died after the commit');
  });

  // A new partition folder's name must be durable before the commit that names its segment.
  it('keeps a committed segment in a new partition folder when the folder entry was not synced', async () => {
    const k = await stepOf(simpleAppend, 'commit-after');
    const { run, committed } = await crashAt(simpleAppend, k);
    expect(committed).toBe(true);
    // Every folder on the new segment's path was fsynced into its parent before the commit,
    // so a power cut right after it has nothing left to take, however unlucky.
    expect(run.fault.pendingLosses()).toEqual([]);
    const lost = await run.fault.applyCrashLosses({
      fileFates: [{ kind: 'delete' }],
      revertEntries: [true, true, true, true],
      newFoldersMayVanish: true,
    });
    expect(lost).toEqual([]);
    await reopenAndCheck(run, committed, 'new partition folder lost');
  });
});
