// The replication functions of a slave controller (SPEC §5), with exactly their columns:
// task status, queue status, metrics, state and lag, and the commands stop/start/skip.

import { ShoalError } from '../core/errors.ts';
import {
  finishedThrough,
  lag,
  metrics,
  queueStatus,
  unfinishedWeight,
} from '../core/replication/slave-scheduler.ts';
import type { SlaveTask } from '../core/replication/slave-scheduler.ts';
import type { ControllerFunction } from '../cluster/rpc.ts';
import { VOID } from '../query/value.ts';
import type { Value } from '../query/value.ts';
import type { SlaveReplication } from './slave-service.ts';
import { consistencyTable } from './slave-consistency.ts';
import { statusTable } from './status-table.ts';

/** The functions a slave controller runs. */
export function slaveFunctions(slave: SlaveReplication): Map<string, ControllerFunction> {
  return new Map<string, ControllerFunction>([
    ['getSlaveReplicationStatus', async (args) => taskStatus(slave, integerArg(args[0], -1))],
    ['getSlaveReplicationQueueStatus', async () => queueTable(slave)],
    ['getClusterReplicationMetrics', async (args) => metricsTable(slave, integerArg(args[0], 30))],
    ['getClusterReplicationState', async () => stateTable(slave)],
    ['stopClusterReplication', async () => command(slave, { kind: 'stop' })],
    [
      'startClusterReplication',
      async () => command(slave, { kind: 'start', nowMillis: Date.now() }),
    ],
    [
      'checkClusterReplicationConsistency',
      async (args) => consistencyTable(slave, args[0] === undefined ? null : databasesArg(args[0])),
    ],
    [
      'skipClusterReplicationTask',
      async (args) => command(slave, { kind: 'skip', taskIds: taskIdsArg(args[0]) }),
    ],
  ]);
}

function command(slave: SlaveReplication, event: Parameters<SlaveReplication['apply']>[0]): Value {
  slave.apply(event);
  return VOID;
}

function taskStatus(slave: SlaveReplication, limit: number): Value {
  const tasks = [...slave.current.tasks.values()].sort((a, b) => a.taskId - b.taskId);
  const shown = limit < 0 ? tasks : tasks.slice(0, limit);
  return statusTable<SlaveTask>(
    [
      { name: 'taskId', type: 'LONG', of: (t) => t.taskId },
      { name: 'masterTid', type: 'LONG', of: (t) => t.tid },
      { name: 'groupId', type: 'LONG', of: (t) => t.groupId },
      { name: 'executionSet', type: 'INT', of: (t) => t.executionSet },
      { name: 'queueId', type: 'INT', of: (t) => t.queueId },
      { name: 'operationType', type: 'STRING', of: (t) => t.operationType },
      { name: 'createTime', type: 'NANOTIMESTAMP', of: (t) => t.submitMillis },
      { name: 'dbName', type: 'STRING', of: (t) => t.db },
      { name: 'tableName', type: 'STRING', of: (t) => t.table },
      { name: 'srcIP', type: 'STRING', of: (t) => t.srcHost },
      { name: 'srcPort', type: 'INT', of: (t) => t.srcPort },
      { name: 'finishTime', type: 'NANOTIMESTAMP', of: (t) => t.finishMillis },
      { name: 'executionNode', type: 'STRING', of: (t) => t.executionNode },
      { name: 'state', type: 'STRING', of: (t) => t.state },
      { name: 'details', type: 'STRING', of: (t) => t.details },
    ],
    shown,
  );
}

function queueTable(slave: SlaveReplication): Value {
  return statusTable(
    [
      { name: 'executionSet', type: 'INT', of: (q) => q.executionSet },
      { name: 'queueId', type: 'INT', of: (q) => q.queueId },
      { name: 'unfinishedTasks', type: 'LONG', of: (q) => q.unfinishedTasks },
      { name: 'executionGroupId', type: 'LONG', of: (q) => q.executionGroupId },
      { name: 'executionNode', type: 'STRING', of: (q) => q.executionNode },
      { name: 'executionTime', type: 'LONG', of: (q) => q.executionTime },
      { name: 'status', type: 'STRING', of: (q) => q.status },
    ],
    queueStatus(slave.current, Date.now()),
  );
}

