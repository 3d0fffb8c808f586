// Proves a crash at any step of a write transaction leaves the store whole: it reopens, the
// transaction is all there if it passed the commit point and wholly absent otherwise, no
// orphan file remains, and writes go on. How: the fault-injecting disk (sim/fault-fs.ts)
// kills the process at every step k of a fast-check-generated transaction, loses what a
// power cut could (unsynced data, un-fsynced renames), and the store is reopened on the
// real disk and compared with the model (sim/storage-model.ts) with and without the write.

import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PartitionScheme } from '../core/partition/index.ts';
import { partitionKeys } from '../core/partition/index.ts';
import type { CellValue } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import { FaultFs, NO_LOSSES, SimulatedCrash } from '../../sim/fault-fs.ts';
import type { CrashLossChoice, FileFate } from '../../sim/fault-fs.ts';
import * as model from '../../sim/storage-model.ts';
import type { ModelColumn, Row, StorageModel } from '../../sim/storage-model.ts';
import * as store from './index.ts';
import type { RowBatch } from './index.ts';
import { Store } from './store.ts';
import { DATA_DIR, segmentPath } from './store-paths.ts';
import { sortedRows } from './test-support.ts';

const DB = 'dfs://crash';
const TABLE = 'trades';
const DAY0 = 19723; // 2024.01.01
const SCHEME: PartitionScheme = {
  kind: 'VALUE',
  type: 'DATE',
  values: [DAY0, DAY0 + 1, DAY0 + 2, DAY0 + 3],
};
const COLUMNS: readonly ModelColumn[] = [
  { name: 'sym', type: 'SYMBOL' },
  { name: 'ts', type: 'DATETIME' },
  { name: 'px', type: 'DOUBLE' },
  { name: 'qty', type: 'INT' },
];

/** One operation on both sides: the store and the model. */
interface Op {
  readonly name: string;
  readonly onStore: (s: Store) => Promise<unknown>;
  readonly onModel: (m: StorageModel) => StorageModel;
}

/** An operation that fast-check prints by its name in a counterexample. */
function op(name: string, onStore: Op['onStore'], onModel: Op['onModel']): Op {
  return { name, onStore, onModel, [fc.toStringMethod]: () => name } as Op;
}

interface Scenario {
  /** Committed before the crash: creates the database and table, then these. */
  readonly setUp: readonly Op[];
  /** The transaction the process dies in. */
  readonly target: Op;
}

// ---- operations ------------------------------------------------------------------------

function rowAt(day: number, sec: number, sym: string, qty: number): Row {
  return [sym, (DAY0 + day) * 86400 + sec, qty / 4, qty];
}

function columnsOf(rows: readonly Row[], columns: readonly ModelColumn[] = COLUMNS): Column[] {
  return columns.map((c, i) =>
    columnFromValues(
      c.type,
      rows.map((row) => row[i] as CellValue),
    ),
  );
}

const createAll = op(
  'create',
  async (s) => {
    await store.createDatabase(s, DB, SCHEME);
    await store.createPartitionedTable(s, DB, TABLE, COLUMNS, ['ts']);
  },
  (m) =>
    model.createPartitionedTable(model.createDatabase(m, DB, SCHEME), DB, TABLE, COLUMNS, ['ts']),
);

function appendOp(rows: readonly Row[]): Op {
  return op(
    `append ${rows.length} rows`,
    (s) => store.append(s, DB, TABLE, columnsOf(rows)),
    (m) => model.append(m, DB, TABLE, rows),
  );
}

/** Rows where qty > k (qty is column 3 until a DDL moves it; these ops run before any). */
function qtyAbove(k: number): (row: Row) => boolean {
  return (row) => (row[3] as number) > k;
}

function filterOf(where: (row: Row) => boolean): (batch: RowBatch) => Uint8Array {
  return (batch) => {
    const values = COLUMNS.map((c) => columnValues(batch.columns.get(c.name) as Column));
    return Uint8Array.from({ length: batch.rows }, (_, r) =>
      where(values.map((v) => v[r] as CellValue)) ? 1 : 0,
    );
  };
}

function deleteOp(k: number): Op {
  return op(
    `delete qty > ${k}`,
    (s) => store.deleteRows(s, DB, TABLE, { where: filterOf(qtyAbove(k)) }),
    (m) => model.deleteRows(m, DB, TABLE, qtyAbove(k)),
  );
}

function updateOp(k: number, px: number): Op {
  const set = (b: RowBatch) => columnFromValues('DOUBLE', new Array<number>(b.rows).fill(px));
  return op(
    `update px = ${px} where qty > ${k}`,
    (s) => store.updateRows(s, DB, TABLE, { where: filterOf(qtyAbove(k)) }, { px: set }),
    (m) => model.updateRows(m, DB, TABLE, qtyAbove(k), { px: () => px }),
  );
}

function upsertOp(rows: readonly Row[]): Op {
  return op(
    `upsert ${rows.length} rows`,
    (s) => store.upsert(s, DB, TABLE, columnsOf(rows), ['sym', 'ts']),
    (m) => model.upsert(m, DB, TABLE, rows, ['sym', 'ts']),
  );
}

const DAY1 = partitionKeys(SCHEME)[1] as string;

