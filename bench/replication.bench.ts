// The replication benchmarks (issue: replication, SPEC §10), on a master and a slave cluster
// (each 1 controller + 2 data nodes, separate processes on loopback), in one run:
// 1. lag: the tutorial append (1,210,000 rows × 9 columns) from the client's acknowledgement
//    until every row is readable on the slave (target ≤ 0.25 s);
// 2. sustained throughput: 100 appends of 10,000 rows from 4 clients, from the first send
//    until the slave holds every row (target ≥ 5 M rows/s);
// 3. the master's append time with replication on vs off (ratio off/on, target ≥ 0.9);
// 4. small writes: 1-row appends from many clients, transactions per second at the master
//    (target ≥ 20,000) and the slave's lag after the last one (target ≤ interval + 50 ms).
// The tutorial appends repeat on a new table each, dropped afterwards on both clusters so the
// next one's page cache reuses its pages (see cluster-append.bench.ts). The lag falls over the
// first few appends of a run, as both clusters' code is compiled and their memory reused (one
// run of 21: 780 ms, then 300, 250, then 170-250 from the eighth on): WARMUP_APPENDS are not
// measured, the first is reported apart (coldLagMillis), and of the others the median and the
// worst (lagMaxMillis).

import { adminSession as login, slaveOverrides } from '../src/replication/test-support.ts';
import { performance } from 'node:perf_hooks';
import {
  TUTORIAL_DB,
  TUTORIAL_ROWS,
  TUTORIAL_SCHEMA,
  tutorialColumns,
} from '../src/cli/tutorial-data.ts';
import type { Connection } from '../src/client/index.ts';
import { columnLength } from '../src/core/types/column.ts';
import type { Column } from '../src/core/types/column.ts';
import { takeRows } from '../src/core/types/column-ops.ts';
import { startTestCluster } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';
import { median, residentKiB } from './machine.ts';

/** Tutorial appends measured, after WARMUP_APPENDS that are not (reported apart as cold). */
const REPEATS = 7;
const WARMUP_APPENDS = 3;
const STREAM_APPENDS = 100;
const STREAM_ROWS = 10_000;
const STREAM_CLIENTS = 4;
const SMALL_CLIENTS = 16;
const SMALL_WRITES_PER_CLIENT = 50;
/** clusterReplicationIntervalMillis of the master in this benchmark. */
const INTERVAL_MILLIS = 10;
const PLAIN_DB = 'dfs://plainDB';
/**
 * How often the lag measurement asks the slave for its row count: at most this much is added
 * to the lag. Asking every 2 ms took so much of the 2 cores (a distributed count each time)
 * that it slowed the slave it measured by about 300 ms.
 */
const ROWS_POLL_MILLIS = 10;

export interface ReplicationResult {
  readonly rows: number;
  /** Master append (send → acknowledgement), replicated database. */
  readonly appendAckMillis: number;
  /** Acknowledgement → every row readable on the slave (SPEC §10: ≤ 250 ms). */
  readonly lagMillis: number;
  /** The worst of the measured appends' lags. */
  readonly lagMaxMillis: number;
  /** The same for the first append of the run, before both clusters' code and memory warmed. */
  readonly coldLagMillis: number;
  readonly streamRows: number;
  /** Rows per second through the whole pipeline (SPEC §10: ≥ 5 M). */
  readonly streamRowsPerSec: number;
  /** The same stream's rate at the master alone (acknowledgements): the pipeline's ceiling. */
  readonly streamMasterRowsPerSec: number;
  readonly appendOffMillis: number;
  readonly appendOnMillis: number;
  /** Append time without replication / with it (SPEC §10: ≥ 0.9). */
  readonly ratioOnToOff: number;
  readonly smallWrites: number;
  /** 1-row appends acknowledged per second by the master, 16 clients (SPEC §10: ≥ 20,000). */
  readonly smallWriteTxPerSec: number;
  /** Last small write's acknowledgement → every row readable on the slave (≤ interval + 50). */
  readonly smallWriteLagMillis: number;
  readonly intervalMillis: number;
  /** Resident memory of every node after the run, MiB. */
  readonly rssMiB: Readonly<Record<string, number>>;
}

const schemaText = TUTORIAL_SCHEMA.map((c) => `${c.name} ${c.type}`).join(', ');

