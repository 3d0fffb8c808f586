// Proves prepared and direct writes mix as the model says: a prepared write changes nothing a
// reader sees until it is published, then exactly what its operation does; discarded, nothing;
// its partitions stay locked meanwhile, across reopens. How: fast-check runs random sequences
// of prepares, direct writes (on partitions no prepared write holds), publishes and discards
// in any order, and reopens, on a store and on sim/storage-model.ts, comparing after each step.

import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import { partitionKeys } from '../core/partition/index.ts';
import type { PartitionScheme } from '../core/partition/index.ts';
import type { CellValue } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import * as model from '../../sim/storage-model.ts';
import type { ModelColumn, Row, StorageModel } from '../../sim/storage-model.ts';
import { filesUnder } from './crash-test-support.ts';
import * as store from './index.ts';
import type { RowBatch, Store, Writer } from './index.ts';
import { DATA_DIR, segmentPath } from './store-paths.ts';
import { sortedRows, tempStore } from './test-support.ts';

const DB = 'dfs://twophase';
const TABLE = 'trades';
const DAY0 = 19723; // 2024.01.01
const DAYS = 4;
const SCHEME: PartitionScheme = {
  kind: 'VALUE',
  type: 'DATE',
  values: Array.from({ length: DAYS }, (_, i) => DAY0 + i),
};
const KEYS = partitionKeys(SCHEME);
const COLUMNS: readonly ModelColumn[] = [
  { name: 'sym', type: 'SYMBOL' },
  { name: 'ts', type: 'DATETIME' },
  { name: 'px', type: 'DOUBLE' },
  { name: 'qty', type: 'INT' },
];

// ---- generated operations ----------------------------------------------------------------

interface RowSpec {
  readonly sec: number;
  readonly sym: string;
  readonly qty: number;
}

type WriteKind = 'append' | 'upsert' | 'delete' | 'update';

/** A write on some partitions; `days` pick among the partitions free when it runs. */
interface WriteSpec {
  readonly kind: WriteKind;
  readonly days: readonly number[];
  readonly rows: readonly RowSpec[];
  readonly k: number;
}

type Op =
  | { readonly kind: 'prepare'; readonly write: WriteSpec }
  | { readonly kind: 'direct'; readonly write: WriteSpec }
  | { readonly kind: 'blocked'; readonly pick: number }
  | { readonly kind: 'publish'; readonly pick: number }
  | { readonly kind: 'discard'; readonly pick: number }
  | { readonly kind: 'repeat'; readonly pick: number }
  | { readonly kind: 'reopen' };

const rowSpec: fc.Arbitrary<RowSpec> = fc.record({
  sec: fc.constantFrom(0, 60, 3600),
  sym: fc.constantFrom('A', 'B', 'C'),
  qty: fc.integer({ min: 0, max: 20 }),
});
const writeSpec: fc.Arbitrary<WriteSpec> = fc.record({
  kind: fc.constantFrom<WriteKind>('append', 'append', 'upsert', 'delete', 'update'),
  days: fc.uniqueArray(fc.nat(DAYS - 1), { minLength: 1, maxLength: 2 }),
  rows: fc.array(rowSpec, { minLength: 1, maxLength: 5 }),
  k: fc.integer({ min: 0, max: 20 }),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('prepare'), write: writeSpec }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('direct'), write: writeSpec }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('blocked'), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('publish'), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('discard'), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat'), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen') }) },
);

// ---- the harness -------------------------------------------------------------------------

/** A write prepared on the store, waiting: its partitions and what publishing does. */
interface Pending {
  readonly days: ReadonlySet<number>;
  readonly onModel: (m: StorageModel) => StorageModel;
}

interface Harness {
  handle: Awaited<ReturnType<typeof tempStore>>;
  model: StorageModel;
  readonly pending: Map<string, Pending>;
  readonly published: string[];
  nextTx: number;
}

/** A write's two sides: on any Writer (direct or preparing) and on the model. */
interface Write {
  readonly days: ReadonlySet<number>;
  readonly onStore: (w: Writer) => Promise<unknown>;
  readonly onModel: (m: StorageModel) => StorageModel;
}

