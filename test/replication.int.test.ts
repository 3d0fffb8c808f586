// A master and a slave cluster (each 1 controller + 2 data nodes, real processes on loopback)
// run the seed tutorial: the slave ends with the same 1,210,000 rows and checksum, the master
// shows the tasks CREATE_DB, CREATE_PARTITIONED_TABLE, APPEND and the slave shows them
// FINISHED; replicated databases are read-only on the slave; kill -9 of the slave's nodes
// applies no task twice.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { parseMetrics, sampleValue } from '../src/net/metrics/test-support.ts';
import {
  adminSession as login,
  eventually,
  scalarOf as scalar,
  tableColumn as column,
  slaveOverrides,
} from '../src/replication/test-support.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TUTORIAL_DB,
  TUTORIAL_ROWS,
  TUTORIAL_TABLE,
  tutorialColumns,
} from '../src/cli/tutorial-data.ts';
import type { Connection } from '../src/client/index.ts';
import { isShoalError } from '../src/core/errors.ts';
import { checksumColumns, formatChecksum } from '../src/storage/index.ts';
import { startTestCluster } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';

let master: TestCluster;
let slave: TestCluster;
let onMaster: Connection;
let onSlave: Connection;

const TABLE = `loadTable("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`;
const SCHEMA =
  'SecurityID SYMBOL, DateTime DATETIME, PreClosePx DOUBLE, OpenPx DOUBLE, HighPx DOUBLE, LowPx DOUBLE, LastPx DOUBLE, Volume INT, Amount DOUBLE';

beforeAll(async () => {
  master = await startTestCluster({
    dataNodes: 2,
    overrides: ['clusterReplicationMode=master', 'clusterReplicationIntervalMillis=50'],
  });
  slave = await startTestCluster({
    dataNodes: 2,
    overrides: slaveOverrides(master.controllerUrl, [
      'clusterReplicationRetryInitialMillis=50',
      'clusterReplicationRetryMaxMillis=200',
    ]),
  });
  onMaster = await login(master.dataNodeUrls[0] as string);
  onSlave = await login(slave.dataNodeUrls[0] as string);
}, 180_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  await onSlave?.close().catch(() => undefined);
  await slave?.stop();
  await master?.stop();
}, 60_000);

