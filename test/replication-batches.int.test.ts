// Batches on the slave (SPEC §7.3): consecutive appends to one table run as one slave-side
// transaction, in task id order, each task recorded applied with it (exactly once). Proves on
// real processes that a backlog of one-row appends is applied in fewer runs than tasks, with
// the master's rows in the master's order; that a batch with one damaged task data fails
// whole and its tasks then run alone, so the damaged one holds back only what follows it;
// and that when the slave controller dies after a run was applied but before it learned so,
// the run it repeats after its restart, now joined by tasks pulled meanwhile, applies only
// those: no task twice, none lost, no failed attempt.

import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Connection } from '../src/client/index.ts';
import type { Column } from '../src/core/types/column.ts';
import { takeRows } from '../src/core/types/column-ops.ts';
import { TUTORIAL_SCHEMA, tutorialColumns } from '../src/cli/tutorial-data.ts';
import { isProcessAlive } from '../src/cluster/process/process-probe.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';
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

const DB = 'dfs://batches';
const SCHEMA = TUTORIAL_SCHEMA.map((c) => `${c.name} ${c.type}`).join(', ');
const STATE = 'getClusterReplicationState()';
/** Background compaction rewrites partitions (and may reorder their rows): not in these tests. */
const ENV = { SHOAL_COMPACTION_INTERVAL_MILLIS: String(3_600_000) };

let pair: ReplicationPair;
let master: TestCluster;
let slave: TestCluster;
let onMaster: Connection;
const bars = tutorialColumns(1, 2000); // 484,000 rows of one day: one partition

/** Row `i` of `bars` as a one-row append. */
function oneRow(i: number): Column[] {
  return bars.map((c) => takeRows(c, Uint32Array.of(i)));
}

async function createTable(table: string): Promise<void> {
  await onMaster.run(`create table "${DB}"."${table}"(${SCHEMA}) partitioned by DateTime`);
}

/** A metric of the node at `url`, summed over its labels; 0 when absent. */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  return sampleValue(parseMetrics(text), name, {}) ?? 0;
}

async function slaveDataNodeMetric(name: string): Promise<number> {
  const values = await Promise.all(slave.dataNodeUrls.map((url) => metric(url, name)));
  return values.reduce((a, b) => a + b, 0);
}

/** Runs `text` on the slave through a fresh session (its controller restarts in a test). */
async function onSlave<T>(use: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await login(slave.dataNodeUrls[1] as string);
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

async function slaveCaughtUp(): Promise<void> {
  const last = Number(column(await onMaster.runOne(STATE), 'lastTaskId')[0]);
  await eventually(
    () => onSlave((s) => s.runOne(STATE)),
    (v) => column(v, 'lastFinishedTaskId')[0] === last,
  );
}

/** Both sides' `exec <what> from <table>`, which must be equal. */
async function bothSides(table: string, what: string): Promise<[unknown, unknown]> {
  const text = `exec ${what} from loadTable("${DB}", "${table}")`;
  const onSlaveValue = await onSlave((s) => s.runOne(text));
  const onMasterValue = await onMaster.runOne(text);
  return [onMasterValue, onSlaveValue];
}

beforeAll(async () => {
  pair = await startReplicationPair({
    master: ['clusterReplicationIntervalMillis=20'],
    // Every task data file written at once: a test damages one.
    masterEnv: { ...ENV, SHOAL_TASK_DATA_HOLD_BYTES: '0' },
    slaveEnv: ENV,
  });
  ({ master, slave } = pair);
  onMaster = await login(master.dataNodeUrls[0] as string);
  await onMaster.run(`create database "${DB}" partitioned by VALUE(2023.01.01..2023.12.31)`);
  await onMaster.run(`setDatabaseForClusterReplication("${DB}", true)`);
}, 180_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  await pair?.stop();
}, 60_000);

