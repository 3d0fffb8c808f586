// Proves background compaction merges small segments by itself, keeps the content (same
// checksum) and lets a reader holding an older snapshot finish reading the old files.

import { afterEach, describe, expect, it } from 'vitest';
import { columnsFromRows, tempStore } from './test-support.ts';
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

function segmentCount(store: Store): number {
  const snapshot = store.snapshot();
  try {
    return snapshot.table(DB, 't').partitions.get('0_100')?.segments.length ?? 0;
  } finally {
    snapshot.release();
  }
}

describe('background compaction', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(async () => cleanup());

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
    const handle = await tempStore();
    cleanup = handle.cleanup;
    const store = handle.store;
    await createDatabase(store, DB, { kind: 'RANGE', type: 'INT', boundaries: [0, 100] });
    await createPartitionedTable(store, DB, 't', [{ name: 'k', type: 'INT' }], ['k']);
    for (let i = 0; i < 5; i++) await append(store, DB, 't', columnsFromRows(['INT'], [[i]]));
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
});