describe('cluster asynchronous replication of the seed tutorial', () => {
  it('replicates CREATE_DB, CREATE_PARTITIONED_TABLE and a 1,210,000-row APPEND', async () => {
    await onMaster.run(
      `create database "${TUTORIAL_DB}" partitioned by VALUE(2023.01.01..2023.12.31)`,
    );
    await onMaster.run(`setDatabaseForClusterReplication("${TUTORIAL_DB}", true)`);
    await onMaster.run(
      `create table "${TUTORIAL_DB}"."${TUTORIAL_TABLE}"(${SCHEMA}) partitioned by DateTime`,
    );
    const columns = tutorialColumns();
    expect(await onMaster.append(TUTORIAL_DB, TUTORIAL_TABLE, columns)).toBe(TUTORIAL_ROWS);

    const status = await onMaster.runOne('getMasterReplicationStatus()');
    expect(column(status, 'operationType')).toEqual([
      'CREATE_DB',
      'CREATE_PARTITIONED_TABLE',
      'APPEND',
    ]);
    expect(column(status, 'dbName')).toEqual([TUTORIAL_DB, TUTORIAL_DB, TUTORIAL_DB]);

    const finished = await eventually(
      () => onSlave.runOne('rpc(getControllerAlias(), getSlaveReplicationStatus)'),
      (value) =>
        column(value, 'state').length === 3 &&
        column(value, 'state').every((s) => s === 'FINISHED'),
      120_000,
    );
    expect(column(finished, 'taskId')).toEqual([1, 2, 3]);
    expect(await scalar(onSlave, `exec count(*) from ${TABLE}`)).toBe(TUTORIAL_ROWS);
    expect(await scalar(onSlave, `tableChecksum("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`)).toBe(
      formatChecksum(checksumColumns(columns)),
    );
    const truncated = await eventually(
      () => onMaster.runOne('getMasterReplicationStatus()'),
      (value) => column(value, 'isTruncated').every((t) => t === 1),
      30_000,
    );
    expect(column(truncated, 'taskId')).toEqual([1, 2, 3]);

    const enabled = `schema(database("${TUTORIAL_DB}")).clusterReplicationEnabled`;
    expect(await scalar(onMaster, enabled)).toBe(1);
    expect(await scalar(onSlave, enabled)).toBe(1);
    await onMaster.run('create database "dfs://local_only" partitioned by VALUE(1..3)');
    expect(await scalar(onMaster, 'schema("dfs://local_only").clusterReplicationEnabled')).toBe(0);
  }, 300_000);

  it("holds an append's task data in memory while the slave keeps up, writes it when the slave is away", async () => {
    const workDir = path.join(master.dir, 'dn1', 'clusterReplication');
    const inMemoryBytes = async (): Promise<number | undefined> => {
      const text = await (await request(`${master.dataNodeUrls[0]}/metrics`)).body.text();
      return sampleValue(parseMetrics(text), 'shoal_replication_task_data_in_memory_bytes', {});
    };
    const taskFiles = async (): Promise<string[]> =>
      (await readdir(workDir).catch(() => [] as string[])).filter((n) => n.endsWith('.task'));
    // The tutorial append's data is gone once the slave had it (held, or written if the slave
    // took over a second, then removed).
    await eventually(taskFiles, (names) => names.length === 0, 30_000);
    await onMaster.run(`create table "${TUTORIAL_DB}"."away"(${SCHEMA}) partitioned by DateTime`);
    await eventually(
      () => scalar(onSlave, `existsTable("${TUTORIAL_DB}", "away")`),
      (exists) => exists === 1,
    );
    await onSlave.run('rpc(getControllerAlias(), stopClusterReplication)');
    const rows = tutorialColumns(2, 10);
    await onMaster.append(TUTORIAL_DB, 'away', rows);
    expect(await inMemoryBytes()).toBeGreaterThan(0);
    // No slave finishes it: after about a second it goes to its file (unsynced).
    await eventually(taskFiles, (names) => names.length === 1, 30_000);
    expect(await inMemoryBytes()).toBe(0);
    await onSlave.run('rpc(getControllerAlias(), startClusterReplication)');
    await eventually(
      () => scalar(onSlave, `exec count(*) from loadTable("${TUTORIAL_DB}", "away")`),
      (count) => count === 2420,
      60_000,
    );
    expect(await scalar(onSlave, `tableChecksum("${TUTORIAL_DB}", "away")`)).toBe(
      formatChecksum(checksumColumns(rows)),
    );
    await eventually(taskFiles, (names) => names.length === 0, 30_000);
  }, 180_000);

  it('keeps replicated databases read-only on the slave', async () => {
    const error = await onSlave
      .run(
        `insert into ${TABLE} values (\`X, 2023.01.02T09:30:00, 1.0, 1.0, 1.0, 1.0, 1.0, 1, 1.0)`,
      )
      .catch((e: unknown) => e);
    expect(isShoalError(error, 'REPLICATED_READ_ONLY')).toBe(true);
    // The SDK's append, whose session and privilege the controller checks in one step.
    const appended = await onSlave
      .append(TUTORIAL_DB, TUTORIAL_TABLE, tutorialColumns(1, 1))
      .catch((e: unknown) => e);
    expect(isShoalError(appended, 'REPLICATED_READ_ONLY')).toBe(true);
  }, 60_000);

  it('applies no task twice when the slave data node and controller are killed', async () => {
    await onMaster.run(
      `insert into ${TABLE} values (\`A, 2023.03.01T09:30:00, 1.0, 1.0, 1.0, 1.0, 1.0, 1, 1.0)`,
    );
    await slave.kill('dn1');
    await slave.kill('controller');
    await onMaster.run(
      `insert into ${TABLE} values (\`B, 2023.03.02T09:30:00, 1.0, 1.0, 1.0, 1.0, 1.0, 1, 1.0)`,
    );
    await slave.restart('controller');
    await slave.restart('dn1');
    await onSlave.close();
    onSlave = await login(slave.dataNodeUrls[1] as string);
    await eventually(
      () => scalar(onSlave, `exec count(*) from ${TABLE}`),
      (n) => n === TUTORIAL_ROWS + 2,
      120_000,
    );
    const masterSum = await scalar(
      onMaster,
      `tableChecksum("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`,
    );
    expect(await scalar(onSlave, `tableChecksum("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`)).toBe(
      masterSum,
    );
  }, 300_000);

  it('replicates updates, deletes, truncate, column changes, dimension tables and drops', async () => {
    const db = 'dfs://ops';
    const t = `loadTable("${db}", "t")`;
    const d = `loadTable("${db}", "dim")`;
    await onMaster.run(`create database "${db}" partitioned by VALUE(1..10)`);
    await onMaster.run(`setDatabaseForClusterReplication("${db}", true)`);
    const statements = [
      `create table "${db}"."t"(k INT, v DOUBLE, s SYMBOL) partitioned by k`,
      `create table "${db}"."dim"(k INT, name STRING)`,
      `create table "${db}"."gone"(k INT) partitioned by k`,
      `insert into ${t} values (1, 1.5, \`a), (2, 2.5, \`b), (3, 3.5, \`c), (3, 3.5, \`c), (4, 4.5, \`d)`,
      `insert into ${d} values (1, "one"), (2, "two")`,
      `update ${t} set v = v * 10 where k >= 3`,
      `delete from ${t} where k = 2`,
      `delete from ${t} where k = 9`,
      `alter table ${t} add column w LONG`,
      `insert into ${t} values (5, 5.5, \`e, 55)`,
      `alter table ${t} rename column s to sym`,
      `update ${t} set w = 7 where k = 1`,
      `alter table ${t} drop column v`,
      `truncate("${db}", "dim")`,
      `insert into ${d} values (3, "three")`,
      `drop table "${db}"."gone"`,
      `addValuePartitions("${db}", 11..12)`,
      `insert into ${t} values (11, \`k, 11)`,
      `dropPartition("${db}", "4", "t")`,
      `create table "${db}"."r"(k INT) partitioned by k`,
      `insert into loadTable("${db}", "r") values (1), (2)`,
      `renameTable("${db}", "r", "r2")`,
      `setTableComment(loadTable("${db}", "r2"), "renamed")`,
      `setColumnComment(${t}, "k", "the key")`,
      `replaceColumn!(${t}, "w", "DOUBLE")`,
      `update ${t} set w = w + 0.5 where k = 1`,
      `upsert!(${d}, table([3, 4], ["THREE", "four"]), false, "k")`,
    ];
    for (const statement of statements) await onMaster.run(statement);
    const masterSums = {
      t: await scalar(onMaster, `tableChecksum("${db}", "t")`),
      dim: await scalar(onMaster, `tableChecksum("${db}", "dim")`),
    };
    await eventually(
      () => scalar(onSlave, `tableChecksum("${db}", "t")`),
      (sum) => sum === masterSums.t,
      60_000,
    ).catch(async (error: unknown) => {
      const status = await onSlave.runOne('rpc(getControllerAlias(), getSlaveReplicationStatus)');
      throw new Error(
        `${String(error)}; slave tasks: ${JSON.stringify(
          ['taskId', 'operationType', 'state', 'details'].map((n) => column(status, n)),
        )}`,
      );
    });
    await eventually(
      () => scalar(onSlave, `tableChecksum("${db}", "dim")`),
      (sum) => sum === masterSums.dim,
      60_000,
    );
    expect(await scalar(onSlave, `exec count(*) from ${t}`)).toBe(5);
    // A renamed table keeps its placement (its rows stay readable) on both sides.
    expect(await scalar(onMaster, `exec count(*) from loadTable("${db}", "r2")`)).toBe(2);
    await eventually(
      () => scalar(onSlave, `exec count(*) from loadTable("${db}", "r2")`),
      (n) => n === 2,
      60_000,
    );
    const schema = await onSlave.runOne(`schema(${t})`);
    expect(schema.kind).toBe('dictionary');
    expect(await scalar(onSlave, `existsTable("${db}", "gone")`)).toBe(0);
    const types = column(await onMaster.runOne('getMasterReplicationStatus()'), 'operationType');
    expect(types).toEqual(
      expect.arrayContaining([
        'CREATE_TABLE',
        'SQL_UPDATE',
        'SQL_DELETE',
        'ADD_COLUMN',
        'RENAME_COLUMN',
        'DROP_COLUMN',
        'TRUNCATE_TABLE',
        'DROP_TABLE',
        'ADD_VALUE_PARTITION',
        'DROP_PARTITION',
        'RENAME_TABLE',
        'SET_TABLE_COMMENT',
        'SET_COLUMN_COMMENT',
        'REPLACE_COLUMN',
        'UPSERT',
      ]),
    );
    const ranged = 'dfs://ops_range';
    await onMaster.run(`create database "${ranged}" partitioned by RANGE([0, 10])`);
    await onMaster.run(`setDatabaseForClusterReplication("${ranged}", true)`);
    await onMaster.run(`create table "${ranged}"."t"(k INT) partitioned by k`);
    await onMaster.run(`addRangePartitions("${ranged}", 20)`);
    await onMaster.run(`insert into loadTable("${ranged}", "t") values (5), (15)`);
    await eventually(
      () => scalar(onSlave, `exec count(*) from loadTable("${ranged}", "t")`),
      (n) => n === 2,
      60_000,
    );
    expect(
      column(await onMaster.runOne('getMasterReplicationStatus()'), 'operationType'),
    ).toContain('ADD_RANGE_PARTITION');
    await onMaster.run(`drop database "${db}"`);
    await eventually(
      () => scalar(onSlave, `existsDatabase("${db}")`),
      (exists) => exists === 0,
      60_000,
    );
  }, 300_000);

  it('reports state, lag, metrics, queues and workers with the columns of SPEC §5', async () => {
    const names = async (connection: Connection, text: string): Promise<readonly string[]> => {
      const value = await connection.runOne(text);
      return value.kind === 'table' ? value.table.names : [];
    };
    const state = await eventually(
      () => onSlave.runOne('rpc(getControllerAlias(), getClusterReplicationState)'),
      (value) => column(value, 'lagTasks')[0] === 0,
      60_000,
    );
    expect(column(state, 'role')).toEqual(['slave']);
    expect(column(state, 'state')).toEqual(['ENABLED']);
    expect(column(await onMaster.runOne('getClusterReplicationState()'), 'role')).toEqual([
      'master',
    ]);
    expect(await names(onSlave, 'getClusterReplicationMetrics(-1)')).toEqual([
      'status',
      'finishedTasks',
      'unfinishedTasks',
      'finishedTasksPerSec',
      'maxCostPerTask',
      'avgCostPerTask',
      'averageGroupSize',
    ]);
    expect(await names(onSlave, 'getSlaveReplicationQueueStatus()')).toEqual([
      'executionSet',
      'queueId',
      'unfinishedTasks',
      'executionGroupId',
      'executionNode',
      'executionTime',
      'status',
    ]);
    expect(await names(onSlave, 'getSlaveReplicationExecutionStatus()')).toEqual([
      'executionSet',
      'worker',
      'taskId',
      'state',
    ]);
    expect(await names(onMaster, 'getRecentSlaveReplicationInfo()')).toEqual([
      'connectedController',
      'allControllersInRaft',
      'lastFinishedTaskId',
      'lastPullTime',
    ]);
  }, 120_000);

  it('tells a slave that needs dropped tasks that it needs a full resync', async () => {
    await eventually(
      () => onMaster.runOne('getMasterReplicationStatus()'),
      (value) => column(value, 'isTruncated').every((t) => t === 1),
      60_000,
    );
    const late = await startTestCluster({
      dataNodes: 1,
      overrides: slaveOverrides(master.controllerUrl),
    });
    try {
      const onLate = await login(late.dataNodeUrls[0] as string);
      try {
        const state = await eventually(
          () => onLate.runOne('getClusterReplicationState()'),
          (value) => String(column(value, 'details')[0]).includes('full resync required'),
          60_000,
        );
        expect(column(state, 'lastTaskId')).toEqual([0]);
      } finally {
        await onLate.close();
      }
      const channels = await onMaster.runOne('getReplicationChannelStatus()');
      const reasons = column(channels, 'inconsistencyReason') as string[];
      expect(reasons.filter((r) => r.includes('full resync required'))).toHaveLength(1);
      expect(column(channels, 'inconsistent').filter((i) => i === 1)).toHaveLength(1);
    } finally {
      await late.stop();
    }
  }, 180_000);

  it('refuses replication functions in the wrong place', async () => {
    const onSlaveError = await onSlave.run('getMasterReplicationStatus()').catch((e: unknown) => e);
    expect(isShoalError(onSlaveError, 'REPLICATION_WRONG_ROLE')).toBe(true);
    const onMasterError = await onMaster
      .run('getSlaveReplicationStatus()')
      .catch((e: unknown) => e);
    expect(isShoalError(onMasterError, 'REPLICATION_WRONG_ROLE')).toBe(true);
  }, 60_000);
});