export async function benchReplication(): Promise<ReplicationResult> {
  const master = await startTestCluster({
    overrides: [
      'clusterReplicationMode=master',
      `clusterReplicationIntervalMillis=${INTERVAL_MILLIS}`,
    ],
  });
  let slave: TestCluster | undefined;
  try {
    slave = await startTestCluster({
      overrides: slaveOverrides(master.controllerUrl),
    });
    return await measure(master, slave);
  } finally {
    await slave?.stop();
    await master.stop();
  }
}

async function measure(master: TestCluster, slave: TestCluster): Promise<ReplicationResult> {
  const onMaster = await login(master.dataNodeUrls[0] as string);
  const onSlave = await login(slave.dataNodeUrls[1] as string);
  try {
    const scheme = 'VALUE(2023.01.01..2023.12.31)';
    await onMaster.run(`create database "${TUTORIAL_DB}" partitioned by ${scheme}`);
    await onMaster.run(`setDatabaseForClusterReplication("${TUTORIAL_DB}", true)`);
    await onMaster.run(`create database "${PLAIN_DB}" partitioned by ${scheme}`);
    const columns = tutorialColumns();
    const lag: number[] = [];
    const coldLag: number[] = [];
    const ackOn: number[] = [];
    const ackOff: number[] = [];
    for (let i = 0; i < WARMUP_APPENDS + REPEATS; i++) {
      for (const db of [TUTORIAL_DB, PLAIN_DB]) {
        await onMaster.run(`create table "${db}"."t${i}"(${schemaText}) partitioned by DateTime`);
      }
      await waitForTable(onSlave, `t${i}`);
      // Off and on side by side so drift on the machine hits both alike, and each first in
      // turn: the first takes the page cache the last drop freed, which is cheaper to write
      // than new memory on a VM (docs/operations.md). The off append never runs in the lag.
      const plainAppend = (): Promise<number> =>
        timed(() => onMaster.append(PLAIN_DB, `t${i}`, columns));
      const offFirst = i % 2 === 0;
      const offBefore = offFirst ? await plainAppend() : 0;
      const on = await timed(() => onMaster.append(TUTORIAL_DB, `t${i}`, columns));
      const acked = performance.now();
      await waitForRows(onSlave, `t${i}`, TUTORIAL_ROWS);
      const millis = performance.now() - acked;
      const off = offFirst ? offBefore : await plainAppend();
      // As a database in service reuses its page cache: see cluster-append.bench.ts.
      for (const db of [TUTORIAL_DB, PLAIN_DB]) await onMaster.run(`drop table "${db}"."t${i}"`);
      if (i < WARMUP_APPENDS) {
        coldLag.push(millis);
        continue;
      }
      ackOff.push(off);
      ackOn.push(on);
      lag.push(millis);
    }
    const stream = await streamThroughput(
      master.dataNodeUrls[0] as string,
      onMaster,
      onSlave,
      columns,
    );
    const small = await smallWrites(master.dataNodeUrls[0] as string, onMaster, onSlave, columns);
    const appendOnMillis = median(ackOn);
    const appendOffMillis = median(ackOff);
    return {
      rows: TUTORIAL_ROWS,
      appendAckMillis: round(appendOnMillis),
      lagMillis: round(median(lag)),
      lagMaxMillis: round(Math.max(...lag)),
      coldLagMillis: round(coldLag[0] as number),
      streamRows: STREAM_APPENDS * STREAM_ROWS,
      streamRowsPerSec: Math.round(stream.pipeline),
      streamMasterRowsPerSec: Math.round(stream.master),
      appendOffMillis: round(appendOffMillis),
      appendOnMillis: round(appendOnMillis),
      ratioOnToOff: round(appendOffMillis / appendOnMillis),
      smallWrites: SMALL_CLIENTS * SMALL_WRITES_PER_CLIENT,
      smallWriteTxPerSec: Math.round(small.txPerSec),
      smallWriteLagMillis: round(small.lagMillis),
      intervalMillis: INTERVAL_MILLIS,
      rssMiB: rss([
        ...master.nodes.map((n) => ({ ...n, alias: `master.${n.alias}` })),
        ...slave.nodes.map((n) => ({ ...n, alias: `slave.${n.alias}` })),
      ]),
    };
  } finally {
    await onMaster.close();
    await onSlave.close();
  }
}

/**
 * Rows per second of a stream of 10,000-row appends: until the slave holds them all
 * (pipeline), and until the master acknowledged them all (master).
 */
