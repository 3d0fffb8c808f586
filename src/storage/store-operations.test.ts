// Proves every storage operation does what it says, on a real store in a temp folder:
// rows read back, schemas, checksums, effects, and the typed error of every bad input.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import type { ShoalError } from '../core/errors.ts';
import type { PartitionScheme } from '../core/partition/index.ts';
import { parseLiteral } from '../core/types/literal.ts';
import type { Column } from '../core/types/column.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import type { CellValue } from '../core/types/column-type.ts';
import {
  addColumn,
  addRangePartitions,
  addValuePartitions,
  append,
  compactAll,
  createDatabase,
  createDimensionTable,
  createPartitionedTable,
  decodeEffects,
  deleteRows,
  dropColumns,
  dropDatabase,
  dropPartition,
  dropTable,
  encodeEffects,
  formatChecksum,
  renameColumn,
  renameTable,
  replaceColumn,
  setColumnComment,
  setTableComment,
  truncate,
  updateRows,
  upsert,
} from './index.ts';
import type { Store } from './store.ts';
import { columnsFromRows, sortedRows, tempStore } from './test-support.ts';

const DB = 'dfs://testDB';
const days = (text: string): number => {
  const literal = parseLiteral(text);
  if (literal.kind !== 'scalar') throw new Error(`not a scalar: ${text}`);
  return literal.scalar.value as number;
};
const YEAR_2023: PartitionScheme = {
  kind: 'VALUE',
  type: 'DATE',
  values: Array.from({ length: 365 }, (_, i) => days('2023.01.01') + i),
};
const SCHEMA = [
  { name: 'sym', type: 'SYMBOL' },
  { name: 'ts', type: 'DATETIME' },
  { name: 'px', type: 'DOUBLE' },
  { name: 'qty', type: 'INT' },
] as const;
const TYPES = SCHEMA.map((c) => c.type);
const at = (date: string, seconds = 0): number => days(date) * 86400 + seconds;

async function expectError(
  promise: Promise<unknown>,
  kind: ShoalError['kind'],
  text: string | RegExp,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isShoalError(error, kind), `expected ${kind}, got ${String(error)}`).toBe(true);
  expect((error as Error).message).toMatch(text);
}

async function rows(store: Store, table = 'trades'): Promise<CellValue[][]> {
  const snapshot = store.snapshot();
  try {
    return sortedRows(await snapshot.readTable(DB, table));
  } finally {
    snapshot.release();
  }
}

