// Replication control on real processes (SPEC §5, §7.4, issue 6): a master stopped by
// stopClusterReplication makes no tasks and says its commits will never reach a slave, and
// replicates again after start; a stopped slave stops pulling while its running task
// finishes, and catches up after start; a task failing in execution set 0 does not hold
// back set 1; every function answers with the column names and types of SPEC §5; and
// `shoal status` prints each side's view (tables and --json).
// How: one master/slave pair whose execution user may write only the databases we grant.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/client/index.ts';
import type { Value } from '../src/query/value.ts';
import {
  adminSession as login,
  eventually,
  scalarOf as scalar,
  startReplicationPair,
  tableColumn as column,
} from '../src/replication/test-support.ts';
import type { ReplicationPair } from '../src/replication/test-support.ts';
import { tutorialColumns } from '../src/cli/tutorial-data.ts';
import { SHOAL_MAIN } from '../src/cluster/process/spawn-node.ts';
import { TEST_ADMIN_PASSWORD } from '../src/cluster/process/test-cluster.ts';

const run = promisify(execFile);

/** `shoal status` against `url`'s node, as a person would run it. */
async function shoalStatus(url: string, ...extra: string[]): Promise<string> {
  const host = new URL(url).host;
  const args = [SHOAL_MAIN, 'status', '--host', host, '-p', TEST_ADMIN_PASSWORD, ...extra];
  return (await run(process.execPath, args, { timeout: 60_000 })).stdout;
}

let pair: ReplicationPair;
let onMaster: Connection;
let onSlave: Connection;

const STATE = 'getClusterReplicationState()';
const SLAVE_STATUS = 'getSlaveReplicationStatus()';
/** Databases the execution user may change; any other fails on the slave. */
const GRANTED = ['dfs://ctl_master', 'dfs://ctl_slave', 'dfs://ctl_set1', 'dfs://testDB'];

async function cell(connection: Connection, text: string, name: string): Promise<unknown> {
  return column(await connection.runOne(text), name)[0];
}

beforeAll(async () => {
  pair = await startReplicationPair({
    // Slow retries: the failing set-0 task must not reach 30 failures (STOPPED) meanwhile.
    slave: [
      'clusterReplicationExecutionUsername=replayer',
      'clusterReplicationRetryInitialMillis=1000',
      'clusterReplicationRetryMaxMillis=2000',
    ],
  });
  onMaster = await login(pair.master.dataNodeUrls[0] as string);
  onSlave = await login(pair.slave.dataNodeUrls[0] as string);
  await onSlave.run('createUser("replayer", "replayer-pw-1")');
  for (const db of GRANTED) {
    await onSlave.run(`grant("replayer", "DB_DDL", "${db}")`);
    await onSlave.run(`grant("replayer", "DB_WRITE", "${db}")`);
  }
}, 180_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  await onSlave?.close().catch(() => undefined);
  await pair?.stop();
}, 60_000);

async function replicatedTable(db: string): Promise<void> {
  await onMaster.run(`create database "${db}" partitioned by VALUE(1..9)`);
  await onMaster.run(`setDatabaseForClusterReplication("${db}", true)`);
  await onMaster.run(`create table "${db}"."t"(k INT, v INT) partitioned by k`);
}

async function slaveCaughtUp(): Promise<void> {
  const last = Number(await cell(onMaster, STATE, 'lastTaskId'));
  await eventually(
    () => onSlave.runOne(STATE),
    (v) => column(v, 'lastFinishedTaskId')[0] === last,
  );
}

describe('master stop and start', () => {
  it('makes no tasks while DISABLED, says so, and replicates again after start', async () => {
    const db = 'dfs://ctl_master';
    const t = `loadTable("${db}", "t")`;
    await replicatedTable(db);
    await onMaster.run(`insert into ${t} values (1, 1)`);
    await slaveCaughtUp();
    const before = Number(await cell(onMaster, STATE, 'lastTaskId'));

    await onMaster.run('stopClusterReplication()');
    await onMaster.run(`insert into ${t} values (2, 2)`);
    const stopped = await onMaster.runOne(STATE);
    expect(column(stopped, 'state')).toEqual(['DISABLED']);
    expect(column(stopped, 'lastTaskId')).toEqual([before]);
    expect(String(column(stopped, 'details')[0])).toMatch(
      /^1 commits made while replication was DISABLED will never reach any slave/,
    );

    await onMaster.run('startClusterReplication()');
    await onMaster.run(`insert into ${t} values (3, 3)`);
    expect(await cell(onMaster, STATE, 'state')).toBe('ENABLED');
    expect(await cell(onMaster, STATE, 'lastTaskId')).toBe(before + 1);
    await eventually(
      () => scalar(onSlave, `exec count(*) from ${t}`),
      (n) => n === 2,
    );
    expect(await scalar(onSlave, `exec count(*) from ${t} where k = 2`)).toBe(0);
    const check = await onSlave.runOne(`checkClusterReplicationConsistency("${db}")`);
    expect(column(check, 'partition')).toEqual(['1', '2', '3']);
    expect(column(check, 'match')).toEqual([1, 0, 1]);
  }, 180_000);
});

