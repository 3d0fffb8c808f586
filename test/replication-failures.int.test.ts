// The seed's FAQ path on real processes (SPEC §7.4, §7.5): the slave's execution user may not
// write the replicated database, so its task fails with the permission error in `details`,
// is retried with backoff and after 30 failures the slave is STOPPED; after `grant` and
// startClusterReplication the task runs and the data is equal. Then skipping: a failing task
// is skipped while stopped, counts as finished with "skipped" in its details, and the slave
// then lacks exactly that change, which checkClusterReplicationConsistency reports (and
// reports nothing after a grant + start made the data equal).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/client/index.ts';
import { startTestCluster } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';
import {
  adminSession as login,
  eventually,
  scalarOf as scalar,
  slaveOverrides,
  tableColumn as column,
} from '../src/replication/test-support.ts';

const DB = 'dfs://faq';
const TABLE = `loadTable("${DB}", "t")`;
const STATUS = 'rpc(getControllerAlias(), getSlaveReplicationStatus)';

let master: TestCluster;
let slave: TestCluster;
let onMaster: Connection;
let onSlave: Connection;

beforeAll(async () => {
  master = await startTestCluster({
    overrides: ['clusterReplicationMode=master', 'clusterReplicationIntervalMillis=20'],
  });
  slave = await startTestCluster({
    overrides: slaveOverrides(master.controllerUrl, [
      'clusterReplicationExecutionUsername=replayer',
      'clusterReplicationRetryInitialMillis=10',
      'clusterReplicationRetryMaxMillis=40',
    ]),
  });
  onMaster = await login(master.dataNodeUrls[0] as string);
  onSlave = await login(slave.dataNodeUrls[0] as string);
  await onSlave.run('createUser("replayer", "replayer-pw-1")');
}, 180_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  await onSlave?.close().catch(() => undefined);
  await slave?.stop();
  await master?.stop();
}, 60_000);

describe('a task the execution user may not run', () => {
  it('fails 30 times, stops the slave, and runs after grant and start', async () => {
    await onMaster.run(`create database "${DB}" partitioned by VALUE(1..9)`);
    await onMaster.run(`setDatabaseForClusterReplication("${DB}", true)`);
    await onMaster.run(`create table "${DB}"."t"(k INT, v INT) partitioned by k`);
    await onMaster.run(`insert into ${TABLE} values (1, 1), (2, 2)`);

    const stopped = await eventually(
      () => onSlave.runOne('rpc(getControllerAlias(), getClusterReplicationState)'),
      (value) => column(value, 'state')[0] === 'STOPPED',
    );
    expect(String(column(stopped, 'details')[0])).toMatch(/task 1 failed 30 times: .*replayer/);
    const status = await onSlave.runOne(STATUS);
    expect(column(status, 'state')[0]).toBe('FAILED');
    expect(String(column(status, 'details')[0])).toMatch(/DB_DDL|privilege|permission/i);
    const queues = await onSlave.runOne('getSlaveReplicationQueueStatus()');
    expect(column(queues, 'status')).toContain('STOPPED');

    await onSlave.run(`grant("replayer", "DB_DDL", "${DB}")`);
    await onSlave.run(`grant("replayer", "DB_WRITE", "${DB}")`);
    await onSlave.run('startClusterReplication()');
    await eventually(
      () => onSlave.runOne(STATUS),
      (value) => column(value, 'state').every((s) => s === 'FINISHED'),
    );
    expect(await scalar(onSlave, `tableChecksum("${DB}", "t")`)).toBe(
      await scalar(onMaster, `tableChecksum("${DB}", "t")`),
    );
    const check = await onSlave.runOne(`checkClusterReplicationConsistency("${DB}")`);
    expect(column(check, 'partition')).toEqual(['1', '2']);
    expect(column(check, 'match')).toEqual([1, 1]);
    expect(column(check, 'masterRows')).toEqual(column(check, 'slaveRows'));
  }, 180_000);

  it('skips a failing task while stopped; the slave then lacks exactly that change', async () => {
    await onSlave.run(`revoke("replayer", "DB_WRITE", "${DB}")`);
    await onMaster.run(`insert into ${TABLE} values (3, 3)`);
    const failing = await eventually(
      () => onSlave.runOne(STATUS),
      (value) => column(value, 'state').includes('FAILED'),
    );
    const id = column(failing, 'taskId')[column(failing, 'state').indexOf('FAILED')] as number;
    const refused = await onSlave.run(`skipClusterReplicationTask(${id})`).catch((e: unknown) => e);
    expect(String(refused)).toMatch(/stopClusterReplication/);
    await onSlave.run('stopClusterReplication()');
    await onSlave.run(`skipClusterReplicationTask(${id})`);
    await onSlave.run(`grant("replayer", "DB_WRITE", "${DB}")`);
    await onSlave.run('startClusterReplication()');
    await onMaster.run(`insert into ${TABLE} values (4, 4)`);
    const done = await eventually(
      () => onSlave.runOne(STATUS),
      (value) =>
        column(value, 'state').length === id + 1 &&
        column(value, 'state').every((s) => s === 'FINISHED'),
    );
    expect(column(done, 'details')[id - 1]).toBe('skipped by skipClusterReplicationTask');
    expect(await scalar(onSlave, `exec count(*) from ${TABLE}`)).toBe(3);
    expect(await scalar(onMaster, `exec count(*) from ${TABLE}`)).toBe(4);
    expect(await scalar(onSlave, `exec count(*) from ${TABLE} where k = 3`)).toBe(0);

    // The check compares both sides at the master's last task and names the difference.
    const check = await onSlave.runOne(`checkClusterReplicationConsistency("${DB}")`);
    const rows = ['tableName', 'partition', 'masterRows', 'slaveRows', 'match'].map((n) =>
      column(check, n),
    );
    expect(rows).toEqual([
      ['t', 't', 't', 't'],
      ['1', '2', '3', '4'],
      [1, 1, 1, 1],
      [1, 1, 0, 1],
      [1, 1, 0, 1],
    ]);
    expect(column(check, 'taskId')).toEqual(Array(4).fill(id + 1));
    const missing = column(check, 'slaveChecksum')[2];
    expect(missing).toMatch(/^0-/);
  }, 180_000);
});