async function streamThroughput(
  masterUrl: string,
  onMaster: Connection,
  onSlave: Connection,
  columns: readonly Column[],
): Promise<{ pipeline: number; master: number }> {
  const appends = Array.from({ length: STREAM_APPENDS }, (_, i) => {
    const rows = Uint32Array.from({ length: STREAM_ROWS }, (_, r) => i * STREAM_ROWS + r);
    return columns.map((c) => takeRows(c, rows));
  });
  const timing = await concurrentAppends(masterUrl, onMaster, onSlave, 'stream', appends, {
    clients: STREAM_CLIENTS,
  });
  const rows = STREAM_APPENDS * STREAM_ROWS;
  return {
    pipeline: rows / ((timing.caughtUp - timing.start) / 1000),
    master: rows / ((timing.acked - timing.start) / 1000),
  };
}

/**
 * 1-row appends from SMALL_CLIENTS clients at once (each its own append; the data node may
 * commit several together): the master's acknowledgements per second, and the time from the
 * last acknowledgement until the slave holds every row.
 */
async function smallWrites(
  masterUrl: string,
  onMaster: Connection,
  onSlave: Connection,
  columns: readonly Column[],
): Promise<{ txPerSec: number; lagMillis: number }> {
  const total = SMALL_CLIENTS * SMALL_WRITES_PER_CLIENT;
  const appends = Array.from({ length: total }, (_, i) =>
    columns.map((c) => takeRows(c, Uint32Array.of(i))),
  );
  const timing = await concurrentAppends(masterUrl, onMaster, onSlave, 'small', appends, {
    clients: SMALL_CLIENTS,
  });
  return {
    txPerSec: total / ((timing.acked - timing.start) / 1000),
    lagMillis: timing.caughtUp - timing.acked,
  };
}

/**
 * Creates `table` in the replicated database, then sends `appends` from `clients` clients at
 * once (client c sends appends c, c + clients, …): when they started, when the master had
 * acknowledged them all, and when the slave held every row (performance.now() times).
 */
async function concurrentAppends(
  masterUrl: string,
  onMaster: Connection,
  onSlave: Connection,
  table: string,
  appends: readonly (readonly Column[])[],
  options: { readonly clients: number },
): Promise<{ start: number; acked: number; caughtUp: number }> {
  await onMaster.run(
    `create table "${TUTORIAL_DB}"."${table}"(${schemaText}) partitioned by DateTime`,
  );
  await waitForTable(onSlave, table);
  const clients = await Promise.all(
    Array.from({ length: options.clients }, () => login(masterUrl)),
  );
  const start = performance.now();
  try {
    await Promise.all(
      clients.map(async (client, c) => {
        for (let i = c; i < appends.length; i += options.clients) {
          await client.append(TUTORIAL_DB, table, appends[i] as Column[]);
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  const acked = performance.now();
  const rows = appends.reduce((n, columns) => n + columnLength(columns[0] as Column), 0);
  await waitForRows(onSlave, table, rows);
  return { start, acked, caughtUp: performance.now() };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function waitForTable(onSlave: Connection, table: string): Promise<void> {
  await poll(async () => {
    const value = await onSlave.runOne(`existsTable("${TUTORIAL_DB}", "${table}")`);
    return value.kind === 'scalar' && value.value === 1;
  }, 5);
}

async function waitForRows(onSlave: Connection, table: string, rows: number): Promise<void> {
  await poll(async () => {
    const value = await onSlave.runOne(
      `exec count(*) from loadTable("${TUTORIAL_DB}", "${table}")`,
    );
    return value.kind === 'scalar' && Number(value.value) === rows;
  }, ROWS_POLL_MILLIS);
}

/** Polls `done` every `everyMillis` for at most 5 minutes. */
async function poll(done: () => Promise<boolean>, everyMillis: number): Promise<void> {
  const deadline = performance.now() + 300_000;
  while (!(await done().catch(() => false))) {
    if (performance.now() > deadline) throw new Error('the slave did not catch up in 5 minutes');
    await new Promise((resolve) => setTimeout(resolve, everyMillis));
  }
}

function rss(nodes: readonly { alias: string; pid: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const node of nodes) {
    const kib = residentKiB(node.pid);
    out[node.alias] = kib === undefined ? -1 : Math.round(kib / 1024);
  }
  return out;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
