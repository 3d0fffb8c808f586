// Durability (SPEC §8.8, §7.7): with clusterReplicationSyncPersistence=true, kill -9 of the
// master's coordinating data node (which holds the task data) and of the master controller
// (which holds the tasks) right after writes were acknowledged loses nothing: once both are
// back, a slave that had not fetched anything yet receives every change, exactly once.
// How: the slave is stopped before the writes so nothing leaves the master before the kills;
// then it is started and compared by row count, checksum and task states.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/client/index.ts';
import {
  adminSession as login,
  eventually,
  scalarOf as scalar,
  startReplicationPair,
  tableColumn as column,
} from '../src/replication/test-support.ts';
import type { ReplicationPair } from '../src/replication/test-support.ts';

const DB = 'dfs://durable';
const TABLE = `loadTable("${DB}", "t")`;

let pair: ReplicationPair;
let onSlave: Connection;

beforeAll(async () => {
  pair = await startReplicationPair({ master: ['clusterReplicationSyncPersistence=true'] });
  onSlave = await login(pair.slave.dataNodeUrls[0] as string);
}, 180_000);

afterAll(async () => {
  await onSlave?.close().catch(() => undefined);
  await pair?.stop();
}, 60_000);

/** A fresh session on the master's first data node (it restarts in the test). */
async function onMaster<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await login(pair.master.dataNodeUrls[0] as string);
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

describe('acknowledged replicated writes across kill -9 of the master', () => {
  it('reach the slave after the coordinator and the controller die', async () => {
    await onMaster(async (m) => {
      await m.run(`create database "${DB}" partitioned by VALUE(1..9)`);
      await m.run(`setDatabaseForClusterReplication("${DB}", true)`);
      await m.run(`create table "${DB}"."t"(k INT, v INT) partitioned by k`);
      await m.run(`insert into ${TABLE} values (1, 1)`);
    });
    await eventually(
      () => scalar(onSlave, `exec count(*) from ${TABLE}`),
      (n) => n === 1,
    );
    await onSlave.run('stopClusterReplication()');

    const rows = Array.from({ length: 2000 }, (_, i) => `(${(i % 9) + 1}, ${i})`).join(', ');
    const expected = await onMaster(async (m) => {
      await m.run(`insert into ${TABLE} values ${rows}`);
      await m.run(`update ${TABLE} set v = v + 1 where k <= 4`);
      await m.run(`delete from ${TABLE} where k = 9`);
      return {
        count: await scalar(m, `exec count(*) from ${TABLE}`),
        checksum: await scalar(m, `tableChecksum("${DB}", "t")`),
        last: Number(column(await m.runOne('getClusterReplicationState()'), 'lastTaskId')[0]),
      };
    });
    await pair.master.kill('dn1');
    await pair.master.kill('controller');
    await pair.master.restart('controller');
    await pair.master.restart('dn1');

    await onSlave.run('startClusterReplication()');
    const status = await eventually(
      () => onSlave.runOne('getSlaveReplicationStatus()'),
      (v) =>
        column(v, 'taskId').at(-1) === expected.last &&
        column(v, 'state').every((s) => s === 'FINISHED'),
    );
    expect(column(status, 'details').filter((d) => d !== '')).toEqual([]);
    expect(await scalar(onSlave, `exec count(*) from ${TABLE}`)).toBe(expected.count);
    expect(await scalar(onSlave, `tableChecksum("${DB}", "t")`)).toBe(expected.checksum);
  }, 240_000);
});
