// The replication metrics of a node (the names are fixed: docs/operations.md lists them).
// The gauges are read at scrape time from the controller's own replication functions
// (getClusterReplicationState, getReplicationChannelStatus), so /metrics and the functions
// never disagree; the counters and histograms are fed by the services as things happen.

import { assert } from '../core/assert.ts';
import type { ReplicationMode } from '../cluster/config/cluster-config.ts';
import type { ControllerFunction } from '../cluster/rpc.ts';
import type { Column } from '../core/types/column.ts';
import type { Value } from '../query/value.ts';
import { sharedRead } from '../net/metrics/metrics-registry.ts';
import type { MetricsRegistry } from '../net/metrics/metrics-registry.ts';

/** A pull is a long poll (the master holds it up to 5 s, longer when slow): 5 ms to 30 s. */
export const PULL_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Applying a task runs from a one-row insert (ms) to a fetch of a big append (minutes). */
export const APPLY_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];

/** The states shoal_replication_state reports, one series each. */
const STATES = ['ENABLED', 'DISABLED', 'STOPPED'] as const;

/** The numeric gauges of getClusterReplicationState: metric name, column, help. */
const STATE_NUMBERS: readonly { name: string; column: string; help: string }[] = [
  {
    name: 'shoal_replication_last_task_id',
    column: 'lastTaskId',
    help: 'Newest task id recorded (master) or received (slave).',
  },
  {
    name: 'shoal_replication_last_finished_task_id',
    column: 'lastFinishedTaskId',
    help: 'Every task through this id is finished on the slave (on a master: on the slowest slave).',
  },
  {
    name: 'shoal_replication_lag_tasks',
    column: 'lagTasks',
    help: 'Tasks not yet finished (on a master: by the slowest slave).',
  },
  {
    name: 'shoal_replication_lag_seconds',
    column: 'lagSeconds',
    help: 'Age of the oldest unfinished task in seconds (0 when none).',
  },
  {
    name: 'shoal_replication_backlog_weight',
    column: 'backlogWeight',
    help: 'Weight of the tasks not yet finished.',
  },
  {
    name: 'shoal_replication_backlog_bytes',
    column: 'backlogBytes',
    help: 'Task data bytes of the tasks not yet finished.',
  },
];

/** The controller functions the gauges read, by name. */
export type ReplicationFunctions = ReadonlyMap<string, ControllerFunction>;

/**
 * The gauges of a controller of `mode`: shoal_replication_info on every one; on a master or
 * a slave the state, position, lag and backlog of its getClusterReplicationState (one call
 * per scrape); on a master the connected slaves of its getReplicationChannelStatus.
 */
export function registerControllerReplicationGauges(
  metrics: MetricsRegistry,
  mode: ReplicationMode,
  functions: ReplicationFunctions,
): void {
  metrics.info('shoal_replication_info', 'The replication mode of this cluster (always 1).', {
    mode,
  });
  if (mode === 'none') return;
  registerStateGauges(metrics, functions);
  if (mode === 'master') registerSlavesConnected(metrics, functions);
}

function registerStateGauges(metrics: MetricsRegistry, functions: ReplicationFunctions): void {
  const row = sharedRead(() => call(functions, 'getClusterReplicationState'));
  metrics.gauge(
    'shoal_replication_state',
    'Replication state: 1 for the current one, 0 for the others.',
    ['state'],
    async () => {
      const state = textCell(await row(), 'state');
      return STATES.map((s) => ({ labels: { state: s }, value: s === state ? 1 : 0 }));
    },
  );
  for (const { name, column, help } of STATE_NUMBERS) {
    metrics.gauge(name, help, [], async () => [
      { labels: {}, value: numberCell(await row(), column) },
    ]);
  }
}

function registerSlavesConnected(metrics: MetricsRegistry, functions: ReplicationFunctions): void {
  metrics.gauge(
    'shoal_replication_slaves_connected',
    'Slaves whose channel is not DISCONNECTED (getReplicationChannelStatus).',
    [],
    async () => {
      const channels = await call(functions, 'getReplicationChannelStatus');
      const states = textColumn(channels, 'channelState');
      return [{ labels: {}, value: states.filter((s) => s !== 'DISCONNECTED').length }];
    },
  );
}

/** What a master controller counts as it ships tasks. */
export interface MasterReplicationMetrics {
  /** A pull answer to `slaveId` carried `tasks` tasks of `bytes` task data bytes. */
  shipped(slaveId: string, tasks: number, bytes: number): void;
}

/** The master controller's counters of what it ships to each slave. */
export function masterReplicationMetrics(metrics: MetricsRegistry): MasterReplicationMetrics {
  const tasks = metrics.counter(
    'shoal_replication_shipped_tasks_total',
    'Tasks shipped to each slave in answers to its pulls.',
    ['slave'],
  );
  const bytes = metrics.counter(
    'shoal_replication_shipped_bytes_total',
    'Task data bytes of the tasks shipped to each slave.',
    ['slave'],
  );
  return {
    shipped: (slaveId, count, size) => {
      tasks.inc({ slave: slaveId }, count);
      bytes.inc({ slave: slaveId }, size);
    },
  };
}

/** What a slave controller counts as it pulls and runs tasks. */
export interface SlaveReplicationMetrics {
  /** A data node applied a dispatched run of `tasks` tasks (one, or a batch). */
  taskFinished(tasks: number): void;
  /** One attempt of a run of `tasks` tasks failed (each is retried, or stops replication). */
  taskFailed(tasks: number): void;
  /** A pull to the master took `seconds`; `failed` when it ended in an error. */
  pulled(seconds: number, failed: boolean): void;
}