const ddlOps: readonly Op[] = [
  op(
    'addColumn note STRING',
    (s) => store.addColumn(s, DB, TABLE, { name: 'note', type: 'STRING' }),
    (m) => model.addColumn(m, DB, TABLE, { name: 'note', type: 'STRING' }),
  ),
  op(
    'replaceColumn qty LONG',
    (s) => store.replaceColumn(s, DB, TABLE, 'qty', 'LONG'),
    (m) => model.replaceColumn(m, DB, TABLE, 'qty', 'LONG'),
  ),
  op(
    `dropPartition ${DAY1}`,
    (s) => store.dropPartition(s, DB, [DAY1], TABLE),
    (m) => model.dropPartition(m, DB, [DAY1], TABLE),
  ),
  op(
    'truncate',
    (s) => store.truncate(s, DB, TABLE),
    (m) => model.truncate(m, DB, TABLE),
  ),
];

// ---- arbitraries -----------------------------------------------------------------------

const rowOn = (days: fc.Arbitrary<number>): fc.Arbitrary<Row> =>
  fc
    .tuple(
      days,
      fc.constantFrom(0, 60, 3600),
      fc.constantFrom('A', 'B'),
      fc.integer({ min: 0, max: 20 }),
    )
    .map(([day, sec, sym, qty]) => rowAt(day, sec, sym, qty));

/** Rows on 2–3 distinct days (day 3 is never written by the set-up: a new partition). */
const rowsAcrossPartitions: fc.Arbitrary<Row[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 3 })
  .chain((days) =>
    fc.tuple(
      ...days.map((day) => fc.array(rowOn(fc.constant(day)), { minLength: 1, maxLength: 4 })),
    ),
  )
  .map((parts) => parts.flat());

const setUpOps: fc.Arbitrary<Op[]> = fc
  .tuple(
    fc.array(fc.array(rowOn(fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 10 }), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.option(fc.integer({ min: 5, max: 20 }), { nil: undefined }),
  )
  .map(([appends, deleteAbove]) => [
    ...appends.map(appendOp),
    ...(deleteAbove === undefined ? [] : [deleteOp(deleteAbove)]),
  ]);

const targetOp: fc.Arbitrary<Op> = fc.oneof(
  rowsAcrossPartitions.map(appendOp),
  fc
    .tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 9 }))
    .map(([k, px]) => updateOp(k, px)),
  fc.integer({ min: 0, max: 15 }).map(deleteOp),
  rowsAcrossPartitions.map(upsertOp),
  fc.constantFrom(...ddlOps),
);

const fileFate: fc.Arbitrary<FileFate> = fc.oneof(
  fc.constant<FileFate>({ kind: 'keep' }),
  fc
    .integer({ min: 0, max: 99 })
    .map((percent): FileFate => ({ kind: 'truncate', keep: percent / 100 })),
  fc.constant<FileFate>({ kind: 'delete' }),
);

const lossChoice: fc.Arbitrary<CrashLossChoice> = fc.record({
  fileFates: fc.array(fileFate, { maxLength: 4 }),
  revertEntries: fc.array(fc.boolean(), { maxLength: 4 }),
  newFoldersMayVanish: fc.boolean(),
});

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
  const table = model.requireTable(expected, DB, TABLE);
  const more = [rowAt(0, 7, 'Z', 1), rowAt(2, 7, 'Z', 2)].map((row) =>
    // Fit the table as the target left it: a column added (STRING) or made LONG.
    table.columns.map((c, i) => (c.type === 'LONG' ? BigInt(row[i] as number) : (row[i] ?? ''))),
  );
  await store.append(reopened, DB, TABLE, columnsOf(more, table.columns));
  const withMore = model.append(expected, DB, TABLE, more);
  await expectContent(reopened, withMore, `${context}, then an append`);
}

async function expectContent(s: Store, m: StorageModel, context = ''): Promise<void> {
  const snapshot = s.snapshot();
  try {
    const table = model.requireTable(m, DB, TABLE);
    const meta = snapshot.table(DB, TABLE).meta;
    expect(
      meta.columns.map((c) => [c.name, c.type]),
      context,
    ).toEqual(table.columns.map((c) => [c.name, c.type]));
    expect(sortedRows(await snapshot.readTable(DB, TABLE)), context).toEqual(
      sortedRows(model.tableColumns(m, DB, TABLE)),
    );
    const sum = await snapshot.checksum(DB, TABLE);
    expect(store.formatChecksum(sum.table), context).toBe(
      store.formatChecksum(model.tableChecksum(m, DB, TABLE)),
    );
  } finally {
    snapshot.release();
  }
}

/** Every file under <dir>/data is a segment the catalog names; nothing else (no .tmp). */
async function expectNoOrphans(s: Store, dir: string, context: string): Promise<void> {
  const snapshot = s.snapshot();
  const named = new Set<string>();
  try {
    for (const db of snapshot.state.databases.values()) {
      for (const table of db.tables.values()) {
        for (const partition of table.partitions.values()) {
          for (const segment of partition.segments)
            named.add(segmentPath(dir, db.meta.id, table.meta.id, partition.key, segment.id));
        }
      }
    }
  } finally {
    snapshot.release();
  }
  const files = await filesUnder(path.join(dir, DATA_DIR));
  expect(
    files.filter((file) => !named.has(file)),
    `${context}: orphan files`,
  ).toEqual([]);
  expect(
    [...named].filter((file) => !files.includes(file)),
    `${context}: missing segments`,
  ).toEqual([]);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

function describeScenario(scenario: Scenario): string {
  return [...scenario.setUp.map((op) => op.name), `target: ${scenario.target.name}`].join('; ');
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
