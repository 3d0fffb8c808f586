// Proves that a slave applies an append task's data as a stream (SPEC §8.7, §7.3.3): with the
// master cutting task data into 256 kB frames, a multi-megabyte task over several partitions
// (on both slave data nodes) replicates with equal checksums while the executing slave data
// node never held more than three frames of it (one being written, one being split, one read
// ahead); and that the stream is all or nothing:
// a task whose data file was damaged on the master applies frame by frame, then fails its
// checksum before the decision, leaving nothing on the slave, and replicates once the file is
// right again; and that a slave data node killed mid-stream (its shares half sent to the other
// owner) leaves nothing half applied: once it is back the task applies exactly once.
// How: real master and slave clusters (1 controller + 2 data nodes each).

import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/client/index.ts';
import { tutorialColumns, TUTORIAL_SCHEMA } from '../src/cli/tutorial-data.ts';
import type { Column } from '../src/core/types/column.ts';
import { isProcessAlive } from '../src/cluster/process/process-probe.ts';
import { parseMetrics, sampleValue } from '../src/net/metrics/test-support.ts';
import {
  adminSession as login,
  eventually,
  newestTaskFile,
  scalarOf as scalar,
  startReplicationPair,
  tableColumn as column,
} from '../src/replication/test-support.ts';
import type { ReplicationPair } from '../src/replication/test-support.ts';

const FRAME_BYTES = 256 * 1024;
const DB = 'dfs://streamDB';
const DAYS = 8;
const STATUS = 'rpc(getControllerAlias(), getSlaveReplicationStatus)';
const schemaText = TUTORIAL_SCHEMA.map((c) => `${c.name} ${c.type}`).join(', ');

let pair: ReplicationPair;
let onMaster: Connection;
let onSlave: Connection;

beforeAll(async () => {
  pair = await startReplicationPair({
    // Every task data file written at once: a test damages one.
    masterEnv: {
      SHOAL_TASK_DATA_FRAME_BYTES: String(FRAME_BYTES),
      SHOAL_TASK_DATA_HOLD_BYTES: '0',
    },
    master: ['clusterReplicationIntervalMillis=20'],
    // A coordinator killed mid-stream leaves its transaction undecided until this passes.
    slave: ['transactionTimeoutMillis=3000'],
  });
  onMaster = await login(pair.master.dataNodeUrls[0] as string);
  onSlave = await login(pair.slave.dataNodeUrls[0] as string);
  await onMaster.run(`create database "${DB}" partitioned by VALUE(2023.01.01..2023.12.31)`);
  await onMaster.run(`setDatabaseForClusterReplication("${DB}", true)`);
}, 180_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  await onSlave?.close().catch(() => undefined);
  await pair?.stop();
}, 60_000);

/** The tutorial's bars of `stocks` stocks, spread over DAYS days (so over DAYS partitions). */
function bars(stocks: number): Column[] {
  const columns = tutorialColumns(7, stocks);
  const times = columns[1]?.data as Int32Array;
  for (let row = 0; row < times.length; row++) {
    times[row] = (times[row] as number) + (row % DAYS) * 86_400;
  }
  return columns;
}

/** A metric of every data node of `urls`, by node. */
async function metricOf(urls: readonly string[], name: string): Promise<number[]> {
  return Promise.all(
    urls.map(async (url) => {
      const text = await (await request(`${url}/metrics`)).body.text();
      return sampleValue(parseMetrics(text), name, {}) ?? 0;
    }),
  );
}

async function rowsOn(connection: Connection, table: string): Promise<number> {
  return Number(await scalar(connection, `exec count(*) from loadTable("${DB}", "${table}")`));
}

async function checksumsEqual(table: string): Promise<void> {
  const sum = `tableChecksum("${DB}", "${table}")`;
  expect(await scalar(onSlave, sum)).toBe(await scalar(onMaster, sum));
}

