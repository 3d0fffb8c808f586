// Proves the streamed append: chunks that arrive one by one commit as one write (rows equal
// to a plain append of them all, a segment per chunk and partition), prepared under a cluster
// transaction they stay invisible until publish, and a chunk with a row in a partition the
// write did not declare fails it with INVALID_ARGUMENT, committing nothing and leaving no file.
// How: real stores in temp folders.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import type { PartitionScheme } from '../core/partition/index.ts';
import type { CellValue } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { filesUnder } from './crash-test-support.ts';
import { appendStream, createDatabase, createPartitionedTable, planRows } from './index.ts';
import type { AppendChunk } from './index.ts';
import type { Store } from './store.ts';
import { columnsFromRows, sortedRows, tempStore } from './test-support.ts';

const DB = 'dfs://stream';
const DAY0 = 19723; // 2024.01.01
const SCHEME: PartitionScheme = { kind: 'VALUE', type: 'DATE', values: [DAY0, DAY0 + 1, DAY0 + 2] };
const SCHEMA = [
  { name: 'ts', type: 'DATETIME' },
  { name: 'qty', type: 'INT' },
] as const;

const rows = (day: number, ...qty: number[]): CellValue[][] =>
  qty.map((q, i) => [(DAY0 + day) * 86400 + i, q]);
const columns = (values: readonly (readonly CellValue[])[]): Column[] =>
  columnsFromRows(
    SCHEMA.map((c) => c.type),
    values,
  );

async function* chunksOf(...parts: Column[][]): AsyncGenerator<AppendChunk> {
  for (const part of parts) yield { columns: part };
}

describe('appendStream', () => {
  let handle: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let keys: string[];

  beforeEach(async () => {
    handle = await tempStore();
    store = handle.store;
    await createDatabase(store, DB, SCHEME);
    await createPartitionedTable(store, DB, 't', SCHEMA, ['ts']);
    const db = store.catalog.databases.get(DB);
    const table = db?.tables.get('t');
    if (db === undefined || table === undefined) throw new Error('the table was not created');
    keys = planRows(db, table, columns([...rows(0, 0), ...rows(1, 0), ...rows(2, 0)])).parts.map(
      (p) => p.key,
    );
  });
  afterEach(async () => handle.cleanup());

  async function tableRows(): Promise<CellValue[][]> {
    const snapshot = store.snapshot();
    try {
      return sortedRows(await snapshot.readTable(DB, 't'));
    } finally {
      snapshot.release();
    }
  }

  it('commits every chunk as one write, a segment per chunk and partition', async () => {
    const first = columns([...rows(0, 1, 2), ...rows(1, 3)]);
    const second = columns([...rows(1, 4), ...rows(2, 5, 6)]);
    const version = store.version;
    const effects = await appendStream(store, DB, 't', keys, chunksOf(first, second));
    expect(store.version).toBe(version + 1);
    expect(effects).toMatchObject({ kind: 'APPEND', rowsWritten: 6 });
    const segments = Object.fromEntries(
      effects.changes.map((c) => [c.kind === 'add-segments' ? c.partition : c.kind, c]),
    );
    const counts = keys.map((key) => {
      const change = segments[key];
      return change?.kind === 'add-segments' ? change.segments.length : 0;
    });
    expect(counts).toEqual([1, 2, 1]);
    expect(await tableRows()).toEqual(
      sortedRows(columns([...rows(0, 1, 2), ...rows(1, 3), ...rows(1, 4), ...rows(2, 5, 6)])),
    );
  });

  it('stays invisible when prepared, until publish', async () => {
    const chunk = columns(rows(2, 9));
    await appendStream(store.preparing('tx-9'), DB, 't', keys, chunksOf(chunk, chunk));
    expect(await tableRows()).toEqual([]);
    expect(store.preparedWrite('tx-9')).toMatchObject({ kind: 'APPEND', rowsWritten: 2 });
    await store.publish('tx-9');
    expect(await tableRows()).toHaveLength(2);
  });

  it('fails on a row outside the declared partitions, committing nothing and leaving no file', async () => {
    const version = store.version;
    const error = await appendStream(
      store,
      DB,
      't',
      keys.slice(0, 2),
      chunksOf(columns(rows(0, 1)), columns(rows(2, 2))),
    ).catch((e: unknown) => e);
    expect(isShoalError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(String(error)).toMatch(/did not declare/);
    expect(store.version).toBe(version);
    expect(await tableRows()).toEqual([]);
    expect((await filesUnder(handle.dir)).filter((f) => f.includes('/data/'))).toEqual([]);
  });
});
