// The storage append benchmark (issue: foundation): the seed tutorial's 1,210,000-row,
// 9-column table appended in one call, against the physical floor measured in the same run:
// writing and fsyncing the same number of bytes with plain node:fs.

import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  TUTORIAL_DB,
  TUTORIAL_ROWS,
  TUTORIAL_TABLE,
  tutorialColumns,
} from '../src/cli/tutorial-data.ts';
import { append, formatChecksum, Store } from '../src/storage/index.ts';
import { median } from './machine.ts';
import { createTutorialTables } from './tutorial-store.ts';

const REPEATS = 5;

export interface StorageAppendResult {
  readonly rows: number;
  readonly bytes: number;
  readonly appendMillis: number;
  readonly rowsPerSec: number;
  readonly floorMillis: number;
  readonly ratioToFloor: number;
  readonly checksumRowsPerSec: number;
  readonly checksum: string;
}

export async function benchStorageAppend(): Promise<StorageAppendResult> {
  const columns = tutorialColumns();
  const appendTimes: number[] = [];
  const floorTimes: number[] = [];
  const checksumTimes: number[] = [];
  let bytes = 0;
  let checksum = '';
  for (let i = 0; i < REPEATS; i++) {
    const dir = await mkdtemp(path.join(tmpdir(), 'shoal-bench-'));
    const store = await Store.open({ dir });
    try {
      await createTutorialTables(store, [TUTORIAL_TABLE]);
      const start = performance.now();
      const effects = await append(store, TUTORIAL_DB, TUTORIAL_TABLE, columns);
      appendTimes.push(performance.now() - start);
      bytes = effects.changes.reduce(
        (n, c) => n + (c.kind === 'add-segments' ? c.segments.reduce((m, s) => m + s.bytes, 0) : 0),
        0,
      );
      floorTimes.push(await physicalFloor(dir, bytes));
      const snapshot = store.snapshot();
      const checksumStart = performance.now();
      checksum = formatChecksum((await snapshot.checksum(TUTORIAL_DB, TUTORIAL_TABLE)).table);
      checksumTimes.push(performance.now() - checksumStart);
      snapshot.release();
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  const appendMillis = median(appendTimes);
  const floorMillis = median(floorTimes);
  return {
    rows: TUTORIAL_ROWS,
    bytes,
    appendMillis: round(appendMillis),
    rowsPerSec: Math.round(TUTORIAL_ROWS / (appendMillis / 1000)),
    floorMillis: round(floorMillis),
    ratioToFloor: round(appendMillis / floorMillis),
    checksumRowsPerSec: Math.round(TUTORIAL_ROWS / (median(checksumTimes) / 1000)),
    checksum,
  };
}

/** Writes and fsyncs `bytes` bytes with plain node:fs in the same folder; milliseconds. */
async function physicalFloor(dir: string, bytes: number): Promise<number> {
  const buffer = Buffer.alloc(bytes, 7);
  const file = path.join(dir, 'floor.bin');
  const start = performance.now();
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(buffer);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return performance.now() - start;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