describe('streamed task data', () => {
  it('applies a task frame by frame, holding at most three frames of it', async () => {
    await onMaster.run(`create table "${DB}"."big"(${schemaText}) partitioned by DateTime`);
    const columns = bars(400); // 96,800 rows, about 5.8 MB of task data: over 20 frames
    await onMaster.append(DB, 'big', columns);
    await eventually(
      () => rowsOn(onSlave, 'big'),
      (rows) => rows === 96_800,
    );
    await checksumsEqual('big');
    const consistency = await onSlave.runOne(
      `rpc(getControllerAlias(), checkClusterReplicationConsistency, "${DB}")`,
    );
    const big = column(consistency, 'tableName').flatMap((t, i) => (t === 'big' ? [i] : []));
    expect(big).toHaveLength(DAYS);
    expect(big.map((i) => column(consistency, 'match')[i])).toEqual(Array(DAYS).fill(1));

    const served = await metricOf(
      pair.master.dataNodeUrls,
      'shoal_replication_task_data_served_bytes_total',
    );
    const taskBytes = Math.max(...served);
    expect(taskBytes).toBeGreaterThan(20 * FRAME_BYTES);
    const peaks = await metricOf(
      pair.slave.dataNodeUrls,
      'shoal_replication_task_data_held_peak_bytes',
    );
    const peak = Math.max(...peaks);
    // Held whole, the peak would be the task's size; streamed it is three frames at most.
    // A frame is about FRAME_BYTES (its rows are counted from the columns' estimated widths:
    // here about 10% over), so four would pass 3.5 of them.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(3.5 * FRAME_BYTES);
    const held = await metricOf(pair.slave.dataNodeUrls, 'shoal_replication_task_data_held_bytes');
    expect(held).toEqual([0, 0]);
  });

  it('applies nothing of a task whose data fails its checksum, and all of it once fixed', async () => {
    await onMaster.run(`create table "${DB}"."damaged"(${schemaText}) partitioned by DateTime`);
    await eventually(
      () => onSlave.runOne(`existsTable("${DB}", "damaged")`),
      (exists) => exists.kind === 'scalar' && exists.value === 1,
    );
    await onSlave.run('rpc(getControllerAlias(), stopClusterReplication)');
    await onMaster.append(DB, 'damaged', bars(100));
    // The last file written is this append's; flip one byte in its last frame's data.
    const file = await newestTaskFile(pair.master);
    const bytes = await readFile(file);
    const at = bytes.length - 64;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    await writeFile(file, bytes);

    await onSlave.run('rpc(getControllerAlias(), startClusterReplication)');
    const failed = await eventually(
      () => onSlave.runOne(STATUS),
      (status) => column(status, 'state').includes('FAILED'),
    );
    const details = column(failed, 'details').map(String);
    expect(details.some((d) => /fails its checksum or size/.test(d))).toBe(true);
    expect(await rowsOn(onSlave, 'damaged')).toBe(0);

    bytes[at] = (bytes[at] as number) ^ 0xff;
    await writeFile(file, bytes);
    // Retries may have stopped the slave meanwhile (30 failures): start runs FAILED tasks again.
    await onSlave.run('rpc(getControllerAlias(), startClusterReplication)');
    await eventually(
      () => onSlave.runOne(STATUS),
      (status) => column(status, 'state').every((s) => s === 'FINISHED'),
    );
    expect(await rowsOn(onSlave, 'damaged')).toBe(24_200);
    await checksumsEqual('damaged');
  });

  it('applies a task exactly once after its executing node died mid-stream', async () => {
    await onMaster.run(`create table "${DB}"."killed"(${schemaText}) partitioned by DateTime`);
    await eventually(
      () => onSlave.runOne(`existsTable("${DB}", "killed")`),
      (exists) => exists.kind === 'scalar' && exists.value === 1,
    );
    const env = { SHOAL_CRASH_AT: 'replication.mid-stream' };
    await pair.slave.restart('dn1', { env });
    await pair.slave.restart('dn2', { env });
    await onMaster.append(DB, 'killed', bars(100)); // 24,200 rows, about 6 frames
    const dead = await deadSlaveDataNode();
    // Only the dead node comes back: the other keeps what it was sent until it learns
    // (from the controller) that the transaction was aborted.
    await pair.slave.restart(dead);
    const fresh = await login(pair.slave.dataNodeUrls[dead === 'dn1' ? 0 : 1] as string);
    try {
      await eventually(
        () => rowsOn(fresh, 'killed'),
        (rows) => rows === 24_200,
      );
      const sum = `tableChecksum("${DB}", "killed")`;
      expect(await scalar(fresh, sum)).toBe(await scalar(onMaster, sum));
    } finally {
      await fresh.close();
      await pair.slave.restart(dead === 'dn1' ? 'dn2' : 'dn1');
    }
  }, 240_000);
});

/** The slave data node that died at its crash point. */
async function deadSlaveDataNode(): Promise<string> {
  const nodes = pair.slave.nodes.filter((n) => n.role === 'datanode');
  for (;;) {
    for (const node of nodes) if (!(await isProcessAlive(node.pid))) return node.alias;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