/** The slave controller's counters and pull histogram. */
export function slaveReplicationMetrics(metrics: MetricsRegistry): SlaveReplicationMetrics {
  const finished = metrics.counter(
    'shoal_replication_tasks_finished_total',
    'Tasks a data node of this slave applied.',
  );
  const failed = metrics.counter(
    'shoal_replication_tasks_failed_total',
    'Failed attempts of tasks (each retry that fails counts).',
  );
  const pulls = metrics.histogram(
    'shoal_replication_pull_duration_seconds',
    'Round trip of each pull to the master (a long poll), failed ones included.',
    PULL_DURATION_BUCKETS,
  );
  const pullErrors = metrics.counter(
    'shoal_replication_pull_errors_total',
    'Pulls to the master that failed.',
  );
  return {
    taskFinished: (tasks) => finished.inc(tasks),
    taskFailed: (tasks) => failed.inc(tasks),
    pulled: (seconds, error) => {
      pulls.observe(seconds);
      if (error) pullErrors.inc();
    },
  };
}

/** What a data node counts of replication: a master's task data served, a slave's applies. */
export interface DataNodeReplicationMetrics {
  /** A master data node sent `bytes` of task data to a slave data node. */
  taskDataServed(bytes: number): void;
  /**
   * A slave data node applied a run of `tasks` tasks (one, or a batch as one transaction) in
   * `seconds` (fetching their data included).
   */
  taskApplied(seconds: number, tasks: number): void;
  /**
   * The fetched task data a slave data node holds and has not written yet grew by
   * `changeBytes` (negative once written).
   */
  taskDataHeld(changeBytes: number): void;
  /** A master data node's task data held in memory, read at each scrape. */
  watchTaskDataInMemory(bytes: () => number): void;
}

/**
 * The data node's replication metrics for `mode`: a master's only count what it serves, a
 * slave's only what it applies (the other role's calls never happen and count nothing).
 */
export function dataNodeReplicationMetrics(
  metrics: MetricsRegistry,
  mode: ReplicationMode,
): DataNodeReplicationMetrics {
  const served =
    mode === 'master'
      ? metrics.counter(
          'shoal_replication_task_data_served_bytes_total',
          'Bytes of task data sent to slave data nodes (GET /replication/task-data).',
        )
      : undefined;
  const applied =
    mode === 'slave'
      ? metrics.counter('shoal_replication_tasks_applied_total', 'Tasks this data node applied.')
      : undefined;
  const duration =
    mode === 'slave'
      ? metrics.histogram(
          'shoal_replication_apply_duration_seconds',
          'Time to apply one run (a task, or a batch of appends as one transaction) on this data node, fetching its data included.',
          APPLY_DURATION_BUCKETS,
        )
      : undefined;
  let held = 0;
  let peak = 0;
  let inMemory = (): number => 0;
  if (mode === 'master') {
    metrics.gauge(
      'shoal_replication_task_data_in_memory_bytes',
      'Task data of replicated appends this master data node holds in memory and has not written to its file (clusterReplicationSyncPersistence=false).',
      [],
      () => [{ labels: {}, value: inMemory() }],
    );
  }
  if (mode === 'slave') {
    metrics.gauge(
      'shoal_replication_task_data_held_bytes',
      'Fetched task data this data node holds and has not written yet (streamed: about two frames per task applied).',
      [],
      () => [{ labels: {}, value: held }],
    );
    metrics.gauge(
      'shoal_replication_task_data_held_peak_bytes',
      'The most fetched task data this data node held at once since it started.',
      [],
      () => [{ labels: {}, value: peak }],
    );
  }
  return {
    taskDataServed: (bytes) => served?.inc(bytes),
    taskDataHeld: (changeBytes) => {
      held += changeBytes;
      peak = Math.max(peak, held);
    },
    watchTaskDataInMemory: (bytes) => {
      inMemory = bytes;
    },
    taskApplied: (seconds, tasks) => {
      applied?.inc(tasks);
      duration?.observe(seconds);
    },
  };
}

async function call(functions: ReplicationFunctions, name: string): Promise<Value> {
  const f = functions.get(name);
  assert(f !== undefined, `the controller's function map has ${name}`);
  return f([]);
}

/** The values of column `name` of a status table, as text. */
function textColumn(value: Value, name: string): readonly string[] {
  const column = columnOf(value, name);
  assert(column.type === 'STRING', `status column ${name} is STRING`);
  return column.data;
}

function textCell(value: Value, name: string): string {
  const cell = textColumn(value, name)[0];
  assert(cell !== undefined, `getClusterReplicationState has one row`);
  return cell;
}

/** The first row's value of numeric column `name` of a status table. */
function numberCell(value: Value, name: string): number {
  const column = columnOf(value, name);
  assert(column.type !== 'STRING' && column.type !== 'SYMBOL', `status column ${name} is numeric`);
  const cell = column.data[0];
  assert(cell !== undefined, `getClusterReplicationState has one row`);
  return Number(cell);
}

function columnOf(value: Value, name: string): Column {
  assert(value.kind === 'table', 'a replication status function answers a table');
  const column = value.table.columns[value.table.names.indexOf(name)];
  assert(column !== undefined, `the status table has column ${name}`);
  return column;
}