describe('slave stop and start', () => {
  it('stops pulling, lets the running task finish, and catches up after start', async () => {
    const db = 'dfs://testDB';
    await onMaster.run(`create database "${db}" partitioned by VALUE(2023.01.01..2023.12.31)`);
    await onMaster.run(`setDatabaseForClusterReplication("${db}", true)`);
    await onMaster.run(
      `create table "${db}"."bars"(SecurityID SYMBOL, DateTime DATETIME, PreClosePx DOUBLE, OpenPx DOUBLE, HighPx DOUBLE, LowPx DOUBLE, LastPx DOUBLE, Volume INT, Amount DOUBLE) partitioned by DateTime`,
    );
    await slaveCaughtUp();
    // A large append keeps a slave worker busy long enough to stop the slave under it.
    const rows = 484_000;
    await onMaster.append(db, 'bars', tutorialColumns(1, 2000));
    const appendTask = Number(await cell(onMaster, STATE, 'lastTaskId'));
    const stateOf = (v: Value, id: number): unknown =>
      column(v, 'state')[column(v, 'taskId').indexOf(id)];
    await eventually(
      () => onSlave.runOne(SLAVE_STATUS),
      (v) => ['EXECUTING', 'FINISHED'].includes(String(stateOf(v, appendTask))),
    );
    await onSlave.run('stopClusterReplication()');
    const atStop = await onSlave.runOne(SLAVE_STATUS);
    expect(await cell(onSlave, STATE, 'state')).toBe('DISABLED');
    const pulledAtStop = Number(await cell(onSlave, STATE, 'lastTaskId'));

    // What ran at the stop finishes; what waited stays waiting.
    const settled = await eventually(
      () => onSlave.runOne(SLAVE_STATUS),
      (v) => !column(v, 'state').includes('EXECUTING'),
    );
    for (const id of column(atStop, 'taskId') as number[]) {
      const before = stateOf(atStop, id);
      expect({ id, state: stateOf(settled, id) }).toEqual({
        id,
        state: before === 'EXECUTING' ? 'FINISHED' : before,
      });
    }
    await onMaster.run(
      `insert into loadTable("${db}", "bars") values (\`X, 2023.05.05T09:30:00, 1.0, 1.0, 1.0, 1.0, 1.0, 1, 1.0)`,
    );
    // The master releases a task after 50 ms; a pulling slave would have it well within 2 s.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await cell(onSlave, STATE, 'lastTaskId')).toBe(pulledAtStop);
    expect(await cell(onSlave, STATE, 'state')).toBe('DISABLED');

    await onSlave.run('startClusterReplication()');
    await eventually(
      () => scalar(onSlave, `exec count(*) from loadTable("${db}", "bars")`),
      (n) => n === rows + 1,
    );
    await slaveCaughtUp();
    expect(await scalar(onSlave, `tableChecksum("${db}", "bars")`)).toBe(
      await scalar(onMaster, `tableChecksum("${db}", "bars")`),
    );
  }, 240_000);
});

describe('execution sets', () => {
  it('runs set 1 while a task of set 0 keeps failing', async () => {
    const set1 = 'dfs://ctl_set1';
    const set0 = 'dfs://ctl_set0_denied';
    await onMaster.run(`create database "${set1}" partitioned by VALUE(1..9)`);
    await onMaster.run(`setDatabaseForClusterReplication("${set1}", false)`);
    await onMaster.run(`setDatabaseClusterReplicationExecutionSet("${set1}", 1)`);
    await onMaster.run(`setDatabaseForClusterReplication("${set1}", true)`);
    // The execution user may not create this database on the slave: its task fails, retried.
    await replicatedTable(set0);
    await onMaster.run(`create table "${set1}"."t"(k INT, v INT) partitioned by k`);
    await onMaster.run(`insert into loadTable("${set1}", "t") values (1, 1), (2, 2)`);

    await eventually(
      () => scalar(onSlave, `exec count(*) from loadTable("${set1}", "t")`),
      (n) => n === 2,
    );
    const status = await onSlave.runOne(SLAVE_STATUS);
    const ofSet = (db: string, name: string): unknown[] => {
      const dbs = column(status, 'dbName');
      return column(status, name).filter((_, i) => dbs[i] === db);
    };
    expect(ofSet(set1, 'executionSet').every((s) => s === 1)).toBe(true);
    expect(ofSet(set1, 'state').every((s) => s === 'FINISHED')).toBe(true);
    expect(ofSet(set0, 'executionSet')[0]).toBe(0);
    expect(['FAILED', 'EXECUTING', 'WAITING']).toContain(ofSet(set0, 'state')[0]);
    expect(await cell(onSlave, STATE, 'state')).toBe('ENABLED');
    const queues = await onSlave.runOne('getSlaveReplicationQueueStatus()');
    const sets = column(queues, 'executionSet');
    const failed = column(queues, 'status').filter((_, i) => sets[i] === 0);
    expect(failed).toContain('FAILED');

    // Let it through, so the other tests' checks see a caught-up slave.
    await onSlave.run(`grant("replayer", "DB_DDL", "${set0}")`);
    await onSlave.run(`grant("replayer", "DB_WRITE", "${set0}")`);
    await slaveCaughtUp();
  }, 240_000);
});