describe('batches of appends on the slave', () => {
  it('applies a backlog of one-row appends in fewer runs than tasks, in the master order', async () => {
    await createTable('backlog');
    await slaveCaughtUp();
    await onSlave((s) => s.run('stopClusterReplication()'));
    const tasksBefore = await slaveDataNodeMetric('shoal_replication_tasks_applied_total');
    const runsBefore = await slaveDataNodeMetric('shoal_replication_apply_duration_seconds_count');
    // 8 clients × 10 appends: tasks (and rows) in an order only the master's commits decide.
    const clients = await Promise.all(
      Array.from({ length: 8 }, () => login(master.dataNodeUrls[0] as string)),
    );
    try {
      await Promise.all(
        clients.map(async (client, c) => {
          for (let i = 0; i < 10; i++) await client.append(DB, 'backlog', oneRow(c * 10 + i));
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
    const backlog = Number(column(await onMaster.runOne(STATE), 'lastTaskId')[0]);
    await onSlave((s) => s.run('startClusterReplication()'));
    await slaveCaughtUp();

    const tasks =
      (await slaveDataNodeMetric('shoal_replication_tasks_applied_total')) - tasksBefore;
    const runs =
      (await slaveDataNodeMetric('shoal_replication_apply_duration_seconds_count')) - runsBefore;
    expect(tasks).toBeGreaterThan(1);
    expect(runs).toBeLessThan(tasks);
    expect(Number(column(await onSlave((s) => s.runOne(STATE)), 'lastFinishedTaskId')[0])).toBe(
      backlog,
    );
    const [masterRows, slaveRows] = await bothSides('backlog', 'SecurityID, Volume, Amount');
    expect(slaveRows).toEqual(masterRows);
    expect(column(masterRows as never, 'Amount')).toHaveLength(80);
    const sum = await scalar(onMaster, `tableChecksum("${DB}", "backlog")`);
    expect(await onSlave((s) => scalar(s, `tableChecksum("${DB}", "backlog")`))).toBe(sum);
  }, 240_000);

  it('fails a whole batch when one task data fails its checksum, then runs its tasks alone', async () => {
    await createTable('damaged');
    await slaveCaughtUp();
    await onSlave((s) => s.run('stopClusterReplication()'));
    await onMaster.append(DB, 'damaged', oneRow(0));
    await onMaster.append(DB, 'damaged', oneRow(1));
    const file = await newestTaskFile(master); // the second append's
    await onMaster.append(DB, 'damaged', oneRow(2));
    const bytes = await readFile(file);
    const at = bytes.length - 1;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    await writeFile(file, bytes);

    // The batch of three fails as one (nothing of it is written, each task FAILED with the
    // reason); alone, the first task goes through and the damaged one keeps failing, which
    // holds back the third (group order).
    await onSlave((s) => s.run('startClusterReplication()'));
    const status = await eventually(
      () => onSlave((s) => s.runOne('getSlaveReplicationStatus()')),
      (v) => column(v, 'state').slice(-3).join() === 'FINISHED,FAILED,FAILED',
    );
    for (const details of column(status, 'details').slice(-2))
      expect(String(details)).toMatch(/fails its checksum or size/);
    const rows = `exec count(*) from loadTable("${DB}", "damaged")`;
    expect(await onSlave((s) => scalar(s, rows))).toBe(1);

    bytes[at] = (bytes[at] as number) ^ 0xff;
    await writeFile(file, bytes);
    await onSlave((s) => s.run('startClusterReplication()'));
    await slaveCaughtUp();
    const [masterRows, slaveRows] = await bothSides('damaged', 'Amount');
    expect(slaveRows).toEqual(masterRows);
  }, 240_000);

  it('repeats a run the dead controller did not see finish, applying only the tasks that joined it', async () => {
    await createTable('crash');
    await slaveCaughtUp();
    await slave.restart('controller', { env: { ...ENV, SHOAL_CRASH_AT: 'slave.after-execute' } });
    // A large task (its run takes a while), then small ones the slave pulls during that run.
    await onMaster.append(DB, 'crash', bars);
    const large = Number(column(await onMaster.runOne(STATE), 'lastTaskId')[0]);
    for (let i = 0; i < 5; i++) await onMaster.append(DB, 'crash', oneRow(i));
    const controller = slave.nodes.find((n) => n.alias === 'controller');
    await eventually(
      () => isProcessAlive(controller?.pid ?? 0),
      (alive) => !alive,
    );
    await slave.restart('controller', { env: ENV });
    await slaveCaughtUp();

    const [masterCount, slaveCount] = await bothSides('crash', 'count(*)');
    expect(slaveCount).toEqual(masterCount);
    const sum = await scalar(onMaster, `tableChecksum("${DB}", "crash")`);
    expect(await onSlave((s) => scalar(s, `tableChecksum("${DB}", "crash")`))).toBe(sum);
    // The large task (applied before the crash) and the first small one (not) ran as one run.
    const status = await onSlave((s) => s.runOne('getSlaveReplicationStatus()'));
    const finishOf = (id: number): unknown =>
      column(status, 'finishTime')[column(status, 'taskId').indexOf(id)];
    expect(finishOf(large + 1)).toEqual(finishOf(large));
    // It applied the small tasks only: the large one's commit was not tried again (it would
    // have aborted as applied already, a failed attempt).
    expect(await metric(slave.controllerUrl, 'shoal_replication_tasks_failed_total')).toBe(0);
  }, 240_000);
});
