// The compaction benchmark: a partition of 1,000,000 tutorial rows in 100 small segments
// (appends of 10,000 rows, as a stream of small writes leaves it), compacted with the bounded
// merges of COMPACTION_MAX_MERGE_BYTES and, in the same run, merged whole in one write (the
// behaviour before the bound). Reported: how long each took, the segments left, and the
// longest the process's event loop waited meanwhile: on a data node that is the longest a
// request waits behind compaction. The partition's lock is held for one merge at a time.

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { TUTORIAL_DB, TUTORIAL_TABLE, tutorialColumns } from '../src/cli/tutorial-data.ts';
import { COMPACTION_MAX_MERGE_BYTES } from '../src/core/limits.ts';
import { takeRows } from '../src/core/types/column-ops.ts';
import { append, compactAll, formatChecksum } from '../src/storage/index.ts';
import type { Store } from '../src/storage/index.ts';
import { tempStore } from '../src/storage/test-support.ts';
import { createTutorialTables } from './tutorial-store.ts';

const APPENDS = 100;
const ROWS_PER_APPEND = 10_000;

export interface CompactionRun {
  readonly millis: number;
  readonly segmentsAfter: number;
  readonly maxEventLoopDelayMillis: number;
}

export interface CompactionResult {
  readonly rows: number;
  readonly segmentsBefore: number;
  readonly maxMergeBytes: number;
  readonly bounded: CompactionRun;
  readonly whole: CompactionRun;
  /** The whole merge's longest event loop wait over the bounded merges'. */
  readonly eventLoopDelayRatio: number;
}

export async function benchCompaction(): Promise<CompactionResult> {
  const bounded = await compactOnce(COMPACTION_MAX_MERGE_BYTES);
  const whole = await compactOnce(Number.POSITIVE_INFINITY);
  return {
    rows: APPENDS * ROWS_PER_APPEND,
    segmentsBefore: APPENDS,
    maxMergeBytes: COMPACTION_MAX_MERGE_BYTES,
    bounded,
    whole,
    eventLoopDelayRatio: round(whole.maxEventLoopDelayMillis / bounded.maxEventLoopDelayMillis),
  };
}

/** Fills a new store's partition with small segments and compacts it in merges of `maxBytes`. */
async function compactOnce(maxBytes: number): Promise<CompactionRun> {
  const handle = await tempStore();
  try {
    const { store } = handle;
    await createTutorialTables(store, [TUTORIAL_TABLE]);
    const columns = tutorialColumns();
    for (let i = 0; i < APPENDS; i++) {
      const rows = Uint32Array.from({ length: ROWS_PER_APPEND }, (_, r) => i * ROWS_PER_APPEND + r);
      await append(
        store,
        TUTORIAL_DB,
        TUTORIAL_TABLE,
        columns.map((c) => takeRows(c, rows)),
      );
    }
    const before = await checksum(store);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const start = performance.now();
    const partitions = await compactAll(store, maxBytes);
    const millis = performance.now() - start;
    delay.disable();
    if (partitions !== 1 || (await checksum(store)) !== before) {
      throw new Error(`compaction changed the table or left it (${partitions} partitions)`);
    }
    return {
      millis: round(millis),
      segmentsAfter: segmentCount(store),
      maxEventLoopDelayMillis: round(delay.max / 1e6),
    };
  } finally {
    await handle.cleanup();
  }
}

async function checksum(store: Store): Promise<string> {
  const snapshot = store.snapshot();
  try {
    return formatChecksum((await snapshot.checksum(TUTORIAL_DB, TUTORIAL_TABLE)).table);
  } finally {
    snapshot.release();
  }
}

function segmentCount(store: Store): number {
  const snapshot = store.snapshot();
  try {
    const table = snapshot.table(TUTORIAL_DB, TUTORIAL_TABLE);
    return [...table.partitions.values()].reduce((n, p) => n + p.segments.length, 0);
  } finally {
    snapshot.release();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
