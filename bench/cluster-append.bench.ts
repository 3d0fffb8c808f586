// The cluster append benchmark (issue: clusters): the seed tutorial's 1,210,000-row table
// appended through the SDK over HTTP to a real cluster (1 controller + 2 data nodes, separate
// processes on loopback, two-phase commit over both owners), against the same append into an
// embedded store in this process, measured in the same run. Target: ratio ≥ 0.7.
//
// The two appends alternate, and each pair gives a ratio: a slow spell of the machine then
// falls on both sides of a pair, not on one side's whole series. Both sides also start from the
// same memory: each repeat removes what it wrote (the embedded store its folder, the cluster its
// table), so the next one's page cache reuses those pages. On a VM whose host takes back the
// memory the guest frees (a balloon's free page reporting), a page never used before costs
// microseconds to fault in: 70 MB of new page cache added ~150 ms to a write, on whichever side
// happened to need new pages.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  TUTORIAL_DB,
  TUTORIAL_ROWS,
  TUTORIAL_SCHEMA,
  tutorialColumns,
} from '../src/cli/tutorial-data.ts';
import { connect } from '../src/client/index.ts';
import type { Connection } from '../src/client/index.ts';
import type { Column } from '../src/core/types/column.ts';
import { startTestCluster, TEST_ADMIN_PASSWORD } from '../src/cluster/process/test-cluster.ts';
import { append, Store } from '../src/storage/index.ts';
import { median } from './machine.ts';
import { createTutorialTables } from './tutorial-store.ts';

/** Pairs measured, after WARMUP_PAIRS that are not (the nodes' code compiles, pages recycle). */
const REPEATS = 11;
const WARMUP_PAIRS = 2;

export interface ClusterAppendResult {
  readonly rows: number;
  readonly sdkMillis: number;
  readonly sdkRowsPerSec: number;
  readonly inProcessMillis: number;
  /** Median over the pairs of in-process time / SDK time: the SDK's share (target ≥ 0.7). */
  readonly ratioToInProcess: number;
}

const schemaText = TUTORIAL_SCHEMA.map((c) => `${c.name} ${c.type}`).join(', ');

export async function benchClusterAppend(): Promise<ClusterAppendResult> {
  const columns = tutorialColumns();
  const sdkTimes: number[] = [];
  const inProcessTimes: number[] = [];
  const cluster = await startTestCluster({ dataNodes: 2 });
  try {
    const sdk = await connect(cluster.dataNodeUrls[0] as string, {
      user: 'admin',
      password: TEST_ADMIN_PASSWORD,
      timeoutMillis: 300_000,
    });
    try {
      await sdk.run(
        `create database "${TUTORIAL_DB}" partitioned by VALUE(2023.01.01..2023.12.31)`,
      );
      for (let i = 0; i < WARMUP_PAIRS + REPEATS; i++) {
        const sdkMillis = await sdkAppend(sdk, `t${i}`, columns);
        const inProcessMillis = await inProcessAppend(columns);
        if (i < WARMUP_PAIRS) continue;
        sdkTimes.push(sdkMillis);
        inProcessTimes.push(inProcessMillis);
      }
    } finally {
      await sdk.close();
    }
  } finally {
    await cluster.stop();
  }
  const sdkMillis = median(sdkTimes);
  return {
    rows: TUTORIAL_ROWS,
    sdkMillis: round(sdkMillis),
    sdkRowsPerSec: Math.round(TUTORIAL_ROWS / (sdkMillis / 1000)),
    inProcessMillis: round(median(inProcessTimes)),
    ratioToInProcess: round(median(inProcessTimes.map((time, i) => time / sdkTimes[i]!))),
  };
}

/** One append of `columns` to a new table through the SDK, then the table dropped; its time. */
async function sdkAppend(
  sdk: Connection,
  table: string,
  columns: readonly Column[],
): Promise<number> {
  await sdk.run(`create table "${TUTORIAL_DB}"."${table}"(${schemaText}) partitioned by DateTime`);
  const start = performance.now();
  const rows = await sdk.append(TUTORIAL_DB, table, columns);
  const millis = performance.now() - start;
  if (rows !== TUTORIAL_ROWS) throw new Error(`the cluster appended ${rows} rows`);
  await sdk.run(`drop table "${TUTORIAL_DB}"."${table}"`);
  return millis;
}

// The same columns as the SDK sent, made before any clock starts (as in the storage bench):
// only the append is timed.
async function inProcessAppend(columns: readonly Column[]): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-bench-'));
  const store = await Store.open({ dir });
  try {
    await createTutorialTables(store, ['t']);
    const start = performance.now();
    await append(store, TUTORIAL_DB, 't', columns);
    return performance.now() - start;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