describe('storage operations', () => {
  let handle: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;

  beforeEach(async () => {
    handle = await tempStore({ lockTimeoutMillis: 200 });
    store = handle.store;
    await createDatabase(store, DB, YEAR_2023);
    await createPartitionedTable(store, DB, 'trades', SCHEMA, ['ts']);
  });
  afterEach(async () => handle.cleanup());

  const sample = (): Column[] =>
    columnsFromRows(TYPES, [
      ['A', at('2023.01.08', 100), 10.5, 100],
      ['B', at('2023.01.08', 200), 20.25, 200],
      ['A', at('2023.01.09', 300), 11, 300],
    ]);

  it('appends rows of several partitions in one transaction and reads them back', async () => {
    const effects = await append(store, DB, 'trades', sample());
    expect(effects.kind).toBe('APPEND');
    expect(effects.rowsWritten).toBe(3);
    expect(
      effects.changes
        .filter((c) => c.kind === 'add-segments')
        .map((c) => 'partition' in c && c.partition),
    ).toEqual(['20230108', '20230109']);
    expect(await rows(store)).toEqual(sortedRows(sample()));
    await handle.reopen();
    expect(await rows(handle.store)).toEqual(sortedRows(sample()));
  });

  it('gives increasing transaction ids and serialisable effects', async () => {
    const first = await append(store, DB, 'trades', sample());
    const second = await append(store, DB, 'trades', sample());
    expect(second.txId).toBe(first.txId + 1);
    expect(decodeEffects(encodeEffects(second))).toEqual(second);
  });

  it('updates rows by predicate, keeping the others', async () => {
    await append(store, DB, 'trades', sample());
    const effects = await updateRows(
      store,
      DB,
      'trades',
      {
        where: (b) =>
          Uint8Array.from(columnValues(b.columns.get('sym') as Column), (v) => (v === 'A' ? 1 : 0)),
      },
      { px: (b) => columnFromValues('DOUBLE', new Array<number>(b.rows).fill(1)) },
    );
    expect(effects.rowsWritten).toBe(2);
    expect(effects.changes.map((c) => c.kind).sort()).toEqual([
      'add-segments',
      'add-segments',
      'delete-rows',
      'delete-rows',
    ]);
    expect(await rows(store)).toEqual(
      sortedRows(
        columnsFromRows(TYPES, [
          ['A', at('2023.01.08', 100), 1, 100],
          ['B', at('2023.01.08', 200), 20.25, 200],
          ['A', at('2023.01.09', 300), 1, 300],
        ]),
      ),
    );
  });

  it('deletes rows by predicate and by pruned partition list', async () => {
    await append(store, DB, 'trades', sample());
    const byQty = (b: { columns: ReadonlyMap<string, Column> }) =>
      Uint8Array.from(columnValues(b.columns.get('qty') as Column), (v) =>
        (v as number) >= 200 ? 1 : 0,
      );
    const effects = await deleteRows(store, DB, 'trades', {
      where: byQty,
      partitions: ['20230109'],
    });
    expect(effects.rowsWritten).toBe(1);
    expect((await rows(store)).length).toBe(2);
    await deleteRows(store, DB, 'trades', { where: byQty });
    expect(await rows(store)).toEqual([['A', at('2023.01.08', 100), 10.5, 100]]);
  });

  it('upserts on key columns: replaces matches, appends the rest, last duplicate wins', async () => {
    await append(store, DB, 'trades', sample());
    const incoming = columnsFromRows(TYPES, [
      ['A', at('2023.01.08', 100), 99, 1],
      ['C', at('2023.01.08', 500), 5, 5],
      ['C', at('2023.01.08', 500), 6, 6],
    ]);
    const effects = await upsert(store, DB, 'trades', incoming, ['sym', 'ts']);
    expect(effects.rowsWritten).toBe(2);
    expect(await rows(store)).toEqual(
      sortedRows(
        columnsFromRows(TYPES, [
          ['A', at('2023.01.08', 100), 99, 1],
          ['B', at('2023.01.08', 200), 20.25, 200],
          ['A', at('2023.01.09', 300), 11, 300],
          ['C', at('2023.01.08', 500), 6, 6],
        ]),
      ),
    );
    await expectError(
      upsert(store, DB, 'trades', incoming, ['sym']),
      'INVALID_ARGUMENT',
      /partitioning column ts/,
    );
  });

  it('truncates and drops partitions without touching the schema', async () => {
    await append(store, DB, 'trades', sample());
    await dropPartition(store, DB, ['20230108'], 'trades');
    expect(await rows(store)).toEqual([['A', at('2023.01.09', 300), 11, 300]]);
    await expectError(
      dropPartition(store, DB, ['20240101'], 'trades'),
      'PARTITION_NOT_FOUND',
      /20240101/,
    );
    await truncate(store, DB, 'trades');
    expect(await rows(store)).toEqual([]);
    const snapshot = store.snapshot();
    expect(snapshot.table(DB, 'trades').meta.columns.map((c) => c.name)).toEqual([
      'sym',
      'ts',
      'px',
      'qty',
    ]);
    snapshot.release();
  });

  it('adds, renames, replaces and drops columns; old rows read new columns as null', async () => {
    await append(store, DB, 'trades', sample());
    await addColumn(store, DB, 'trades', { name: 'note', type: 'STRING' });
    await renameColumn(store, DB, 'trades', 'qty', 'volume');
    await replaceColumn(store, DB, 'trades', 'volume', 'LONG');
    await setColumnComment(store, DB, 'trades', { px: 'last price' });
    await setTableComment(store, DB, 'trades', 'minute bars');
    await dropColumns(store, DB, 'trades', ['note']);
    const snapshot = store.snapshot();
    const table = snapshot.table(DB, 'trades');
    expect(table.meta.columns.map((c) => [c.name, c.type, c.comment])).toEqual([
      ['sym', 'SYMBOL', ''],
      ['ts', 'DATETIME', ''],
      ['px', 'DOUBLE', 'last price'],
      ['volume', 'LONG', ''],
    ]);
    expect(table.meta.comment).toBe('minute bars');
    expect(sortedRows(await snapshot.readTable(DB, 'trades')).map((r) => r[3])).toEqual([
      100n,
      300n,
      200n,
    ]);
    snapshot.release();
    await expectError(dropColumns(store, DB, 'trades', ['ts']), 'INVALID_ARGUMENT', /partitions/);
    await expectError(renameColumn(store, DB, 'trades', 'nope', 'x'), 'COLUMN_NOT_FOUND', /nope/);
    await expectError(
      addColumn(store, DB, 'trades', { name: 'px', type: 'INT' }),
      'COLUMN_EXISTS',
      /px/,
    );
  });

  it('renames and drops tables, creates dimension tables, drops databases', async () => {
    await append(store, DB, 'trades', sample());
    await renameTable(store, DB, 'trades', 'bars');
    expect((await rows(store, 'bars')).length).toBe(3);
    await expectError(rows(store, 'trades'), 'TABLE_NOT_FOUND', /trades/);
    await createDimensionTable(store, DB, 'info', [
      { name: 'sym', type: 'SYMBOL' },
      { name: 'name', type: 'STRING' },
    ]);
    await append(
      store,
      DB,
      'info',
      columnsFromRows(
        ['SYMBOL', 'STRING'],
        [
          ['A', 'Alpha'],
          ['B', 'Beta'],
        ],
      ),
    );
    expect(await rows(store, 'info')).toEqual([
      ['A', 'Alpha'],
      ['B', 'Beta'],
    ]);
    await dropTable(store, DB, 'bars');
    await expectError(rows(store, 'bars'), 'TABLE_NOT_FOUND', /bars/);
    await dropDatabase(store, DB);
    await expectError(rows(store, 'info'), 'DATABASE_NOT_FOUND', /testDB/);
    await handle.reopen();
    expect(handle.store.snapshot().state.databases.size).toBe(0);
  });

  it('adds VALUE partitions and RANGE boundaries to a scheme', async () => {
    const next = days('2024.01.01');
    await expectError(
      append(store, DB, 'trades', columnsFromRows(TYPES, [['A', next * 86400, 1, 1]])),
      'OUTSIDE_PARTITION_SCHEME',
      /2024.01.01/,
    );
    await addValuePartitions(store, DB, [next]);
    await append(store, DB, 'trades', columnsFromRows(TYPES, [['A', next * 86400, 1, 1]]));
    expect((await rows(store)).length).toBe(1);
    await expectError(addValuePartitions(store, DB, [next]), 'PARTITION_EXISTS', /./);
    await createDatabase(store, 'dfs://ranged', {
      kind: 'RANGE',
      type: 'INT',
      boundaries: [0, 10, 20],
    });
    await addRangePartitions(store, 'dfs://ranged', [30]);
    await createPartitionedTable(store, 'dfs://ranged', 't', [{ name: 'k', type: 'INT' }], ['k']);
    await append(store, 'dfs://ranged', 't', columnsFromRows(['INT'], [[25], [5]]));
    expect(store.snapshot().rowCount('dfs://ranged', 't')).toBe(2);
  });

  it('rejects bad input with typed errors and writes nothing', async () => {
    const before = store.version;
    await expectError(createDatabase(store, DB, YEAR_2023), 'DATABASE_EXISTS', /testDB/);
    await expectError(createDatabase(store, 'testDB', YEAR_2023), 'INVALID_ARGUMENT', /dfs:\/\//);
    await expectError(
      createPartitionedTable(store, DB, 'trades', SCHEMA, ['ts']),
      'TABLE_EXISTS',
      /trades/,
    );
    await expectError(
      createPartitionedTable(store, DB, 't2', SCHEMA, ['nope']),
      'COLUMN_NOT_FOUND',
      /nope/,
    );
    await expectError(
      createPartitionedTable(store, DB, 't3', [...SCHEMA, { name: 'px', type: 'INT' }], ['ts']),
      'COLUMN_EXISTS',
      /px/,
    );
    await expectError(
      append(store, DB, 'trades', sample().slice(0, 3)),
      'COLUMN_MISMATCH',
      /4 columns/,
    );
    const wrongType = sample();
    wrongType[3] = columnFromValues('DOUBLE', [1, 2, 3]);
    await expectError(append(store, DB, 'trades', wrongType), 'TYPE_MISMATCH', /qty/);
    const outside = columnsFromRows(TYPES, [['A', at('2024.01.01'), 1, 1]]);
    await expectError(
      append(store, DB, 'trades', outside),
      'OUTSIDE_PARTITION_SCHEME',
      /2024.01.01.*dfs:\/\/testDB/,
    );
    await expectError(
      append(store, 'dfs://none', 'trades', sample()),
      'DATABASE_NOT_FOUND',
      /none/,
    );
    await expectError(append(store, DB, 'none', sample()), 'TABLE_NOT_FOUND', /none/);
    expect(store.version).toBe(before);
    expect(await rows(store)).toEqual([]);
  });

  it('serialises two writers of one partition and times out a stuck one', async () => {
    const [a, b] = await Promise.all([
      append(store, DB, 'trades', sample()),
      append(store, DB, 'trades', sample()),
    ]);
    expect(Math.abs(a.txId - b.txId)).toBe(1);
    expect((await rows(store)).length).toBe(6);
  });

  it('keeps a snapshot readable across later commits and compaction', async () => {
    for (let i = 0; i < 5; i++) await append(store, DB, 'trades', sample());
    const snapshot = store.snapshot();
    const before = await snapshot.checksum(DB, 'trades');
    expect(await compactAll(store)).toBe(2);
    await truncate(store, DB, 'trades');
    const again = await snapshot.checksum(DB, 'trades');
    expect(formatChecksum(again.table)).toBe(formatChecksum(before.table));
    snapshot.release();
    expect(store.snapshot().rowCount(DB, 'trades')).toBe(0);
  });
});