function rowsOf(spec: WriteSpec, days: readonly number[]): Row[] {
  return spec.rows.map((r, i) => {
    const day = days[i % days.length] as number;
    return [r.sym, (DAY0 + day) * 86400 + r.sec, r.qty / 4, r.qty];
  });
}

function columnsOf(rows: readonly Row[]): Column[] {
  return COLUMNS.map((c, i) =>
    columnFromValues(
      c.type,
      rows.map((row) => row[i] as CellValue),
    ),
  );
}

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

/** The write `spec` on the free partitions it picks; undefined when none is free. */
function writeFor(spec: WriteSpec, held: ReadonlySet<number>): Write | undefined {
  const free = Array.from({ length: DAYS }, (_, d) => d).filter((d) => !held.has(d));
  if (free.length === 0) return undefined;
  const picked = [...new Set(spec.days.map((d) => free[d % free.length] as number))];
  const rows = rowsOf(spec, picked);
  // Row writes lock the partitions their rows fall in; delete and update those they name.
  const rowWrite = spec.kind === 'append' || spec.kind === 'upsert';
  const days = rowWrite ? picked.slice(0, rows.length) : picked;
  const keys = days.map((d) => KEYS[d] as string);
  const where = qtyAbove(spec.k);
  const px = spec.k / 2;
  const set = (b: RowBatch) => columnFromValues('DOUBLE', new Array<number>(b.rows).fill(px));
  const write = (onStore: Write['onStore'], onModel: Write['onModel']): Write => ({
    days: new Set(days),
    onStore,
    onModel,
  });
  switch (spec.kind) {
    case 'append':
      return write(
        (w) => store.append(w, DB, TABLE, columnsOf(rows)),
        (m) => model.append(m, DB, TABLE, rows),
      );
    case 'upsert':
      return write(
        (w) => store.upsert(w, DB, TABLE, columnsOf(rows), ['sym', 'ts']),
        (m) => model.upsert(m, DB, TABLE, rows, ['sym', 'ts']),
      );
    case 'delete':
      return write(
        (w) => store.deleteRows(w, DB, TABLE, { where: filterOf(where), partitions: keys }),
        (m) => model.deleteRows(m, DB, TABLE, where, keys),
      );
    case 'update':
      return write(
        (w) =>
          store.updateRows(w, DB, TABLE, { where: filterOf(where), partitions: keys }, { px: set }),
        (m) => model.updateRows(m, DB, TABLE, where, { px: () => px }, keys),
      );
  }
}

function heldDays(h: Harness): Set<number> {
  return new Set([...h.pending.values()].flatMap((p) => [...p.days]));
}

function pick<T>(list: readonly T[], i: number): T | undefined {
  return list.length === 0 ? undefined : list[i % list.length];
}

async function runStep(h: Harness, o: Op): Promise<void> {
  const s = h.handle.store;
  switch (o.kind) {
    case 'prepare': {
      const write = writeFor(o.write, heldDays(h));
      if (write === undefined) return;
      const tx = `tx-${h.nextTx++}`;
      const version = s.version;
      const effects = await write.onStore(s.preparing(tx));
      expect(effects).toMatchObject({ txId: 0, prepared: tx });
      expect(s.version, 'a prepare committed').toBe(version);
      h.pending.set(tx, { days: write.days, onModel: write.onModel });
      return;
    }
    case 'direct': {
      const write = writeFor(o.write, heldDays(h));
      if (write === undefined) return;
      await write.onStore(s);
      h.model = write.onModel(h.model);
      return;
    }
    case 'blocked':
      return expectBlocked(h, o.pick);
    case 'publish': {
      const tx = pick([...h.pending.keys()], o.pick);
      if (tx === undefined) return;
      const effects = await s.publish(tx);
      expect(effects, `publish ${tx}`).toBeDefined();
      h.model = (h.pending.get(tx) as Pending).onModel(h.model);
      h.pending.delete(tx);
      h.published.push(tx);
      return;
    }
    case 'discard': {
      const tx = pick([...h.pending.keys()], o.pick);
      if (tx === undefined) return;
      await s.discard(tx);
      h.pending.delete(tx);
      return;
    }
    case 'repeat': {
      const tx = pick(h.published, o.pick);
      if (tx === undefined) return;
      const version = s.version;
      expect(await s.publish(tx), `publish ${tx} again`).toBeUndefined();
      expect(s.version).toBe(version);
      expect(s.transactionStatus(tx)).toBe('published');
      return;
    }
    case 'reopen':
      // Recovery re-takes the locks of every prepared write before serving writes.
      await h.handle.reopen();
      return expectBlocked(h, 0);
  }
}

