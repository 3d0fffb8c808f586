// Proves the two-phase write of a store: a prepared write is durable but invisible and keeps
// its locks, across a reopen too; publish commits exactly it once; discard leaves no file.
// How: real stores in temp folders, checked through snapshots, files on disk and lock waits.

import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import type { ErrorCodeName } from '../core/errors.ts';
import type { PartitionScheme } from '../core/partition/index.ts';
import type { CellValue } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { columnValues } from '../core/types/column-ops.ts';
import { filesUnder } from './crash-test-support.ts';
import {
  addColumn,
  append,
  compactAll,
  createDatabase,
  createPartitionedTable,
  deleteRows,
  dropPartition,
  renameColumn,
  truncate,
  updateRows,
  upsert,
} from './index.ts';
import type { CommitEffects, Writer } from './index.ts';
import type { Store } from './store.ts';
import { DATA_DIR, segmentPath } from './store-paths.ts';
import { columnsFromRows, sortedRows, tempStore } from './test-support.ts';

const DB = 'dfs://prep';
const DAY0 = 19723; // 2024.01.01
const SCHEME: PartitionScheme = {
  kind: 'VALUE',
  type: 'DATE',
  values: [DAY0, DAY0 + 1, DAY0 + 2],
};
const SCHEMA = [
  { name: 'sym', type: 'SYMBOL' },
  { name: 'ts', type: 'DATETIME' },
  { name: 'qty', type: 'INT' },
] as const;
const TYPES = SCHEMA.map((c) => c.type);

const rowsOn = (day: number, ...qty: number[]): CellValue[][] =>
  qty.map((q, i) => [`S${q}`, (DAY0 + day) * 86400 + i, q]);
const columns = (rows: readonly (readonly CellValue[])[]): Column[] => columnsFromRows(TYPES, rows);

async function failure(promise: Promise<unknown>): Promise<ErrorCodeName | string> {
  return promise.then(
    () => 'no error',
    (error: unknown) => (isShoalError(error) ? error.kind : String(error)),
  );
}

async function tableRows(store: Store): Promise<CellValue[][]> {
  const snapshot = store.snapshot();
  try {
    return sortedRows(await snapshot.readTable(DB, 'trades'));
  } finally {
    snapshot.release();
  }
}

/** Files under data/ that the committed catalog does not name. */
async function uncommittedFiles(store: Store, dir: string): Promise<string[]> {
  const named = new Set<string>();
  for (const db of store.catalog.databases.values()) {
    for (const table of db.tables.values()) {
      for (const partition of table.partitions.values()) {
        for (const segment of partition.segments)
          named.add(segmentPath(dir, db.meta.id, table.meta.id, partition.key, segment.id));
      }
    }
  }
  return (await filesUnder(path.join(dir, DATA_DIR))).filter((file) => !named.has(file));
}

function segmentIds(effects: CommitEffects): number[] {
  return effects.changes.flatMap((c) =>
    c.kind === 'add-segments' ? c.segments.map((s) => s.id) : [],
  );
}

