// Proves every node serves GET /metrics (no login) with real replication values once a slave
// caught up, that state changes show in the gauges and as JSON log lines, and that a
// non-replicated controller says mode none. Real processes: a master/slave pair and a plain
// cluster, 1 data node each, scraped with undici and parsed.

import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/client/index.ts';
import { logFilePath } from '../src/cluster/process/run-files.ts';
import { startTestCluster } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster, TestNode } from '../src/cluster/process/test-cluster.ts';
import { parseMetrics, sampleValue } from '../src/net/metrics/test-support.ts';
import type { MetricSample } from '../src/net/metrics/test-support.ts';
import {
  adminSession,
  eventually,
  scalarOf,
  startReplicationPair,
} from '../src/replication/test-support.ts';
import type { ReplicationPair } from '../src/replication/test-support.ts';

const DB = 'dfs://metricsDB';
const TABLE = `loadTable("${DB}", "trades")`;
const ROWS = 3;

let pair: ReplicationPair | undefined;
let plain: TestCluster | undefined;
let onMaster: Connection | undefined;
let onSlave: Connection | undefined;

beforeAll(async () => {
  [pair, plain] = await Promise.all([
    startReplicationPair({ dataNodes: 1 }),
    startTestCluster({ dataNodes: 1 }),
  ]);
  onMaster = await adminSession(pair.master.dataNodeUrls[0] as string);
  onSlave = await adminSession(pair.slave.dataNodeUrls[0] as string);
}, 180_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  await onSlave?.close().catch(() => undefined);
  await pair?.stop();
  await plain?.stop();
}, 60_000);

function started(): { pair: ReplicationPair; master: Connection; slave: Connection } {
  if (pair === undefined || onMaster === undefined || onSlave === undefined) {
    throw new Error('the clusters did not start');
  }
  return { pair, master: onMaster, slave: onSlave };
}

/** GET /metrics of the node at `url`, without any credentials, parsed. */
async function scrape(url: string): Promise<MetricSample[]> {
  const reply = await request(`${url}/metrics`);
  const text = await reply.body.text();
  if (reply.statusCode !== 200) throw new Error(`${url}/metrics: ${reply.statusCode} ${text}`);
  expect(reply.headers['content-type']).toContain('text/plain; version=0.0.4');
  return parseMetrics(text);
}

