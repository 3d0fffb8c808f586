// Proves the replication metric set by role: what each controller mode and data node mode
// exposes, gauges read from the status functions once per scrape. Fake function maps giving
// real status tables, scraped through a real MetricsRegistry and parsed back.

import { describe, expect, it } from 'vitest';
import type { ControllerFunction } from '../cluster/rpc.ts';
import { MetricsRegistry } from '../net/metrics/metrics-registry.ts';
import { parseMetrics, sampleValue } from '../net/metrics/test-support.ts';
import type { MetricSample } from '../net/metrics/test-support.ts';
import {
  dataNodeReplicationMetrics,
  masterReplicationMetrics,
  registerControllerReplicationGauges,
  slaveReplicationMetrics,
} from './replication-metrics.ts';
import { statusTable } from './status-table.ts';
import type { Value } from '../query/value.ts';

interface StateRow {
  readonly state: string;
  readonly last: number;
  readonly finished: number;
  readonly lagSeconds: number;
}

/** A getClusterReplicationState answer with the columns of SPEC §5. */
function stateTable(row: StateRow): Value {
  return statusTable<StateRow>(
    [
      { name: 'role', type: 'STRING', of: () => 'slave' },
      { name: 'state', type: 'STRING', of: (r) => r.state },
      { name: 'lastTaskId', type: 'LONG', of: (r) => r.last },
      { name: 'lastFinishedTaskId', type: 'LONG', of: (r) => r.finished },
      { name: 'lagTasks', type: 'LONG', of: (r) => r.last - r.finished },
      { name: 'lagSeconds', type: 'DOUBLE', of: (r) => r.lagSeconds },
      { name: 'backlogWeight', type: 'LONG', of: (r) => (r.last - r.finished) * 10 },
      { name: 'backlogBytes', type: 'LONG', of: (r) => (r.last - r.finished) * 1000 },
      { name: 'details', type: 'STRING', of: () => '' },
    ],
    [row],
  );
}

function controllerMetrics(): MetricsRegistry {
  return new MetricsRegistry({ alias: 'controller', role: 'controller' });
}

async function scrape(metrics: MetricsRegistry): Promise<MetricSample[]> {
  return parseMetrics(await metrics.text());
}

describe('controller replication gauges', () => {
  it('a non-replicated controller says mode none and nothing of replication state', async () => {
    const metrics = controllerMetrics();
    registerControllerReplicationGauges(metrics, 'none', new Map());
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'shoal_replication_info', { mode: 'none' })).toBe(1);
    expect(samples.filter((s) => s.name.startsWith('shoal_replication_'))).toHaveLength(1);
  });

  it('a slave reports getClusterReplicationState, read once per scrape', async () => {
    const metrics = controllerMetrics();
    let row: StateRow = { state: 'ENABLED', last: 9, finished: 7, lagSeconds: 1.5 };
    let calls = 0;
    const state: ControllerFunction = async () => {
      calls++;
      return stateTable(row);
    };
    registerControllerReplicationGauges(
      metrics,
      'slave',
      new Map([['getClusterReplicationState', state]]),
    );
    const samples = await scrape(metrics);
    expect(calls).toBe(1);
    expect(sampleValue(samples, 'shoal_replication_info', { mode: 'slave' })).toBe(1);
    expect(sampleValue(samples, 'shoal_replication_state', { state: 'ENABLED' })).toBe(1);
    expect(sampleValue(samples, 'shoal_replication_state', { state: 'DISABLED' })).toBe(0);
    expect(sampleValue(samples, 'shoal_replication_state', { state: 'STOPPED' })).toBe(0);
    expect(sampleValue(samples, 'shoal_replication_last_task_id')).toBe(9);
    expect(sampleValue(samples, 'shoal_replication_last_finished_task_id')).toBe(7);
    expect(sampleValue(samples, 'shoal_replication_lag_tasks')).toBe(2);
    expect(sampleValue(samples, 'shoal_replication_lag_seconds')).toBe(1.5);
    expect(sampleValue(samples, 'shoal_replication_backlog_weight')).toBe(20);
    expect(sampleValue(samples, 'shoal_replication_backlog_bytes')).toBe(2000);
    expect(sampleValue(samples, 'shoal_replication_slaves_connected')).toBeUndefined();

    row = { state: 'STOPPED', last: 9, finished: 9, lagSeconds: 0 };
    const later = await scrape(metrics);
    expect(calls).toBe(2);
    expect(sampleValue(later, 'shoal_replication_state', { state: 'STOPPED' })).toBe(1);
    expect(sampleValue(later, 'shoal_replication_state', { state: 'ENABLED' })).toBe(0);
    expect(sampleValue(later, 'shoal_replication_lag_tasks')).toBe(0);
  });

  it('a master also counts connected slaves and what it ships to each', async () => {
    const metrics = controllerMetrics();
    const channels = statusTable<string>(
      [{ name: 'channelState', type: 'STRING', of: (s) => s }],
      ['ACTIVE', 'DISCONNECTED', 'CONNECTED'],
    );
    registerControllerReplicationGauges(
      metrics,
      'master',
      new Map<string, ControllerFunction>([
        [
          'getClusterReplicationState',
          async () => stateTable({ state: 'DISABLED', last: 4, finished: 4, lagSeconds: 0 }),
        ],
        ['getReplicationChannelStatus', async () => channels],
      ]),
    );
    const shipped = masterReplicationMetrics(metrics);
    shipped.shipped('s1', 2, 300);
    shipped.shipped('s1', 1, 50);
    shipped.shipped('s2', 1, 10);
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'shoal_replication_info', { mode: 'master' })).toBe(1);
    expect(sampleValue(samples, 'shoal_replication_state', { state: 'DISABLED' })).toBe(1);
    expect(sampleValue(samples, 'shoal_replication_slaves_connected')).toBe(2);
    expect(sampleValue(samples, 'shoal_replication_shipped_tasks_total', { slave: 's1' })).toBe(3);
    expect(sampleValue(samples, 'shoal_replication_shipped_bytes_total', { slave: 's1' })).toBe(
      350,
    );
    expect(sampleValue(samples, 'shoal_replication_shipped_bytes_total', { slave: 's2' })).toBe(10);
  });
});

