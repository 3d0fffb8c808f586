// Proves the store holds exactly what a plain in-memory model says, after any sequence of
// writes, DDL, bad inputs, reopens and compactions: fast-check runs random sequences on both.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import type { ErrorCodeName } from '../core/errors.ts';
import { partitionKeys } from '../core/partition/index.ts';
import type { PartitionScheme } from '../core/partition/index.ts';
import { nullOf, physicalKind } from '../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import * as model from '../../sim/storage-model.ts';
import type {
  ModelColumn,
  Row,
  RowPredicate,
  RowValue,
  StorageModel,
} from '../../sim/storage-model.ts';
import * as store from './index.ts';
import type { RowBatch, RowExpression, RowFilter, Store } from './index.ts';
import { sortedRows, tempStore } from './test-support.ts';

const DB = 'dfs://model';
const DAY0 = 19723; // 2024.01.01
const DAY_COUNT = 5;
const SCHEME: PartitionScheme = {
  kind: 'VALUE',
  type: 'DATE',
  values: Array.from({ length: DAY_COUNT }, (_, i) => DAY0 + i),
};
const DIM = 'info';
const NUMERIC_TYPES: readonly ColumnType[] = ['INT', 'LONG', 'DOUBLE', 'FLOAT'];
const TEXT_TYPES: readonly ColumnType[] = ['SYMBOL', 'STRING'];
const NAMES = ['sym', 'px', 'qty', 'note', 'extra', 'flag'] as const;

// ---- generated operations: plain data, interpreted against the current schema ----------

/** The seed of one row; each column takes the value its type draws from it. */
interface RowSpec {
  readonly day: number;
  readonly sec: number;
  readonly sym: string;
  readonly n: number;
  readonly text: string;
  /** Position of a column that gets its null, if any. */
  readonly nullAt: number;
}

interface PredicateSpec {
  readonly kind: 'all' | 'column';
  readonly position: number;
  readonly k: number;
  readonly sym: string;
  readonly day: number;
}

type Op =
  | { readonly kind: 'append'; readonly rows: readonly RowSpec[] }
  /** Small appends to one day in a row: small segments, so compaction has work. */
  | {
      readonly kind: 'appendSeveral';
      readonly day: number;
      readonly batches: readonly (readonly RowSpec[])[];
    }
  | { readonly kind: 'appendDim'; readonly rows: readonly RowSpec[] }
  | { readonly kind: 'appendOutside'; readonly rows: readonly RowSpec[] }
  | { readonly kind: 'appendWrongCount'; readonly rows: readonly RowSpec[] }
  | {
      readonly kind: 'appendWrongType';
      readonly rows: readonly RowSpec[];
      readonly position: number;
    }
  | {
      readonly kind: 'upsert';
      readonly rows: readonly RowSpec[];
      readonly keyPosition: number;
      readonly dim: boolean;
    }
  | { readonly kind: 'upsertWithoutPartitionKey'; readonly rows: readonly RowSpec[] }
  | {
      readonly kind: 'update';
      readonly where: PredicateSpec;
      readonly position: number;
      readonly value: RowSpec;
    }
  | { readonly kind: 'updateUnknownColumn'; readonly where: PredicateSpec }
  | {
      readonly kind: 'delete';
      readonly where: PredicateSpec;
      readonly days: readonly number[] | undefined;
    }
  | { readonly kind: 'truncate' }
  | { readonly kind: 'dropPartition'; readonly days: readonly number[]; readonly wholeDb: boolean }
  | { readonly kind: 'dropUnknownPartition' }
  | { readonly kind: 'addColumn'; readonly name: number; readonly type: number }
  | { readonly kind: 'dropColumn'; readonly position: number }
  | { readonly kind: 'renameColumn'; readonly position: number; readonly to: number }
  | { readonly kind: 'renameUnknownColumn' }
  | { readonly kind: 'replaceColumn'; readonly position: number; readonly type: number }
  | { readonly kind: 'renameTable'; readonly toDim: boolean }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'compact' };

/** A row seed for operations that need one row whatever was generated. */
const SEED: RowSpec = { day: 0, sec: 0, sym: 'A', n: 1, text: 'x', nullAt: 99 };