/** A direct append to a partition a prepared write holds (the `pick`-th) times out. */
async function expectBlocked(h: Harness, pickAt: number): Promise<void> {
  const day = pick([...heldDays(h)], pickAt);
  if (day === undefined) return;
  const rows = rowsOf({ kind: 'append', days: [day], rows: [{ sec: 1, sym: 'Z', qty: 1 }], k: 0 }, [
    day,
  ]);
  const error = await store.append(h.handle.store, DB, TABLE, columnsOf(rows)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isShoalError(error, 'LOCK_TIMEOUT'), `append to held day ${day}`).toBe(true);
}

/** Readers see the model; the store lists exactly the pending transactions. */
async function expectAgrees(h: Harness): Promise<void> {
  const s = h.handle.store;
  expect(s.preparedTransactions().sort()).toEqual([...h.pending.keys()].sort());
  const snapshot = s.snapshot();
  try {
    expect(sortedRows(await snapshot.readTable(DB, TABLE))).toEqual(
      sortedRows(model.tableColumns(h.model, DB, TABLE)),
    );
    const sums = await snapshot.checksum(DB, TABLE);
    expect(store.formatChecksum(sums.table)).toBe(
      store.formatChecksum(model.tableChecksum(h.model, DB, TABLE)),
    );
    const live = [...sums.partitions].filter(([, sum]) => sum.rows > 0);
    expect(new Map(live.map(([key, sum]) => [key, store.formatChecksum(sum)]))).toEqual(
      new Map(
        [...model.partitionChecksums(h.model, DB, TABLE)].map(([key, sum]) => [
          key,
          store.formatChecksum(sum),
        ]),
      ),
    );
  } finally {
    snapshot.release();
  }
}

/** Every file under data/ is a committed segment (once nothing is pending). */
async function expectOnlyCommittedFiles(s: Store, dir: string): Promise<void> {
  const named: string[] = [];
  for (const db of s.catalog.databases.values()) {
    for (const table of db.tables.values()) {
      for (const partition of table.partitions.values()) {
        for (const segment of partition.segments)
          named.push(segmentPath(dir, db.meta.id, table.meta.id, partition.key, segment.id));
      }
    }
  }
  expect((await filesUnder(path.join(dir, DATA_DIR))).sort()).toEqual(named.sort());
}

async function setUp(): Promise<Harness> {
  const handle = await tempStore({ lockTimeoutMillis: 20 });
  await store.createDatabase(handle.store, DB, SCHEME);
  await store.createPartitionedTable(handle.store, DB, TABLE, COLUMNS, ['ts']);
  let m = model.createDatabase(model.EMPTY_MODEL, DB, SCHEME);
  m = model.createPartitionedTable(m, DB, TABLE, COLUMNS, ['ts']);
  return { handle, model: m, pending: new Map(), published: [], nextTx: 1 };
}

describe('prepared and direct writes against the model', () => {
  it('agrees after every step, and after resolving what is left', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 16 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        async (ops, publishLeft) => {
          const h = await setUp();
          try {
            for (const o of ops) {
              await runStep(h, o);
              await expectAgrees(h);
            }
            for (const [i, tx] of [...h.pending.keys()].entries()) {
              await runStep(h, {
                kind: publishLeft[i % publishLeft.length] ? 'publish' : 'discard',
                pick: 0,
              });
              expect(h.pending.has(tx)).toBe(false);
              await expectAgrees(h);
            }
            await h.handle.reopen();
            await expectAgrees(h);
            await expectOnlyCommittedFiles(h.handle.store, h.handle.dir);
          } finally {
            await h.handle.cleanup();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
