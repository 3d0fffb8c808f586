// The cluster append benchmark (issue: clusters): the seed tutorial's 1,210,000-row table
// appended through the SDK over HTTP to a real cluster (1 controller + 2 data nodes, separate
// processes on loopback, two-phase commit over both owners), against the same append into an
// embedded store in this process, measured in the same run. Target: ratio ≥ 0.7.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  TUTORIAL_DB,
  TUTORIAL_ROWS,
  TUTORIAL_SCHEMA,
  tutorialColumns,
  tutorialSchemeValues,
} from '../src/cli/tutorial-data.ts';
import { connect } from '../src/client/index.ts';
import type { Column } from '../src/core/types/column.ts';
import { startTestCluster, TEST_ADMIN_PASSWORD } from '../src/cluster/process/test-cluster.ts';
import { append, createDatabase, createPartitionedTable, Store } from '../src/storage/index.ts';
import { median } from './machine.ts';

const REPEATS = 3;

export interface ClusterAppendResult {
  readonly rows: number;
  readonly sdkMillis: number;
  readonly sdkRowsPerSec: number;
  readonly inProcessMillis: number;
  /** In-process time / SDK time: the SDK's share of embedded throughput (target ≥ 0.7). */
  readonly ratioToInProcess: number;
}

const schemaText = TUTORIAL_SCHEMA.map((c) => `${c.name} ${c.type}`).join(', ');

export async function benchClusterAppend(): Promise<ClusterAppendResult> {
  const columns = tutorialColumns();
  const cluster = await startTestCluster({ dataNodes: 2 });
  const sdkTimes: number[] = [];
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
      for (let i = 0; i < REPEATS; i++) {
        await sdk.run(
          `create table "${TUTORIAL_DB}"."t${i}"(${schemaText}) partitioned by DateTime`,
        );
        const start = performance.now();
        const rows = await sdk.append(TUTORIAL_DB, `t${i}`, columns);
        sdkTimes.push(performance.now() - start);
        if (rows !== TUTORIAL_ROWS) throw new Error(`the cluster appended ${rows} rows`);
      }
    } finally {
      await sdk.close();
    }
  } finally {
    await cluster.stop();
  }
  const inProcessMillis = await inProcessAppend(columns);
  const sdkMillis = median(sdkTimes);
  return {
    rows: TUTORIAL_ROWS,
    sdkMillis: round(sdkMillis),
    sdkRowsPerSec: Math.round(TUTORIAL_ROWS / (sdkMillis / 1000)),
    inProcessMillis: round(inProcessMillis),
    ratioToInProcess: round(inProcessMillis / sdkMillis),
  };
}

// The same columns as the SDK sent, made before any clock starts (as in the storage bench):
// only the append is timed.
async function inProcessAppend(columns: readonly Column[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const dir = await mkdtemp(path.join(tmpdir(), 'shoal-bench-'));
    const store = await Store.open({ dir });
    try {
      await createDatabase(store, TUTORIAL_DB, {
        kind: 'VALUE',
        type: 'DATE',
        values: tutorialSchemeValues(),
      });
      await createPartitionedTable(store, TUTORIAL_DB, 't', TUTORIAL_SCHEMA, ['DateTime']);
      const start = performance.now();
      await append(store, TUTORIAL_DB, 't', columns);
      times.push(performance.now() - start);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  return median(times);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
