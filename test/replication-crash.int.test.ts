// Exactly once across kill -9 (SPEC §7.3.4, §7.7): a master and a slave cluster of real
// processes; the slave's data nodes die at named points while they apply a task (after the
// commit decision, before publishing; after applying, before answering) and its controller
// dies right after a pull. After restarts every task is applied once: row counts are exact
// and checksums equal the master's.

import {
  adminSession as login,
  scalarOf as scalar,
  slaveOverrides,
} from '../src/replication/test-support.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/client/index.ts';
import { isProcessAlive } from '../src/cluster/process/process-probe.ts';
import { startTestCluster } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';

const DB = 'dfs://crashes';
const TABLE = `loadTable("${DB}", "t")`;

let master: TestCluster;
let slave: TestCluster;
let onMaster: Connection;

/** Polls the slave (through a fresh session each time: its nodes restart) until `done`. */
async function onSlaveEventually(
  text: string,
  done: (value: unknown) => boolean,
): Promise<unknown> {
  const deadline = Date.now() + 120_000;
  let last: unknown;
  for (;;) {
    const connection = await login(slave.dataNodeUrls[1] as string).catch(() => undefined);
    try {
      if (connection !== undefined) {
        last = await scalar(connection, text).catch((e: unknown) => e);
        if (done(last)) return last;
      }
    } finally {
      await connection?.close().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`${text}: still ${String(last)} after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Inserts rows with ids from..to-1 on the master, one statement. */
async function insert(from: number, to: number): Promise<void> {
  const rows = Array.from({ length: to - from }, (_, i) => `(${from + i}, ${(from + i) % 5})`);
  await onMaster.run(`insert into ${TABLE} values ${rows.join(', ')}`);
}

beforeAll(async () => {
  master = await startTestCluster({
    overrides: ['clusterReplicationMode=master', 'clusterReplicationIntervalMillis=20'],
  });
  slave = await startTestCluster({
    overrides: slaveOverrides(master.controllerUrl, [
      'clusterReplicationRetryInitialMillis=50',
      'clusterReplicationRetryMaxMillis=300',
      'transactionTimeoutMillis=3000',
    ]),
  });
  onMaster = await login(master.dataNodeUrls[0] as string);
  await onMaster.run(`create database "${DB}" partitioned by VALUE(0..4)`);
  await onMaster.run(`setDatabaseForClusterReplication("${DB}", true)`);
  await onMaster.run(`create table "${DB}"."t"(id INT, p INT) partitioned by p`);
  await insert(0, 10);
  await onSlaveEventually(`exec count(*) from ${TABLE}`, (n) => n === 10);
}, 180_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  await slave?.stop();
  await master?.stop();
}, 60_000);

describe('replication across kill -9', () => {
  const points = ['coordinator.before-publish', 'replication.after-apply'] as const;
  for (const [i, point] of points.entries()) {
    it(`applies a task once when the executing slave data node dies at ${point}`, async () => {
      const env = { SHOAL_CRASH_AT: point };
      await slave.restart('dn1', { env });
      await slave.restart('dn2', { env });
      const from = 100 * (i + 1);
      await insert(from, from + 7);
      // The executing node dies; the task fails and is retried until a node answers again.
      await waitForADeadDataNode();
      await slave.restart('dn1');
      await slave.restart('dn2');
      const expected = await scalar(onMaster, `exec count(*) from ${TABLE}`);
      await onSlaveEventually(`exec count(*) from ${TABLE}`, (n) => n === expected);
      const sum = await scalar(onMaster, `tableChecksum("${DB}", "t")`);
      expect(await onSlaveEventually(`tableChecksum("${DB}", "t")`, (s) => s === sum)).toBe(sum);
    }, 240_000);
  }

  it('loses and repeats nothing when the slave controller dies right after a pull', async () => {
    await slave.restart('controller', { env: { SHOAL_CRASH_AT: 'slave.after-pull' } });
    await insert(1000, 1005);
    await waitForDeath(slave.nodes.find((n) => n.alias === 'controller')?.pid ?? 0);
    await slave.restart('controller');
    await insert(1005, 1008);
    const expected = await scalar(onMaster, `exec count(*) from ${TABLE}`);
    await onSlaveEventually(`exec count(*) from ${TABLE}`, (n) => n === expected);
    const sum = await scalar(onMaster, `tableChecksum("${DB}", "t")`);
    expect(await onSlaveEventually(`tableChecksum("${DB}", "t")`, (s) => s === sum)).toBe(sum);
  }, 240_000);
});

/** Waits until one of the slave's data nodes has died at its crash point. */
async function waitForADeadDataNode(): Promise<void> {
  const pids = slave.nodes.filter((n) => n.role === 'datanode').map((n) => n.pid);
  const deadline = Date.now() + 60_000;
  while ((await Promise.all(pids.map(isProcessAlive))).every(Boolean)) {
    if (Date.now() > deadline) throw new Error('no slave data node reached its crash point');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForDeath(pid: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (await isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not reach its crash point`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
