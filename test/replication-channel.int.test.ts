// The channel with several slaves (SPEC §7.2, §7.6, §8.5, §8.6): a master serving two slaves
// (clusterReplicationSlaveNum=2) keeps every task one stopped slave has not finished while the
// other slave keeps up; the stopped one catches up after its restart and only then are the
// tasks truncated. A third slave is refused with a clear error, and pulls without an ADMIN
// session of the master are refused.

import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/client/index.ts';
import type { Connection } from '../src/client/index.ts';
import type { Value } from '../src/query/value.ts';
import { startTestCluster, TEST_ADMIN_PASSWORD } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';

const DB = 'dfs://channel';
const TABLE = `loadTable("${DB}", "t")`;

let master: TestCluster;
const slaves: TestCluster[] = [];
let onMaster: Connection;

async function login(url: string): Promise<Connection> {
  return connect(url, { user: 'admin', password: TEST_ADMIN_PASSWORD, timeoutMillis: 60_000 });
}

async function scalar(connection: Connection, text: string): Promise<unknown> {
  const value = await connection.runOne(text);
  if (value.kind !== 'scalar') throw new Error(`${text} gave ${value.kind}`);
  return typeof value.value === 'bigint' ? Number(value.value) : value.value;
}

function column(value: Value, name: string): unknown[] {
  if (value.kind !== 'table') throw new Error(`expected a table, got ${value.kind}`);
  const col = value.table.columns[value.table.names.indexOf(name)];
  if (col === undefined || col.type === 'SYMBOL') throw new Error(`no column ${name}`);
  return Array.from(col.data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v));
}

/** Runs `text` on a fresh session of `cluster` until `done` holds, or fails after 120 s. */
async function eventually(
  cluster: TestCluster,
  text: string,
  done: (value: Value) => boolean,
): Promise<Value> {
  const deadline = Date.now() + 120_000;
  let last: unknown;
  for (;;) {
    const connection = await login(cluster.dataNodeUrls[0] as string).catch(() => undefined);
    try {
      const value = await connection?.runOne(text).catch((e: unknown) => e);
      if (value !== undefined && !(value instanceof Error) && done(value as Value)) {
        return value as Value;
      }
      last = value;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`${text}: not there after 120 s (${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function slaveOverrides(): string[] {
  return [
    'clusterReplicationMode=slave',
    `clusterReplicationMasterCtl=${new URL(master.controllerUrl).host}`,
    `clusterReplicationMasterPassword=${TEST_ADMIN_PASSWORD}`,
    `clusterReplicationExecutionPassword=${TEST_ADMIN_PASSWORD}`,
  ];
}

const count = (value: Value): number => (value.kind === 'scalar' ? Number(value.value) : -1);

beforeAll(async () => {
  master = await startTestCluster({
    overrides: [
      'clusterReplicationMode=master',
      'clusterReplicationIntervalMillis=20',
      'clusterReplicationSlaveNum=2',
    ],
  });
  onMaster = await login(master.dataNodeUrls[0] as string);
  await onMaster.run(`create database "${DB}" partitioned by VALUE(0..9)`);
  await onMaster.run(`setDatabaseForClusterReplication("${DB}", true)`);
  await onMaster.run(`create table "${DB}"."t"(id INT, p INT) partitioned by p`);
  await onMaster.run(`insert into ${TABLE} values (1, 1), (2, 2)`);
  for (let i = 0; i < 2; i++) slaves.push(await startTestCluster({ overrides: slaveOverrides() }));
}, 240_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  for (const slave of slaves) await slave.stop();
  await master?.stop();
}, 120_000);

describe('a master with two slaves', () => {
  it('keeps tasks for a stopped slave while the other keeps up, until it catches up', async () => {
    const [fast, slow] = slaves as [TestCluster, TestCluster];
    for (const slave of slaves)
      await eventually(slave, `exec count(*) from ${TABLE}`, (v) => count(v) === 2);
    for (const alias of ['controller', 'dn1', 'dn2']) await slow.kill(alias);
    await onMaster.run(`insert into ${TABLE} values (3, 3), (4, 4), (5, 5)`);
    await onMaster.run(`delete from ${TABLE} where id = 1`);
    await eventually(fast, `exec count(*) from ${TABLE}`, (v) => count(v) === 4);
    const held = await onMaster.runOne('getMasterReplicationStatus()');
    const ids = column(held, 'taskId');
    const truncated = column(held, 'isTruncated');
    expect(truncated.slice(-2)).toEqual([0, 0]);
    // The running slave reports everything finished; the stopped one stays behind.
    const info = await eventually(master, 'getRecentSlaveReplicationInfo()', (v) =>
      column(v, 'lastFinishedTaskId').includes(ids.length),
    );
    expect(Math.min(...(column(info, 'lastFinishedTaskId') as number[]))).toBeLessThan(
      ids.length - 1,
    );

    for (const alias of ['controller', 'dn1', 'dn2']) await slow.restart(alias);
    await eventually(slow, `exec count(*) from ${TABLE}`, (v) => count(v) === 4);
    const sum = await scalar(onMaster, `tableChecksum("${DB}", "t")`);
    for (const slave of slaves) {
      await eventually(
        slave,
        `tableChecksum("${DB}", "t")`,
        (v) => v.kind === 'scalar' && v.value === sum,
      );
    }
    const after = await eventually(master, 'getMasterReplicationStatus()', (v) =>
      column(v, 'isTruncated').every((t) => t === 1),
    );
    expect(column(after, 'taskId')).toEqual(ids);
    const channels = await onMaster.runOne('getReplicationChannelStatus()');
    expect(column(channels, 'lastConfirmedTaskId')).toEqual([ids.length, ids.length]);
  }, 300_000);

  it('refuses a third slave with an error naming clusterReplicationSlaveNum', async () => {
    const third = await startTestCluster({ dataNodes: 1, overrides: slaveOverrides() });
    slaves.push(third);
    const state = await eventually(
      third,
      'rpc(getControllerAlias(), getClusterReplicationState)',
      (v) => String(column(v, 'details')[0]).includes('clusterReplicationSlaveNum'),
    );
    expect(String(column(state, 'details')[0])).toMatch(/already serves 2 slaves/);
    expect(
      await scalar(await login(third.dataNodeUrls[0] as string), `existsDatabase("${DB}")`),
    ).toBe(0);
  }, 240_000);

  it('refuses pulls without an admin session of the master', async () => {
    const pull = async (token: string | undefined): Promise<{ status: number; code: unknown }> => {
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
      const body = (await response.body.json()) as { code?: unknown };
      return { status: response.statusCode, code: body.code };
    };
    expect((await pull(undefined)).status).toBe(401);
    expect((await pull('not-a-session')).status).toBe(401);
    await onMaster.run('createUser("reader", "reader-pw-1")');
    const reader = (await (
      await request(`${master.controllerUrl}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'reader', password: 'reader-pw-1' }),
      })
    ).body.json()) as { token: string };
    const refused = await pull(reader.token);
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('S00702');
  }, 60_000);
});