describe('slave controller and data node counters', () => {
  it('a slave counts finishes, failed attempts, pulls and failed pulls', async () => {
    const metrics = controllerMetrics();
    const slave = slaveReplicationMetrics(metrics);
    slave.taskFinished(1);
    slave.taskFinished(3); // a batch of three
    slave.taskFailed(1);
    slave.pulled(0.002, false);
    slave.pulled(5.1, false);
    slave.pulled(0.3, true);
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'shoal_replication_tasks_finished_total')).toBe(4);
    expect(sampleValue(samples, 'shoal_replication_tasks_failed_total')).toBe(1);
    expect(sampleValue(samples, 'shoal_replication_pull_errors_total')).toBe(1);
    expect(sampleValue(samples, 'shoal_replication_pull_duration_seconds_count')).toBe(3);
    const bucket = (le: string): number | undefined =>
      sampleValue(samples, 'shoal_replication_pull_duration_seconds_bucket', { le });
    expect(bucket('0.005')).toBe(1);
    expect(bucket('5')).toBe(2);
    expect(bucket('10')).toBe(3);
    expect(bucket('30')).toBe(3);
  });

  it('a master data node counts served bytes only; a slave data node applies only', async () => {
    const onMaster = new MetricsRegistry({ alias: 'dn1', role: 'datanode' });
    const master = dataNodeReplicationMetrics(onMaster, 'master');
    master.taskDataServed(1234);
    master.taskDataServed(66);
    const masterSamples = await scrape(onMaster);
    expect(sampleValue(masterSamples, 'shoal_replication_task_data_served_bytes_total')).toBe(1300);
    expect(sampleValue(masterSamples, 'shoal_replication_task_data_in_memory_bytes')).toBe(0);
    let inMemory = 5000;
    master.watchTaskDataInMemory(() => inMemory);
    expect(sampleValue(await scrape(onMaster), 'shoal_replication_task_data_in_memory_bytes')).toBe(
      5000,
    );
    inMemory = 0;
    expect(sampleValue(masterSamples, 'shoal_replication_tasks_applied_total')).toBeUndefined();

    const onSlave = new MetricsRegistry({ alias: 'dn1', role: 'datanode' });
    const slave = dataNodeReplicationMetrics(onSlave, 'slave');
    slave.taskApplied(0.2, 1);
    slave.taskApplied(0.3, 5); // a batch: five tasks, one run
    const slaveSamples = await scrape(onSlave);
    expect(sampleValue(slaveSamples, 'shoal_replication_tasks_applied_total')).toBe(6);
    expect(sampleValue(slaveSamples, 'shoal_replication_apply_duration_seconds_count')).toBe(2);
    expect(sampleValue(slaveSamples, 'shoal_replication_apply_duration_seconds_sum')).toBe(0.5);
    expect(
      sampleValue(slaveSamples, 'shoal_replication_task_data_served_bytes_total'),
    ).toBeUndefined();
    expect(
      sampleValue(slaveSamples, 'shoal_replication_task_data_in_memory_bytes'),
    ).toBeUndefined();

    const plain = new MetricsRegistry({ alias: 'dn1', role: 'datanode' });
    dataNodeReplicationMetrics(plain, 'none');
    const plainSamples = await scrape(plain);
    expect(plainSamples.filter((s) => s.name.startsWith('shoal_replication_'))).toEqual([]);
  });
});
