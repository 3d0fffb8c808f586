// Shared pieces of the crash tests (crash-safety.test.ts, prepare-crash-safety.test.ts): the
// table, the operations run on both a store and the model, the fast-check arbitraries of
// scenarios and power-cut losses, and the checks a reopened store must pass.

import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { PartitionScheme } from '../core/partition/index.ts';
import { partitionKeys } from '../core/partition/index.ts';
import type { CellValue } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import type { CrashLossChoice, FileFate } from '../../sim/fault-fs.ts';
import * as model from '../../sim/storage-model.ts';
import type { ModelColumn, Row, StorageModel } from '../../sim/storage-model.ts';
import * as store from './index.ts';
import type { RowBatch } from './index.ts';
import type { Store, Writer } from './store.ts';
import { DATA_DIR, segmentPath } from './store-paths.ts';
import { sortedRows } from './test-support.ts';

export const DB = 'dfs://crash';
export const TABLE = 'trades';
export const DAY0 = 19723; // 2024.01.01
export const SCHEME: PartitionScheme = {
  kind: 'VALUE',
  type: 'DATE',
  values: [DAY0, DAY0 + 1, DAY0 + 2, DAY0 + 3],
};
export const COLUMNS: readonly ModelColumn[] = [
  { name: 'sym', type: 'SYMBOL' },
  { name: 'ts', type: 'DATETIME' },
  { name: 'px', type: 'DOUBLE' },
  { name: 'qty', type: 'INT' },
];

/** One operation on both sides: the store and the model. */
export interface Op {
  readonly name: string;
  readonly onStore: (s: Writer) => Promise<unknown>;
  readonly onModel: (m: StorageModel) => StorageModel;
}

/** An operation that fast-check prints by its name in a counterexample. */
export function op(name: string, onStore: Op['onStore'], onModel: Op['onModel']): Op {
  return { name, onStore, onModel, [fc.toStringMethod]: () => name } as Op;
}

export interface Scenario {
  /** Committed before the crash: creates the database and table, then these. */
  readonly setUp: readonly Op[];
  /** The transaction the process dies in. */
  readonly target: Op;
}

// ---- operations ------------------------------------------------------------------------

export function rowAt(day: number, sec: number, sym: string, qty: number): Row {
  return [sym, (DAY0 + day) * 86400 + sec, qty / 4, qty];
}

export function columnsOf(
  rows: readonly Row[],
  columns: readonly ModelColumn[] = COLUMNS,
): Column[] {
  return columns.map((c, i) =>
    columnFromValues(
      c.type,
      rows.map((row) => row[i] as CellValue),
    ),
  );
}

export const createAll = op(
  'create',
  async (s) => {
    await store.createDatabase(s, DB, SCHEME);
    await store.createPartitionedTable(s, DB, TABLE, COLUMNS, ['ts']);
  },
  (m) =>
    model.createPartitionedTable(model.createDatabase(m, DB, SCHEME), DB, TABLE, COLUMNS, ['ts']),
);

export function appendOp(rows: readonly Row[]): Op {
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

export function deleteOp(k: number): Op {
  return op(
    `delete qty > ${k}`,
    (s) => store.deleteRows(s, DB, TABLE, { where: filterOf(qtyAbove(k)) }),
    (m) => model.deleteRows(m, DB, TABLE, qtyAbove(k)),
  );
}

export function updateOp(k: number, px: number): Op {
  const set = (b: RowBatch) => columnFromValues('DOUBLE', new Array<number>(b.rows).fill(px));
  return op(
    `update px = ${px} where qty > ${k}`,
    (s) => store.updateRows(s, DB, TABLE, { where: filterOf(qtyAbove(k)) }, { px: set }),
    (m) => model.updateRows(m, DB, TABLE, qtyAbove(k), { px: () => px }),
  );
}

export function upsertOp(rows: readonly Row[]): Op {
  return op(
    `upsert ${rows.length} rows`,
    (s) => store.upsert(s, DB, TABLE, columnsOf(rows), ['sym', 'ts']),
    (m) => model.upsert(m, DB, TABLE, rows, ['sym', 'ts']),
  );
}

const DAY1 = partitionKeys(SCHEME)[1] as string;

export const ddlOps: readonly Op[] = [
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
export const rowsAcrossPartitions: fc.Arbitrary<Row[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 3 })
  .chain((days) =>
    fc.tuple(
      ...days.map((day) => fc.array(rowOn(fc.constant(day)), { minLength: 1, maxLength: 4 })),
    ),
  )
  .map((parts) => parts.flat());

export const setUpOps: fc.Arbitrary<Op[]> = fc
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

export const targetOp: fc.Arbitrary<Op> = fc.oneof(
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

export const lossChoice: fc.Arbitrary<CrashLossChoice> = fc.record({
  fileFates: fc.array(fileFate, { maxLength: 4 }),
  revertEntries: fc.array(fc.boolean(), { maxLength: 4 }),
  newFoldersMayVanish: fc.boolean(),
});

// ---- checks of a reopened store --------------------------------------------------------

export async function expectContent(s: Store, m: StorageModel, context = ''): Promise<void> {
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
export async function expectNoOrphans(s: Store, dir: string, context: string): Promise<void> {
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

export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

export function describeScenario(scenario: Scenario): string {
  return [...scenario.setUp.map((op) => op.name), `target: ${scenario.target.name}`].join('; ');
}

/** Appends two rows (days 0 and 2) fitted to the table `expected` describes; checks them. */
export async function appendMore(
  reopened: Store,
  expected: StorageModel,
  context: string,
): Promise<StorageModel> {
  const table = model.requireTable(expected, DB, TABLE);
  const more = [rowAt(0, 7, 'Z', 1), rowAt(2, 7, 'Z', 2)].map((row) =>
    // Fit the table as the target left it: a column added (STRING) or made LONG.
    table.columns.map((c, i) => (c.type === 'LONG' ? BigInt(row[i] as number) : (row[i] ?? ''))),
  );
  await store.append(reopened, DB, TABLE, columnsOf(more, table.columns));
  const withMore = model.append(expected, DB, TABLE, more);
  await expectContent(reopened, withMore, `${context}, then an append`);
  return withMore;
}