function value(samples: readonly MetricSample[], name: string, labels = {}): number {
  const found = sampleValue(samples, name, labels);
  if (found === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return found;
}

/** The sum of every series of `name` (a counter labelled per slave). */
function total(samples: readonly MetricSample[], name: string): number {
  return samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
}

function nodeOf(cluster: TestCluster, role: TestNode['role']): TestNode {
  const node = cluster.nodes.find((n) => n.role === role);
  if (node === undefined) throw new Error(`no ${role} in ${cluster.dir}`);
  return node;
}

/** The JSON lines of node `alias`'s log whose message is `msg`. */
async function logLines(
  cluster: TestCluster,
  alias: string,
  msg: string,
): Promise<Record<string, unknown>[]> {
  const text = await readFile(logFilePath(cluster.dir, alias), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry['msg'] === msg);
}

describe('GET /metrics on every node', () => {
  it('reports a caught-up slave: positions, lag 0, counters and bytes', async () => {
    const { pair, master, slave } = started();
    await master.run(`create database "${DB}" partitioned by VALUE(2023.01.01..2023.01.31)`);
    await master.run(`setDatabaseForClusterReplication("${DB}", true)`);
    await master.run(
      `create table "${DB}"."trades"(SecurityID SYMBOL, DateTime DATETIME, LastPx DOUBLE, Volume INT) partitioned by DateTime`,
    );
    for (let i = 1; i <= ROWS; i++) {
      await master.run(
        `insert into ${TABLE} values (\`S${i}, 2023.01.0${i}T09:30:00, ${i}.5, ${i * 100})`,
      );
    }
    await eventually(
      () => scalarOf(slave, `exec count(*) from ${TABLE}`),
      (n) => n === ROWS,
    );

    const masterCtl = nodeOf(pair.master, 'controller');
    const slaveCtl = nodeOf(pair.slave, 'controller');
    const onMasterCtl = await scrape(masterCtl.url);
    const lastTaskId = value(onMasterCtl, 'shoal_replication_last_task_id');
    // CREATE_DB, CREATE_PARTITIONED_TABLE and one APPEND per insert.
    expect(lastTaskId).toBe(2 + ROWS);
    const onSlaveCtl = await eventually(
      () => scrape(slaveCtl.url),
      (s) =>
        value(s, 'shoal_replication_lag_tasks') === 0 &&
        value(s, 'shoal_replication_last_finished_task_id') === lastTaskId,
    );
    expect(value(onSlaveCtl, 'shoal_replication_info', { mode: 'slave' })).toBe(1);
    expect(value(onSlaveCtl, 'shoal_replication_state', { state: 'ENABLED' })).toBe(1);
    expect(value(onSlaveCtl, 'shoal_replication_state', { state: 'STOPPED' })).toBe(0);
    expect(value(onSlaveCtl, 'shoal_replication_last_task_id')).toBe(lastTaskId);
    expect(value(onSlaveCtl, 'shoal_replication_lag_seconds')).toBe(0);
    expect(value(onSlaveCtl, 'shoal_replication_backlog_weight')).toBe(0);
    expect(value(onSlaveCtl, 'shoal_replication_backlog_bytes')).toBe(0);
    expect(value(onSlaveCtl, 'shoal_replication_tasks_finished_total')).toBeGreaterThanOrEqual(
      lastTaskId,
    );
    expect(value(onSlaveCtl, 'shoal_replication_tasks_failed_total')).toBeGreaterThanOrEqual(0);
    expect(value(onSlaveCtl, 'shoal_replication_pull_errors_total')).toBeGreaterThanOrEqual(0);
    expect(
      value(onSlaveCtl, 'shoal_replication_pull_duration_seconds_count'),
    ).toBeGreaterThanOrEqual(1);

    // The master learns the slave's position with its next report or pull.
    const caughtUp = await eventually(
      () => scrape(masterCtl.url),
      (s) => value(s, 'shoal_replication_lag_tasks') === 0,
    );
    expect(value(caughtUp, 'shoal_replication_info', { mode: 'master' })).toBe(1);
    expect(value(caughtUp, 'shoal_replication_state', { state: 'ENABLED' })).toBe(1);
    expect(value(caughtUp, 'shoal_replication_last_finished_task_id')).toBe(lastTaskId);
    expect(value(caughtUp, 'shoal_replication_slaves_connected')).toBe(1);
    expect(total(caughtUp, 'shoal_replication_shipped_tasks_total')).toBeGreaterThanOrEqual(
      lastTaskId,
    );
    expect(total(caughtUp, 'shoal_replication_shipped_bytes_total')).toBeGreaterThan(0);

    const masterDn = await scrape(nodeOf(pair.master, 'datanode').url);
    expect(value(masterDn, 'shoal_replication_task_data_served_bytes_total')).toBeGreaterThan(0);
    const slaveDn = await scrape(nodeOf(pair.slave, 'datanode').url);
    expect(value(slaveDn, 'shoal_replication_tasks_applied_total')).toBeGreaterThanOrEqual(1);
    // One observation per run; a batch of appends is one run of several tasks.
    const runs = value(slaveDn, 'shoal_replication_apply_duration_seconds_count');
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(value(slaveDn, 'shoal_replication_tasks_applied_total'));
  }, 180_000);

  it('names each node and has the process metrics on all of them', async () => {
    const { pair } = started();
    for (const node of [...pair.master.nodes, ...pair.slave.nodes]) {
      const samples = await scrape(node.url);
      expect(value(samples, 'shoal_node_info', { alias: node.alias, role: node.role })).toBe(1);
      expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    }
  }, 60_000);

  it('shows stop and start in the state gauge and logs each change with task ids', async () => {
    const { pair, master, slave } = started();
    const slaveCtl = nodeOf(pair.slave, 'controller');
    const masterCtl = nodeOf(pair.master, 'controller');
    await slave.run('rpc(getControllerAlias(), stopClusterReplication)');
    await master.run('rpc(getControllerAlias(), stopClusterReplication)');
    const slaveStopped = await scrape(slaveCtl.url);
    expect(value(slaveStopped, 'shoal_replication_state', { state: 'DISABLED' })).toBe(1);
    expect(value(slaveStopped, 'shoal_replication_state', { state: 'ENABLED' })).toBe(0);
    const masterStopped = await scrape(masterCtl.url);
    expect(value(masterStopped, 'shoal_replication_state', { state: 'DISABLED' })).toBe(1);

    await master.run('rpc(getControllerAlias(), startClusterReplication)');
    await slave.run('rpc(getControllerAlias(), startClusterReplication)');
    expect(value(await scrape(slaveCtl.url), 'shoal_replication_state', { state: 'ENABLED' })).toBe(
      1,
    );
    expect(
      value(await scrape(masterCtl.url), 'shoal_replication_state', { state: 'ENABLED' }),
    ).toBe(1);

    const lastTaskId = 2 + ROWS;
    // The log is written by the node process; read it until both lines are there.
    const slaveLines = await eventually(
      () => logLines(pair.slave, slaveCtl.alias, 'replication state changed'),
      (lines) => lines.length >= 2,
      10_000,
    );
    expect(slaveLines.map((l) => [l['from'], l['to'], l['reason']])).toEqual([
      ['ENABLED', 'DISABLED', 'stopClusterReplication'],
      ['DISABLED', 'ENABLED', 'startClusterReplication'],
    ]);
    expect(slaveLines[0]?.['lastFinishedTaskId']).toBe(lastTaskId);
    const masterLines = await eventually(
      () => logLines(pair.master, masterCtl.alias, 'replication state changed'),
      (lines) => lines.length >= 2,
      10_000,
    );
    expect(masterLines.map((l) => [l['from'], l['to'], l['lastTaskId']])).toEqual([
      ['ENABLED', 'DISABLED', lastTaskId],
      ['DISABLED', 'ENABLED', lastTaskId],
    ]);
  }, 60_000);

  it('a non-replicated controller says mode none and no replication state', async () => {
    if (plain === undefined) throw new Error('the plain cluster did not start');
    const samples = await scrape(plain.controllerUrl);
    expect(value(samples, 'shoal_replication_info', { mode: 'none' })).toBe(1);
    expect(sampleValue(samples, 'shoal_replication_state', { state: 'ENABLED' })).toBeUndefined();
    const dataNode = await scrape(plain.dataNodeUrls[0] as string);
    expect(value(dataNode, 'shoal_node_info', { alias: 'dn1', role: 'datanode' })).toBe(1);
    expect(dataNode.filter((s) => s.name.startsWith('shoal_replication_'))).toEqual([]);
  }, 60_000);
});