const rowSpec: fc.Arbitrary<RowSpec> = fc.record({
  day: fc.integer({ min: 0, max: DAY_COUNT - 1 }),
  sec: fc.constantFrom(0, 3600, 7200, 45000),
  sym: fc.constantFrom('A', 'B', 'C', ''),
  n: fc.integer({ min: -8, max: 40 }),
  text: fc.constantFrom('', 'x', 'hello', 'größe'),
  nullAt: fc.integer({ min: 0, max: 12 }),
});
const rows = (max: number) => fc.array(rowSpec, { maxLength: max, size: 'max' });
const predicate: fc.Arbitrary<PredicateSpec> = fc.record({
  kind: fc.constantFrom('all', 'column', 'column', 'column'),
  position: fc.nat(8),
  k: fc.integer({ min: -2, max: 30 }),
  sym: fc.constantFrom('A', 'B', 'x', ''),
  day: fc.integer({ min: 0, max: DAY_COUNT - 1 }),
});
const days = fc.uniqueArray(fc.integer({ min: 0, max: DAY_COUNT - 1 }), {
  minLength: 1,
  maxLength: 3,
});

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append'), rows: rows(30) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('appendSeveral'),
      day: fc.integer({ min: 0, max: DAY_COUNT - 1 }),
      batches: fc.array(fc.array(rowSpec, { minLength: 1, maxLength: 3 }), {
        minLength: 2,
        maxLength: 6,
      }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('appendDim'), rows: rows(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('appendOutside'), rows: rows(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('appendWrongCount'), rows: rows(3) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('appendWrongType'),
      rows: rows(3),
      position: fc.nat(8),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('upsert'),
      rows: rows(10),
      keyPosition: fc.nat(8),
      dim: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('upsertWithoutPartitionKey'), rows: rows(3) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update'),
      where: predicate,
      position: fc.nat(8),
      value: rowSpec,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('updateUnknownColumn'), where: predicate }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('delete'),
      where: predicate,
      days: fc.option(days, { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate') }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('dropPartition'), days, wholeDb: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropUnknownPartition') }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('addColumn'),
      name: fc.nat(NAMES.length - 1),
      type: fc.nat(5),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropColumn'), position: fc.nat(8) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('renameColumn'),
      position: fc.nat(8),
      to: fc.nat(NAMES.length - 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renameUnknownColumn') }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replaceColumn'),
      position: fc.nat(8),
      type: fc.nat(3),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renameTable'), toDim: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('compact') }) },
);

// ---- interpretation: the same operation on the store and on the model -------------------

/**
 * One operation on both sides, and the error it must fail with (if it must fail). `onModel`
 * is absent when the model cannot express the operation (a bad column, a reopen).
 */
interface Step {
  readonly onStore: (store: Store) => Promise<unknown>;
  readonly onModel?: (m: StorageModel) => StorageModel;
  readonly mustFail?: ErrorCodeName;
}

interface Harness {
  handle: Awaited<ReturnType<typeof tempStore>>;
  model: StorageModel;
}

function mainTable(m: StorageModel): string {
  for (const [name, table] of model.requireDatabase(m, DB).tables)
    if (table.kind === 'partitioned') return name;
  throw new Error('the model lost its partitioned table');
}

/** The value a column of `type` takes from a row seed; `position` varies numbers per column. */
function cellFor(
  type: ColumnType,
  spec: RowSpec,
  position: number,
  partitioning: boolean,
): CellValue {
  if (partitioning) return (DAY0 + spec.day) * 86400 + spec.sec;
  if (spec.nullAt === position) return nullOf(type);
  const n = spec.n + position;
  switch (physicalKind(type)) {
    case 'text':
      return type === 'SYMBOL' ? spec.sym : spec.text;
    case 'int64':
      return BigInt(n);
    case 'float32':
    case 'float64':
      return n / 4;
    default:
      return n;
  }
}

function rowsFor(table: model.ModelTable, specs: readonly RowSpec[]): Row[] {
  return specs.map((spec) =>
    table.columns.map((c, i) => cellFor(c.type, spec, i, table.partitionColumns.includes(c.name))),
  );
}

function columnsOf(schema: readonly ModelColumn[], rowList: readonly Row[]): Column[] {
  return schema.map((c, i) =>
    columnFromValues(
      c.type,
      rowList.map((row) => row[i] as CellValue),
    ),
  );
}

function predicateOf(spec: PredicateSpec, table: model.ModelTable): RowPredicate {
  if (spec.kind === 'all') return () => true;
  const position = spec.position % table.columns.length;
  const column = table.columns[position] as ModelColumn;
  if (table.partitionColumns.includes(column.name)) {
    return (row) => Math.floor((row[position] as number) / 86400) - DAY0 >= spec.day;
  }
  if (physicalKind(column.type) === 'text') return (row) => row[position] === spec.sym;
  return (row) => Number(row[position]) > spec.k;
}

/** The predicate as the store's row filter: the same JS function over the batch's rows. */
function storeFilter(where: RowPredicate, schema: readonly ModelColumn[]): RowFilter {
  return (batch) =>
    Uint8Array.from(batchRows(batch, schema), (row) => (where(row, schema) ? 1 : 0));
}

function storeExpression(
  value: RowValue,
  column: ModelColumn,
  schema: readonly ModelColumn[],
): RowExpression {
  return (batch) =>
    columnFromValues(
      column.type,
      batchRows(batch, schema).map((row) => value(row, schema)),
    );
}

function batchRows(batch: RowBatch, schema: readonly ModelColumn[]): Row[] {
  const values = schema.map((c) => columnValues(batch.columns.get(c.name) as Column));
  return Array.from({ length: batch.rows }, (_, r) => values.map((v) => v[r] as CellValue));
}

const keyOf = (day: number): string => partitionKeys(SCHEME)[day] as string;

function stepFor(o: Op, h: Harness): Step {
  const main = mainTable(h.model);
  const table = model.requireTable(h.model, DB, main);
  const at = (position: number) => table.columns[position % table.columns.length] as ModelColumn;
  const partitionColumn = table.partitionColumns[0] as string;
  switch (o.kind) {
    case 'append':
    case 'appendOutside': {
      const list = rowsFor(table, o.rows);
      if (o.kind === 'appendOutside')
        list.push(rowsFor(table, [{ ...(o.rows[0] ?? SEED), day: DAY_COUNT }])[0] as Row);
      return {
        onStore: (s) => store.append(s, DB, main, columnsOf(table.columns, list)),
        onModel: (m) => model.append(m, DB, main, list),
        ...(o.kind === 'appendOutside' ? { mustFail: 'OUTSIDE_PARTITION_SCHEME' } : {}),
      };
    }
    case 'appendSeveral': {
      const batches = o.batches.map((specs) =>
        rowsFor(
          table,
          specs.map((spec) => ({ ...spec, day: o.day })),
        ),
      );
      return {
        onStore: async (s) => {
          for (const batch of batches)
            await store.append(s, DB, main, columnsOf(table.columns, batch));
        },
        onModel: (m) => model.append(m, DB, main, batches.flat()),
      };
    }
    case 'appendDim': {
      const dim = model.requireTable(h.model, DB, DIM);
      const list = rowsFor(dim, o.rows);
      return {
        onStore: (s) => store.append(s, DB, DIM, columnsOf(dim.columns, list)),
        onModel: (m) => model.append(m, DB, DIM, list),
      };
    }
    case 'appendWrongCount': {
      const columns = [
        ...columnsOf(table.columns, rowsFor(table, o.rows)),
        columnFromValues(
          'INT',
          o.rows.map((r) => r.n),
        ),
      ];
      return { onStore: (s) => store.append(s, DB, main, columns), mustFail: 'COLUMN_MISMATCH' };
    }
    case 'appendWrongType': {
      const columns = columnsOf(table.columns, rowsFor(table, o.rows));
      const position = o.position % columns.length;
      const wrong: ColumnType = physicalKind(at(position).type) === 'text' ? 'DOUBLE' : 'STRING';
      columns[position] = columnFromValues(
        wrong,
        o.rows.map((r) => (wrong === 'DOUBLE' ? r.n : r.text)),
      );
      return { onStore: (s) => store.append(s, DB, main, columns), mustFail: 'TYPE_MISMATCH' };
    }
    case 'upsert': {
      const name = o.dim ? DIM : main;
      const target = model.requireTable(h.model, DB, name);
      const list = rowsFor(target, o.rows);
      const extra = target.columns[o.keyPosition % target.columns.length] as ModelColumn;
      const keys = [...new Set([...target.partitionColumns, extra.name])];
      return {
        onStore: (s) => store.upsert(s, DB, name, columnsOf(target.columns, list), keys),
        onModel: (m) => model.upsert(m, DB, name, list, keys),
      };
    }
    case 'upsertWithoutPartitionKey': {
      const list = rowsFor(table, o.rows);
      const keys = table.columns.filter((c) => c.name !== partitionColumn).map((c) => c.name);
      return {
        onStore: (s) => store.upsert(s, DB, main, columnsOf(table.columns, list), keys),
        onModel: (m) => model.upsert(m, DB, main, list, keys),
        mustFail: 'INVALID_ARGUMENT',
      };
    }
    case 'update':
    case 'updateUnknownColumn': {
      const where = predicateOf(o.where, table);
      const column =
        o.kind === 'update' ? at(o.position) : { name: 'no_such_column', type: 'INT' as const };
      const seed = o.kind === 'update' ? o.value : SEED;
      const value: RowValue = () =>
        cellFor(column.type, seed, o.kind === 'update' ? o.position : 0, false);
      return {
        onStore: (s) =>
          store.updateRows(
            s,
            DB,
            main,
            { where: storeFilter(where, table.columns) },
            { [column.name]: storeExpression(value, column, table.columns) },
          ),
        onModel: (m) => model.updateRows(m, DB, main, where, { [column.name]: value }),
        ...(o.kind === 'updateUnknownColumn' ? { mustFail: 'COLUMN_NOT_FOUND' } : {}),
      };
    }
    case 'delete': {
      const where = predicateOf(o.where, table);
      const partitions = o.days?.map(keyOf);
      const selection = {
        where: storeFilter(where, table.columns),
        ...(partitions === undefined ? {} : { partitions }),
      };
      return {
        onStore: (s) => store.deleteRows(s, DB, main, selection),
        onModel: (m) => model.deleteRows(m, DB, main, where, partitions),
      };
    }
    case 'truncate':
      return {
        onStore: (s) => store.truncate(s, DB, main),
        onModel: (m) => model.truncate(m, DB, main),
      };
    case 'dropPartition': {
      const keys = o.days.map(keyOf);
      const name = o.wholeDb ? undefined : main;
      return {
        onStore: (s) => store.dropPartition(s, DB, keys, name),
        onModel: (m) => model.dropPartition(m, DB, keys, name),
      };
    }
    case 'dropUnknownPartition':
      return {
        onStore: (s) => store.dropPartition(s, DB, ['20300101'], main),
        onModel: (m) => model.dropPartition(m, DB, ['20300101'], main),
        mustFail: 'PARTITION_NOT_FOUND',
      };
    case 'addColumn': {
      const column: ModelColumn = {
        name: NAMES[o.name] as string,
        type: [...NUMERIC_TYPES, ...TEXT_TYPES][o.type] as ColumnType,
      };
      return {
        onStore: (s) => store.addColumn(s, DB, main, column),
        onModel: (m) => model.addColumn(m, DB, main, column),
      };
    }
    case 'dropColumn': {
      const name = at(o.position).name;
      return {
        onStore: (s) => store.dropColumns(s, DB, main, [name]),
        onModel: (m) => model.dropColumns(m, DB, main, [name]),
      };
    }
    case 'renameColumn':
    case 'renameUnknownColumn': {
      const from = o.kind === 'renameColumn' ? at(o.position).name : 'no_such_column';
      const to = o.kind === 'renameColumn' ? (NAMES[o.to] as string) : 'fresh_name';
      return {
        onStore: (s) => store.renameColumn(s, DB, main, from, to),
        onModel: (m) => model.renameColumn(m, DB, main, from, to),
        ...(o.kind === 'renameUnknownColumn' ? { mustFail: 'COLUMN_NOT_FOUND' } : {}),
      };
    }
    case 'replaceColumn': {
      const column = at(o.position);
      // Only conversions convertColumn supports: the store skips the check on an empty table.
      const family = physicalKind(column.type) === 'text' ? TEXT_TYPES : NUMERIC_TYPES;
      const type = family[o.type % family.length] as ColumnType;
      return {
        onStore: (s) => store.replaceColumn(s, DB, main, column.name, type),
        onModel: (m) => model.replaceColumn(m, DB, main, column.name, type),
      };
    }
    case 'renameTable': {
      const to = o.toDim ? DIM : main === 'trades' ? 'bars' : 'trades';
      return {
        onStore: (s) => store.renameTable(s, DB, main, to),
        onModel: (m) => model.renameTable(m, DB, main, to),
        ...(o.toDim ? { mustFail: 'TABLE_EXISTS' } : {}),
      };
    }
    case 'reopen':
      return { onStore: () => h.handle.reopen() };
    case 'compact':
      return { onStore: (s) => store.compactAll(s) };
  }
}

/** Runs one step on both sides: the same outcome (or the same error kind), then compares. */
async function runStep(h: Harness, o: Op): Promise<void> {
  const step = stepFor(o, h);
  let modelError: ErrorCodeName | undefined;
  let next = h.model;
  try {
    next = step.onModel?.(h.model) ?? h.model;
  } catch (error) {
    if (!isShoalError(error)) throw error;
    modelError = error.kind;
  }
  if (step.mustFail !== undefined && step.onModel !== undefined)
    expect(modelError, `model on ${o.kind}`).toBe(step.mustFail);
  const expected = step.mustFail ?? modelError;
  const versionBefore = h.handle.store.version;
  const storeError = await step.onStore(h.handle.store).then(
    () => undefined,
    (error: unknown) => {
      if (!isShoalError(error)) throw error;
      return error.kind;
    },
  );
  expect(storeError, `store on ${o.kind}`).toBe(expected);
  if (expected === undefined) h.model = next;
  else expect(h.handle.store.version, 'a failed operation committed').toBe(versionBefore);
  await expectSameContent(h.handle.store, h.model);
}

/** Every table of the database: schema, sorted rows, table and partition checksums. */
async function expectSameContent(s: Store, m: StorageModel): Promise<void> {
  const snapshot = s.snapshot();
  try {
    const expectedTables = model.requireDatabase(m, DB).tables;
    expect([...snapshot.database(DB).tables.keys()].sort()).toEqual(
      [...expectedTables.keys()].sort(),
    );
    for (const [name, table] of expectedTables) {
      const schema = snapshot.table(DB, name).meta;
      expect(schema.columns.map((c) => [c.name, c.type])).toEqual(
        table.columns.map((c) => [c.name, c.type]),
      );
      expect(schema.partitionColumns).toEqual(table.partitionColumns);
      expect(sortedRows(await snapshot.readTable(DB, name)), `rows of ${name}`).toEqual(
        sortedRows(model.tableColumns(m, DB, name)),
      );
      const sums = await snapshot.checksum(DB, name);
      expect(store.formatChecksum(sums.table)).toBe(
        store.formatChecksum(model.tableChecksum(m, DB, name)),
      );
      expect(formatPartitions(sums.partitions)).toEqual(
        formatPartitions(model.partitionChecksums(m, DB, name)),
      );
    }
  } finally {
    snapshot.release();
  }
}

/** Partition checksums as text, leaving out partitions with no live rows. */
function formatPartitions(sums: ReadonlyMap<string, store.ContentChecksum>): [string, string][] {
  return [...sums]
    .filter(([, sum]) => sum.rows > 0)
    .map(([key, sum]): [string, string] => [key, store.formatChecksum(sum)])
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

async function setUp(withNote: boolean): Promise<Harness> {
  const handle = await tempStore();
  const columns: ModelColumn[] = [
    { name: 'sym', type: 'SYMBOL' },
    { name: 'ts', type: 'DATETIME' },
    { name: 'px', type: 'DOUBLE' },
    { name: 'qty', type: 'INT' },
    ...(withNote ? [{ name: 'note', type: 'STRING' } as const] : []),
  ];
  const dim: ModelColumn[] = [
    { name: 'sym', type: 'SYMBOL' },
    { name: 'name', type: 'STRING' },
  ];
  await store.createDatabase(handle.store, DB, SCHEME);
  await store.createPartitionedTable(handle.store, DB, 'trades', columns, ['ts']);
  await store.createDimensionTable(handle.store, DB, DIM, dim);
  let m = model.createDatabase(model.EMPTY_MODEL, DB, SCHEME);
  m = model.createPartitionedTable(m, DB, 'trades', columns, ['ts']);
  m = model.createDimensionTable(m, DB, DIM, dim);
  return { handle, model: m };
}

describe('store against the model', () => {
  it('agrees after every step of random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(op, { minLength: 1, maxLength: 12, size: 'max' }),
        async (withNote, ops) => {
          const h = await setUp(withNote);
          try {
            await expectSameContent(h.handle.store, h.model);
            for (const o of ops) await runStep(h, o);
          } finally {
            await h.handle.cleanup();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