describe('the columns of SPEC §5', () => {
  const typed = (value: Value): string[] =>
    value.kind === 'table'
      ? value.table.names.map((n, i) => `${n} ${value.table.columns[i]?.type ?? '?'}`)
      : [`not a table: ${value.kind}`];

  it('answers every function with its names and types', async () => {
    const expected: Record<string, [Connection, string[]]> = {
      'getDatabaseClusterReplicationStatus()': [
        onMaster,
        ['dbName STRING', 'enabled BOOL', 'executionSet INT'],
      ],
      'getMasterReplicationStatus()': [
        onMaster,
        [
          'taskId LONG',
          'tid LONG',
          'groupId LONG',
          'operationType STRING',
          'submitTime NANOTIMESTAMP',
          'dbName STRING',
          'tableName STRING',
          'srcIP STRING',
          'srcPort INT',
          'isTruncated BOOL',
        ],
      ],
      'getRecentSlaveReplicationInfo()': [
        onMaster,
        [
          'connectedController STRING',
          'allControllersInRaft STRING',
          'lastFinishedTaskId LONG',
          'lastPullTime NANOTIMESTAMP',
        ],
      ],
      'getReplicationChannelStatus()': [
        onMaster,
        [
          'slave STRING',
          'channelState STRING',
          'lastTaskId LONG',
          'lastConfirmedTaskId LONG',
          'retainedWeight LONG',
          'retainedBytes LONG',
          'tasksPerSec DOUBLE',
          'bytesPerSec DOUBLE',
          'inconsistent BOOL',
          'inconsistencyReason STRING',
        ],
      ],
      'getSlaveReplicationStatus()': [
        onSlave,
        [
          'taskId LONG',
          'masterTid LONG',
          'groupId LONG',
          'executionSet INT',
          'queueId INT',
          'operationType STRING',
          'createTime NANOTIMESTAMP',
          'dbName STRING',
          'tableName STRING',
          'srcIP STRING',
          'srcPort INT',
          'finishTime NANOTIMESTAMP',
          'executionNode STRING',
          'state STRING',
          'details STRING',
        ],
      ],
      'getSlaveReplicationQueueStatus()': [
        onSlave,
        [
          'executionSet INT',
          'queueId INT',
          'unfinishedTasks LONG',
          'executionGroupId LONG',
          'executionNode STRING',
          'executionTime LONG',
          'status STRING',
        ],
      ],
      'getSlaveReplicationExecutionStatus()': [
        onSlave,
        ['executionSet INT', 'worker INT', 'taskId LONG', 'state STRING'],
      ],
      'getClusterReplicationMetrics(30)': [
        onSlave,
        [
          'status STRING',
          'finishedTasks LONG',
          'unfinishedTasks LONG',
          'finishedTasksPerSec DOUBLE',
          'maxCostPerTask DOUBLE',
          'avgCostPerTask DOUBLE',
          'averageGroupSize DOUBLE',
        ],
      ],
      'checkClusterReplicationConsistency("dfs://ctl_set1")': [
        onSlave,
        [
          'dbName STRING',
          'tableName STRING',
          'partition STRING',
          'taskId LONG',
          'masterRows LONG',
          'slaveRows LONG',
          'masterChecksum STRING',
          'slaveChecksum STRING',
          'match BOOL',
        ],
      ],
    };
    const state = [
      'role STRING',
      'state STRING',
      'lastTaskId LONG',
      'lastFinishedTaskId LONG',
      'lagTasks LONG',
      'lagSeconds DOUBLE',
      'backlogWeight LONG',
      'backlogBytes LONG',
      'details STRING',
    ];
    for (const [text, [connection, columns]] of Object.entries(expected)) {
      expect({ text, columns: typed(await connection.runOne(text)) }).toEqual({ text, columns });
    }
    for (const connection of [onMaster, onSlave]) {
      expect(typed(await connection.runOne(STATE))).toEqual(state);
    }
  }, 120_000);
});

describe('shoal status', () => {
  it("prints the master's and the slave's view, as tables and as JSON", async () => {
    const last = Number(await cell(onMaster, STATE, 'lastTaskId'));
    const master = await shoalStatus(pair.master.controllerUrl);
    for (const title of ['nodes', 'replication state', 'slave channels', 'replicated databases']) {
      expect(master).toContain(`== ${title}`);
    }
    expect(master).toContain('== latest 10 tasks');
    expect(master).toMatch(/master\s+ENABLED/);

    const output = await shoalStatus(
      pair.slave.dataNodeUrls[0] as string,
      '--json',
      '--tasks',
      '3',
    );
    const json = JSON.parse(output) as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['nodes', 'replication state', 'queues', 'latest 3 tasks']),
    );
    expect(json['replication state']).toMatchObject([
      { role: 'slave', state: 'ENABLED', lastFinishedTaskId: last },
    ]);
    expect(json['latest 3 tasks']?.map((row) => row['taskId'])).toEqual([last - 2, last - 1, last]);
  }, 120_000);
});