describe('prepared writes', () => {
  let handle: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  const seen: CommitEffects[] = [];

  beforeEach(async () => {
    handle = await tempStore({ lockTimeoutMillis: 100 });
    store = handle.store;
    await createDatabase(store, DB, SCHEME);
    await createPartitionedTable(store, DB, 'trades', SCHEMA, ['ts']);
    await append(store, DB, 'trades', columns(rowsOn(0, 1, 2)));
    seen.length = 0;
    store.onCommit((effects) => seen.push(effects));
  });
  afterEach(async () => handle.cleanup());

  it('prepares invisibly, keeps the partition locks, then publishes as one commit', async () => {
    const before = await tableRows(store);
    const version = store.version;
    const prepared = await append(store.preparing('tx-1'), DB, 'trades', columns(rowsOn(1, 7, 8)));
    expect(prepared).toMatchObject({ txId: 0, prepared: 'tx-1', kind: 'APPEND', rowsWritten: 2 });
    expect(store.version).toBe(version);
    expect(await tableRows(store)).toEqual(before);
    expect(seen).toEqual([]);
    expect(store.preparedTransactions()).toEqual(['tx-1']);
    expect(store.transactionStatus('tx-1')).toBe('prepared');
    expect(store.preparedWrite('tx-1')).toEqual({
      transaction: 'tx-1',
      kind: 'APPEND',
      db: DB,
      table: 'trades',
      rowsWritten: 2,
    });
    expect(await uncommittedFiles(store, handle.dir)).toHaveLength(1);

    // Its partition is locked; another partition is not.
    expect(await failure(append(store, DB, 'trades', columns(rowsOn(1, 9))))).toBe('LOCK_TIMEOUT');
    await append(store, DB, 'trades', columns(rowsOn(2, 5)));
    expect(seen).toHaveLength(1);

    const published = await store.publish('tx-1');
    expect(published).toMatchObject({ txId: version + 2, kind: 'APPEND', rowsWritten: 2 });
    expect(published?.prepared).toBeUndefined();
    expect(published?.changes).toEqual(prepared.changes);
    expect(seen.at(-1)).toBe(published);
    expect(store.version).toBe(version + 2);
    expect(await tableRows(store)).toEqual(
      sortedRows(columns([...rowsOn(0, 1, 2), ...rowsOn(1, 7, 8), ...rowsOn(2, 5)])),
    );
    expect(store.preparedTransactions()).toEqual([]);
    expect(await uncommittedFiles(store, handle.dir)).toEqual([]);
    await append(store, DB, 'trades', columns(rowsOn(1, 9))); // released

    // Repeated: recognised, nothing happens.
    expect(await store.publish('tx-1')).toBeUndefined();
    expect(store.transactionStatus('tx-1')).toBe('published');
    expect(await failure(store.discard('tx-1'))).toBe('INVALID_ARGUMENT');
    expect(
      await failure(append(store.preparing('tx-1'), DB, 'trades', columns(rowsOn(2, 1)))),
    ).toBe('INVALID_ARGUMENT');
    expect(store.version).toBe(version + 3);
  });

  it('discards: the files go, nothing becomes visible, the locks are released', async () => {
    const before = await tableRows(store);
    await upsert(store.preparing('tx-2'), DB, 'trades', columns(rowsOn(0, 1, 3)), ['sym', 'ts']);
    expect(await uncommittedFiles(store, handle.dir)).toHaveLength(1);
    await store.discard('tx-2');
    expect(await uncommittedFiles(store, handle.dir)).toEqual([]);
    expect(await tableRows(store)).toEqual(before);
    expect(store.preparedTransactions()).toEqual([]);
    expect(store.transactionStatus('tx-2')).toBe('unknown');
    await store.discard('tx-2'); // idempotent
    expect(await store.publish('tx-2')).toBeUndefined();
    await append(store, DB, 'trades', columns(rowsOn(0, 4))); // released
    expect(seen.map((e) => e.kind)).toEqual(['APPEND']);
  });

  it('keeps a prepared write across a reopen: invisible, locked, ids never reused', async () => {
    const prepared = await append(store.preparing('tx-3'), DB, 'trades', columns(rowsOn(1, 7)));
    const before = await tableRows(store);
    store = await handle.reopen();
    expect(store.preparedTransactions()).toEqual(['tx-3']);
    expect(await tableRows(store)).toEqual(before);
    expect(await uncommittedFiles(store, handle.dir)).toHaveLength(1);
    expect(await failure(append(store, DB, 'trades', columns(rowsOn(1, 9))))).toBe('LOCK_TIMEOUT');
    const other = await append(store, DB, 'trades', columns(rowsOn(2, 5)));
    expect(Math.min(...segmentIds(other))).toBeGreaterThan(Math.max(...segmentIds(prepared)));

    const published = await store.publish('tx-3');
    expect(published?.changes).toEqual(prepared.changes);
    expect(await tableRows(store)).toEqual(
      sortedRows(columns([...rowsOn(0, 1, 2), ...rowsOn(1, 7), ...rowsOn(2, 5)])),
    );
    store = await handle.reopen();
    expect(store.preparedTransactions()).toEqual([]);
    expect(store.transactionStatus('tx-3')).toBe('published');
    expect(await store.publish('tx-3')).toBeUndefined();
  });

  it('re-takes a prepared DDL lock at open, and discards after a reopen', async () => {
    await addColumn(store.preparing('ddl'), DB, 'trades', { name: 'note', type: 'STRING' });
    expect(store.catalog.databases.get(DB)?.tables.get('trades')?.meta.columns).toHaveLength(3);
    store = await handle.reopen();
    expect(await failure(append(store, DB, 'trades', columns(rowsOn(2, 1))))).toBe('LOCK_TIMEOUT');
    await store.discard('ddl');
    await append(store, DB, 'trades', columns(rowsOn(2, 1)));
    expect(store.catalog.databases.get(DB)?.tables.get('trades')?.meta.columns).toHaveLength(3);
  });

  it('publishes a plan with no change without a new version', async () => {
    const version = store.version;
    const none = {
      where: (b: { rows: number }) => new Uint8Array(b.rows),
      partitions: ['20240101'],
    };
    const prepared = await deleteRows(store.preparing('empty'), DB, 'trades', none);
    expect(prepared).toMatchObject({ txId: 0, prepared: 'empty', changes: [] });
    expect(await failure(append(store, DB, 'trades', columns(rowsOn(0, 3))))).toBe('LOCK_TIMEOUT');
    expect(await store.publish('empty')).toMatchObject({ txId: version, changes: [] });
    expect(store.version).toBe(version);
    expect(seen).toEqual([]);
    expect(store.transactionStatus('empty')).toBe('published');
    await append(store, DB, 'trades', columns(rowsOn(0, 3)));
  });

  it('runs every data and schema operation prepared, committing only at publish', async () => {
    const ops: [string, (w: Writer) => Promise<CommitEffects>][] = [
      ['update', (w) => updateRows(w, DB, 'trades', { partitions: ['20240101'] }, { qty: qty7 })],
      ['rename', (w) => renameColumn(w, DB, 'trades', 'qty', 'amount')],
      ['drop', (w) => dropPartition(w, DB, ['20240101'], 'trades')],
      ['truncate', (w) => truncate(w, DB, 'trades')],
      ['createTable', (w) => createPartitionedTable(w, DB, 'other', SCHEMA, ['ts'])],
    ];
    await append(store, DB, 'trades', columns(rowsOn(1, 3)));
    for (const [name, run] of ops) {
      const before = store.version;
      await run(store.preparing(name));
      expect(store.version, name).toBe(before);
      store = await handle.reopen();
      const effects = await store.publish(name);
      expect(effects?.txId, name).toBe(before + 1);
    }
    const snapshot = store.snapshot();
    try {
      expect(snapshot.table(DB, 'trades').meta.columns.map((c) => c.name)).toContain('amount');
      expect((await snapshot.readTable(DB, 'trades')).map(columnValues)).toEqual([[], [], []]);
      expect(snapshot.table(DB, 'other').meta.kind).toBe('partitioned');
    } finally {
      snapshot.release();
    }
    expect(await uncommittedFiles(store, handle.dir)).toEqual([]);
  });

  it('allows one prepared write per transaction, and checks the id', async () => {
    const slow = store.preparing('dup');
    const first = append(slow, DB, 'trades', columns(rowsOn(1, 1)));
    expect(await failure(append(slow, DB, 'trades', columns(rowsOn(2, 1))))).toBe(
      'INVALID_ARGUMENT',
    );
    await first;
    expect(await failure(append(store.preparing('dup'), DB, 'trades', columns(rowsOn(2, 1))))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(store.preparedTransactions()).toEqual(['dup']);
    for (const bad of ['', 'has space', 'x'.repeat(129), 'nul\u0000']) {
      expect(() => store.preparing(bad)).toThrow(/cluster transaction id/);
    }
  });

  it('aborts a prepare that a discard overtook, leaving nothing behind', async () => {
    const pending = append(store.preparing('late'), DB, 'trades', columns(rowsOn(1, 1)));
    await store.discard('late');
    expect(await failure(pending)).toBe('TRANSACTION_ABORTED');
    expect(store.preparedTransactions()).toEqual([]);
    expect(await uncommittedFiles(store, handle.dir)).toEqual([]);
    await append(store, DB, 'trades', columns(rowsOn(1, 1))); // released
  });

  it('remembers a bounded window of published transactions, across reopens', async () => {
    await handle.cleanup(); // this test needs a store of its own
    handle = await tempStore({ publishedTransactionsKept: 2 });
    store = handle.store;
    await createDatabase(store, DB, SCHEME);
    await createPartitionedTable(store, DB, 'trades', SCHEMA, ['ts']);
    for (const [i, tx] of ['a', 'b', 'c'].entries()) {
      await append(store.preparing(tx), DB, 'trades', columns(rowsOn(i, 1)));
      await store.publish(tx);
    }
    store = await handle.reopen();
    expect(['a', 'b', 'c'].map((tx) => store.transactionStatus(tx))).toEqual([
      'unknown',
      'published',
      'published',
    ]);
    await append(store.preparing('d'), DB, 'trades', columns(rowsOn(0, 2)));
    await store.publish('d');
    store = await handle.reopen();
    expect(['b', 'c', 'd'].map((tx) => store.transactionStatus(tx))).toEqual([
      'unknown',
      'published',
      'published',
    ]);
  });

  it('lets compaction skip a partition a prepared write holds instead of waiting', async () => {
    for (const q of [3, 4, 5]) await append(store, DB, 'trades', columns(rowsOn(0, q)));
    await append(store.preparing('hold'), DB, 'trades', columns(rowsOn(0, 6)));
    expect(await compactAll(store)).toBe(0);
    await store.publish('hold');
    expect(await compactAll(store)).toBe(1);
    const all = [1, 2].map((q) => rowsOn(0, 1, 2)[q - 1] as CellValue[]);
    for (const q of [3, 4, 5, 6]) all.push(...rowsOn(0, q));
    expect(await tableRows(store)).toEqual(sortedRows(columns(all)));
  });

  it('refuses to open when a file a prepared entry names is missing', async () => {
    await append(store.preparing('lost'), DB, 'trades', columns(rowsOn(1, 1)));
    const [file] = await uncommittedFiles(store, handle.dir);
    await handle.store.close();
    await handle.store.fs.unlink(file as string);
    const error = await handle.reopen().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isShoalError(error, 'CORRUPT_DATA')).toBe(true);
    expect((error as Error).message).toMatch(/prepared under cluster transaction lost/);
  });
});

function qty7(batch: { rows: number }): Column {
  return { type: 'INT', data: new Int32Array(batch.rows).fill(7) };
}
