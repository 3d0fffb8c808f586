// Proves background compaction merges small segments by itself, keeps the content (same
// checksum), merges a large partition in bounded merges, and lets a reader holding an older
// snapshot finish reading the old files.

import { afterEach, describe, expect, it } from 'vitest';
import { columnsFromRows, tempStore } from './test-support.ts';
import type { SegmentState } from './catalog.ts';
import { compactionMerges } from './compaction.ts';
import {
  append,
  compactAll,
  createDatabase,
  createPartitionedTable,
  formatChecksum,
  startCompaction,
} from './index.ts';
import { partitionLock } from './lock-names.ts';
import type { Store } from './store.ts';

const DB = 'dfs://compact';

async function waitFor(condition: () => boolean, deadlineMillis: number): Promise<void> {
  const until = Date.now() + deadlineMillis;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`condition not met within ${deadlineMillis} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function segments(store: Store): readonly SegmentState[] {
  const snapshot = store.snapshot();
  try {
    return snapshot.table(DB, 't').partitions.get('0_100')?.segments ?? [];
  } finally {
    snapshot.release();
  }
}

function segmentCount(store: Store): number {
  return segments(store).length;
}

const MiB = 1 << 20;

/** A segment of `rows` rows, `deleted` of them deleted, `bytes` on disk. */
function segment(id: number, rows: number, bytes: number, deleted = 0): SegmentState {
  return { id, rows, bytes, crc32: 0, deleted: Uint32Array.from({ length: deleted }, (_, i) => i) };
}

/** The ids of each merge compactionMerges makes in a partition of `list` (8 MiB merges). */
function mergeIds(list: readonly SegmentState[]): number[][] {
  return compactionMerges({ key: 'p', segments: list }, 8 * MiB).map((merge) =>
    merge.map((s) => s.id),
  );
}

describe('compactionMerges', () => {
  it('leaves fewer than four small segments alone, but rewrites a mostly deleted one', () => {
    expect(mergeIds([segment(1, 10, MiB), segment(2, 10, MiB), segment(3, 10, MiB)])).toEqual([]);
    expect(mergeIds([segment(1, 10, MiB), segment(2, 10, MiB, 5), segment(3, 10, MiB)])).toEqual([
      [2],
    ]);
  });

  it('merges small segments in order, in groups of at most the merge bytes', () => {
    const six = [1, 2, 3, 4, 5, 6].map((id) => segment(id, 1000, 3 * MiB));
    expect(mergeIds(six)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('counts live bytes only, and leaves a group of one alone unless mostly deleted', () => {
    // Half deleted, 2 and 3 count 2 MiB each; 5 is too large to join and alone.
    const list = [
      segment(1, 1000, 4 * MiB),
      segment(2, 1000, 4 * MiB, 500),
      segment(3, 1000, 4 * MiB, 500),
      segment(4, 1000, 6 * MiB),
      segment(5, 1000, 9 * MiB),
    ];
    expect(mergeIds(list)).toEqual([[1, 2, 3]]);
    const sparseAlone = [...list.slice(0, 4), segment(5, 1000, 9 * MiB, 600)];
    expect(mergeIds(sparseAlone)).toEqual([[1, 2, 3], [5]]);
  });

  it('rewrites a large mostly deleted segment alone', () => {
    const small = [1, 2, 3, 4].map((id) => segment(id, 10, MiB));
    expect(mergeIds([segment(9, 200_000, 64 * MiB, 120_000), ...small])).toEqual([
      [9],
      [1, 2, 3, 4],
    ]);
  });
});

describe('background compaction', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(async () => cleanup());

  /** A new store whose table `t` has `count` one-row segments in one partition. */
  async function withOneRowSegments(count: number): Promise<Store> {
    const handle = await tempStore();
    cleanup = handle.cleanup;
    const store = handle.store;
    await createDatabase(store, DB, { kind: 'RANGE', type: 'INT', boundaries: [0, 100] });
    await createPartitionedTable(store, DB, 't', [{ name: 'k', type: 'INT' }], ['k']);
    for (let i = 0; i < count; i++) await append(store, DB, 't', columnsFromRows(['INT'], [[i]]));
    return store;
  }

  it('merges small segments while an old snapshot still reads its files', async () => {
    const handle = await tempStore();
    cleanup = handle.cleanup;
    const store = handle.store;
    await createDatabase(store, DB, { kind: 'RANGE', type: 'INT', boundaries: [0, 100] });
    await createPartitionedTable(
      store,
      DB,
      't',
      [
        { name: 'k', type: 'INT' },
        { name: 'v', type: 'STRING' },
      ],
      ['k'],
    );
    for (let i = 0; i < 6; i++)
      await append(store, DB, 't', columnsFromRows(['INT', 'STRING'], [[i, `v${i}`]]));
    expect(segmentCount(store)).toBe(6);
    const old = store.snapshot();
    const before = formatChecksum((await old.checksum(DB, 't')).table);
    const compaction = startCompaction(store, 5);
    try {
      await waitFor(() => segmentCount(store) === 1, 10_000);
    } finally {
      await compaction.stop();
    }
    expect(compaction.lastError()).toBeUndefined();
    expect(formatChecksum((await old.checksum(DB, 't')).table)).toBe(before);
    old.release();
    const now = store.snapshot();
    expect(formatChecksum((await now.checksum(DB, 't')).table)).toBe(before);
    now.release();
  });

  it('skips a partition a write holds, without waiting, and merges it in a later pass', async () => {
    const store = await withOneRowSegments(5);
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const holder = store.write('holder', [partitionLock(DB, 't', '0_100')], async () => {
      await gate;
      return { kind: 'APPEND', db: DB, table: 't', rowsWritten: 0, changes: [] };
    });
    await new Promise((resolve) => setImmediate(resolve)); // the holder has its lock
    expect(await compactAll(store)).toBe(0);
    expect(segmentCount(store)).toBe(5);
    open();
    await holder;
    expect(await compactAll(store)).toBe(1);
    expect(segmentCount(store)).toBe(1);
  });

  it('merges a partition larger than one merge in bounded merges, content unchanged', async () => {
    const store = await withOneRowSegments(12);
    const sizes = new Set(segments(store).map((s) => s.bytes));
    expect(sizes.size).toBe(1); // alike, so that four fit a merge exactly
    const before = store.snapshot();
    const checksum = formatChecksum((await before.checksum(DB, 't')).table);
    before.release();
    expect(await compactAll(store, 4 * ([...sizes][0] as number))).toBe(1);
    expect(segments(store).map((s) => s.rows)).toEqual([4, 4, 4]);
    const after = store.snapshot();
    expect(formatChecksum((await after.checksum(DB, 't')).table)).toBe(checksum);
    after.release();
    // Three small segments are fewer than a merge needs: the next pass leaves them.
    expect(await compactAll(store, 4 * ([...sizes][0] as number))).toBe(0);
  });
});