function metricsTable(slave: SlaveReplication, secs: number): Value {
  const m = metrics(slave.current, Date.now(), secs);
  return statusTable(
    [
      { name: 'status', type: 'STRING', of: () => m.status },
      { name: 'finishedTasks', type: 'LONG', of: () => m.finishedTasks },
      { name: 'unfinishedTasks', type: 'LONG', of: () => m.unfinishedTasks },
      { name: 'finishedTasksPerSec', type: 'DOUBLE', of: () => m.finishedTasksPerSec },
      { name: 'maxCostPerTask', type: 'DOUBLE', of: () => m.maxCostPerTask },
      { name: 'avgCostPerTask', type: 'DOUBLE', of: () => m.avgCostPerTask },
      { name: 'averageGroupSize', type: 'DOUBLE', of: () => m.averageGroupSize },
    ],
    [m],
  );
}

function stateTable(slave: SlaveReplication): Value {
  const now = Date.now();
  const state = slave.current;
  const behind = lag(state, now);
  const unfinished = [...state.tasks.values()].filter((t) => t.state !== 'FINISHED');
  const details =
    state.state === 'STOPPED'
      ? state.stoppedReason
      : slave.lastPullError === ''
        ? ''
        : `pulling from the master fails: ${slave.lastPullError}`;
  return statusTable(
    [
      { name: 'role', type: 'STRING', of: () => 'slave' },
      { name: 'state', type: 'STRING', of: () => state.state },
      { name: 'lastTaskId', type: 'LONG', of: () => state.pulledThrough },
      { name: 'lastFinishedTaskId', type: 'LONG', of: () => finishedThrough(state) },
      {
        name: 'lagTasks',
        type: 'LONG',
        of: () => Math.max(behind.lagTasks, slave.masterLastTaskId - finishedThrough(state)),
      },
      { name: 'lagSeconds', type: 'DOUBLE', of: () => behind.lagMillis / 1000 },
      { name: 'backlogWeight', type: 'LONG', of: () => unfinishedWeight(state) },
      { name: 'backlogBytes', type: 'LONG', of: () => unfinished.reduce((n, t) => n + t.bytes, 0) },
      { name: 'details', type: 'STRING', of: () => details },
    ],
    [state],
  );
}

function integerArg(value: Value | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (
    value.kind === 'scalar' &&
    (typeof value.value === 'number' || typeof value.value === 'bigint')
  ) {
    return Number(value.value);
  }
  throw new ShoalError('INVALID_ARGUMENT', 'expected an integer');
}

function taskIdsArg(value: Value | undefined): number[] {
  if (value?.kind === 'scalar') return [integerArg(value, 0)];
  if (
    value?.kind === 'vector' &&
    value.column.type !== 'SYMBOL' &&
    value.column.type !== 'STRING'
  ) {
    return Array.from(value.column.data as ArrayLike<number | bigint>, (v) => Number(v));
  }
  throw new ShoalError(
    'INVALID_ARGUMENT',
    'skipClusterReplicationTask takes a task id or a vector of task ids',
  );
}

/** A database path (a string or a handle the data node turned into its path), or several. */
function databasesArg(value: Value): string[] {
  if (value.kind === 'scalar' && typeof value.value === 'string') return [value.value];
  if (
    value.kind === 'vector' &&
    (value.column.type === 'STRING' || value.column.type === 'SYMBOL')
  ) {
    const data = value.column.type === 'SYMBOL' ? value.column.data.dictionary : value.column.data;
    return [...data];
  }
  throw new ShoalError(
    'INVALID_ARGUMENT',
    'checkClusterReplicationConsistency takes a database path such as "dfs://testDB" (or none for every replicated database)',
  );
}
