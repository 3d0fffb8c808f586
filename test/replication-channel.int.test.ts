// The channel with several slaves (SPEC §5, §7.6): a master keeps every task a stopped slave
// has not finished while its other slave keeps up, truncates them only once the stopped one
// caught up after restart, refuses a slave beyond clusterReplicationSlaveNum and any pull
// without an ADMIN session, and reports each slave in its status functions.
// How: real master and slave clusters on loopback, polled with deadlines.

import {
  adminSession as login,
  eventually,
  slaveOverrides,
  tableColumn as column,
} from '../src/replication/test-support.ts';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/client/index.ts';
import type { Value } from '../src/query/value.ts';
import { startTestCluster, TEST_ADMIN_PASSWORD } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';

const DB = 'dfs://channel';
const TABLE = `loadTable("${DB}", "t")`;
const COUNT = `exec count(*) from ${TABLE}`;
const CHECKSUM = `tableChecksum("${DB}", "t")`;
const SLAVE_STATE = 'rpc(getControllerAlias(), getClusterReplicationState)';

let master: TestCluster;
let onMaster: Connection;
/** The two slaves the master serves; `third` is the one it refuses. */
let fast: TestCluster;
let slow: TestCluster;
let third: TestCluster | undefined;

/** Runs `text` on a fresh session of `cluster`'s first data node (it may have restarted). */
async function on(cluster: TestCluster, text: string): Promise<Value> {
  const connection = await login(cluster.dataNodeUrls[0] as string);
  try {
    return await connection.runOne(text);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function plain(value: Value): unknown {
  if (value.kind !== 'scalar') throw new Error(`expected a scalar, got ${value.kind}`);
  return typeof value.value === 'bigint' ? Number(value.value) : value.value;
}

function names(value: Value): readonly string[] {
  return value.kind === 'table' ? value.table.names : [];
}

/** `host:port` of a slave's controller: how the master names it. */
const controllerOf = (cluster: TestCluster): string => new URL(cluster.controllerUrl).host;

/** The master's lastFinishedTaskId per slave controller (getRecentSlaveReplicationInfo). */
async function finishedBySlave(): Promise<Map<string, number>> {
  const info = await onMaster.runOne('getRecentSlaveReplicationInfo()');
  const controllers = column(info, 'connectedController');
  const finished = column(info, 'lastFinishedTaskId');
  return new Map(controllers.map((c, i) => [String(c), Number(finished[i])]));
}

async function lastTaskId(): Promise<number> {
  return Number(column(await onMaster.runOne('getClusterReplicationState()'), 'lastTaskId')[0]);
}

function slaveOptions(): string[] {
  return slaveOverrides(master.controllerUrl, [
    'clusterReplicationRetryInitialMillis=50',
    'clusterReplicationRetryMaxMillis=200',
  ]);
}

beforeAll(async () => {
  master = await startTestCluster({
    dataNodes: 2,
    overrides: [
      'clusterReplicationMode=master',
      'clusterReplicationIntervalMillis=50',
      'clusterReplicationSlaveNum=2',
    ],
  });
  onMaster = await login(master.dataNodeUrls[0] as string);
  fast = await startTestCluster({ dataNodes: 2, overrides: slaveOptions() });
  slow = await startTestCluster({ dataNodes: 2, overrides: slaveOptions() });
  // Both slaves register before the first task: a slave that comes after a truncation would
  // need a full resync, which is not what this file tests.
  await eventually(finishedBySlave, (m) => m.size === 2);
  await onMaster.run(`create database "${DB}" partitioned by VALUE(0..9)`);
  await onMaster.run(`setDatabaseForClusterReplication("${DB}", true)`);
  await onMaster.run(`create table "${DB}"."t"(id INT, p INT) partitioned by p`);
  await onMaster.run(`insert into ${TABLE} values (1, 1), (2, 2)`);
}, 300_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  for (const cluster of [third, slow, fast, master]) await cluster?.stop();
}, 180_000);

describe('a master with two slaves', () => {
  it('keeps tasks for a stopped slave while the other keeps up, until it catches up', async () => {
    const before = await lastTaskId();
    expect(before).toBeGreaterThanOrEqual(3);
    for (const slave of [fast, slow])
      await eventually(
        () => on(slave, COUNT),
        (v) => plain(v) === 2,
      );
    await eventually(finishedBySlave, (m) => [...m.values()].every((id) => id === before));
    await eventually(
      () => onMaster.runOne('getMasterReplicationStatus()'),
      (v) => column(v, 'isTruncated').every((t) => t === 1),
    );

    for (const alias of ['controller', 'dn1', 'dn2']) await slow.kill(alias);
    await onMaster.run(`insert into ${TABLE} values (3, 3), (4, 4), (5, 5)`);
    await onMaster.run(`delete from ${TABLE} where id = 1`);
    const after = await lastTaskId();
    expect(after).toBe(before + 2);
    const masterSum = plain(await onMaster.runOne(CHECKSUM));

    // The fast slave is not held back by the stopped one.
    await eventually(
      () => on(fast, COUNT),
      (v) => plain(v) === 4,
    );
    expect(plain(await on(fast, CHECKSUM))).toBe(masterSum);
    const positions = await eventually(finishedBySlave, (m) => m.get(controllerOf(fast)) === after);
    expect(positions.get(controllerOf(slow))).toBe(before);

    // The master keeps what the stopped slave has not finished, and only that.
    const held = await onMaster.runOne('getMasterReplicationStatus()');
    const ids = column(held, 'taskId');
    const truncated = column(held, 'isTruncated');
    expect(ids.at(-1)).toBe(after);
    ids.forEach((id, i) => expect([id, truncated[i]]).toEqual([id, Number(id) > before ? 0 : 1]));

    // Silent for longer than a long poll, the stopped slave's channel shows DISCONNECTED.
    const channels = await eventually(
      () => onMaster.runOne('getReplicationChannelStatus()'),
      (v) => column(v, 'channelState').includes('DISCONNECTED'),
    );
    const slowRow = column(channels, 'slave').findIndex((s) =>
      String(s).endsWith(`@${controllerOf(slow)}`),
    );
    expect(slowRow).toBeGreaterThanOrEqual(0);
    expect(column(channels, 'channelState')[slowRow]).toBe('DISCONNECTED');
    expect(column(channels, 'lastConfirmedTaskId')[slowRow]).toBe(before);
    expect(column(channels, 'inconsistent')[slowRow]).toBe(0);

    await slow.restart('controller'); // starts every node of the cluster that is not running
    await eventually(
      () => on(slow, COUNT),
      (v) => plain(v) === 4,
    );
    await eventually(
      () => on(slow, CHECKSUM),
      (v) => plain(v) === masterSum,
    );
    await eventually(finishedBySlave, (m) => [...m.values()].every((id) => id === after));
    const released = await eventually(
      () => onMaster.runOne('getMasterReplicationStatus()'),
      (v) => column(v, 'isTruncated').every((t) => t === 1),
    );
    expect(column(released, 'taskId')).toEqual(ids);
    const confirmed = await onMaster.runOne('getReplicationChannelStatus()');
    expect(column(confirmed, 'lastConfirmedTaskId')).toEqual([after, after]);
  }, 400_000);

  it('refuses a third slave with an error naming clusterReplicationSlaveNum', async () => {
    third = await startTestCluster({ dataNodes: 1, overrides: slaveOptions() });
    const state = await eventually(
      () => on(third as TestCluster, SLAVE_STATE),
      (v) => String(column(v, 'details')[0]).includes('clusterReplicationSlaveNum'),
    );
    expect(String(column(state, 'details')[0])).toMatch(/already serves 2 slaves/);
    expect(column(state, 'lastTaskId')).toEqual([0]);
    expect(plain(await on(third, `existsDatabase("${DB}")`))).toBe(0);
    const tasks = await on(third, 'rpc(getControllerAlias(), getSlaveReplicationStatus)');
    expect(column(tasks, 'taskId')).toEqual([]);
    const known = await finishedBySlave();
    expect([...known.keys()].sort()).toEqual([controllerOf(fast), controllerOf(slow)].sort());
  }, 300_000);

  it('refuses pulls without an admin session of the master', async () => {
    const pull = async (token: string | undefined): Promise<{ status: number; kind: unknown }> => {
      const response = await request(`${master.controllerUrl}/replication/pull`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({
          slaveId: 'intruder',
          controller: '127.0.0.1:1',
          after: 0,
          finishedThrough: 0,
          maxWeight: 10,
          waitMillis: 0,
        }),
      });
      const body = (await response.body.json()) as { kind?: unknown; message?: unknown };
      expect(typeof body.message).toBe('string');
      return { status: response.statusCode, kind: body.kind };
    };
    expect(await pull(undefined)).toEqual({ status: 401, kind: 'SESSION_EXPIRED' });
    expect(await pull('0'.repeat(64))).toEqual({ status: 401, kind: 'SESSION_EXPIRED' });
    await onMaster.run('createUser("reader", "reader-pw-1")');
    const tokenFor = async (user: string, password: string): Promise<string> => {
      const response = await request(`${master.controllerUrl}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user, password }),
      });
      expect(response.statusCode).toBe(200);
      return ((await response.body.json()) as { token: string }).token;
    };
    const token = await tokenFor('reader', 'reader-pw-1');
    expect(await pull(token)).toEqual({ status: 403, kind: 'PERMISSION_DENIED' });
    // Task data on a master data node: the same session and privilege, checked in one step.
    const fetchData = async (auth: string | undefined): Promise<unknown> => {
      const response = await request(
        `${master.dataNodeUrls[0]}/replication/task-data?tid=1&crc32=0`,
        { headers: auth === undefined ? {} : { authorization: `Bearer ${auth}` } },
      );
      const body = (await response.body.json()) as { kind?: unknown };
      return { status: response.statusCode, kind: body.kind };
    };
    expect(await fetchData(undefined)).toEqual({ status: 401, kind: 'SESSION_EXPIRED' });
    expect(await fetchData('0'.repeat(64))).toEqual({ status: 401, kind: 'SESSION_EXPIRED' });
    expect(await fetchData(token)).toEqual({ status: 403, kind: 'PERMISSION_DENIED' });
    // An admin's fetch is let through (no such task here), and refused again soon after its
    // session ends: the data node remembers a grant only briefly.
    const adminToken = await tokenFor('admin', TEST_ADMIN_PASSWORD);
    expect(await fetchData(adminToken)).toEqual({ status: 404, kind: 'TASK_DATA_MISSING' });
    const logout = await request(`${master.controllerUrl}/api/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: '{}',
    });
    expect(logout.statusCode).toBe(200);
    await logout.body.dump();
    await eventually(
      () => fetchData(adminToken),
      (answer) =>
        JSON.stringify(answer) === JSON.stringify({ status: 401, kind: 'SESSION_EXPIRED' }),
      10_000,
    );
    const known = await finishedBySlave();
    expect(known.has('127.0.0.1:1')).toBe(false);
  }, 60_000);

  it('reports each slave and each database with the columns of SPEC §5', async () => {
    const info = await onMaster.runOne('getRecentSlaveReplicationInfo()');
    expect(names(info)).toEqual([
      'connectedController',
      'allControllersInRaft',
      'lastFinishedTaskId',
      'lastPullTime',
    ]);
    expect(column(info, 'connectedController').sort()).toEqual(
      [controllerOf(fast), controllerOf(slow)].sort(),
    );
    const last = await lastTaskId();
    expect(column(info, 'lastFinishedTaskId')).toEqual([last, last]);
    expect(column(info, 'lastPullTime').every((t) => Number(t) > 0)).toBe(true);

    const channels = await onMaster.runOne('getReplicationChannelStatus()');
    expect(names(channels)).toEqual([
      'slave',
      'channelState',
      'lastTaskId',
      'lastConfirmedTaskId',
      'retainedWeight',
      'retainedBytes',
      'tasksPerSec',
      'bytesPerSec',
      'inconsistent',
      'inconsistencyReason',
    ]);
    expect(column(channels, 'slave')).toHaveLength(2);
    for (const state of column(channels, 'channelState')) {
      expect(['DISCONNECTED', 'CONNECTED', 'ACTIVE']).toContain(state);
    }

    const databases = await onMaster.runOne('getDatabaseClusterReplicationStatus()');
    expect(names(databases)).toEqual(['dbName', 'enabled', 'executionSet']);
    expect(column(databases, 'dbName')).toEqual([DB]);
    expect(column(databases, 'enabled')).toEqual([1]);
    expect(column(databases, 'executionSet')).toEqual([0]);
  }, 60_000);
});
