// `shoal status --host H:P -u USER -p PW [--json]`: one look at a cluster — its nodes, its
// replication role, state and lag, and the tables an operator acts on: on a master the slave
// channels, the replicated databases and the latest tasks; on a slave the queues, the
// metrics and the latest tasks (FAILED ones first, with their details).

import { connect } from '../client/connection.ts';
import type { Connection } from '../client/connection.ts';
import { isShoalError } from '../core/errors.ts';
import { columnLength } from '../core/types/column.ts';
import { takeAll } from '../query/result-rows.ts';
import { valueToJson } from '../query/value-json.ts';
import type { Value } from '../query/value.ts';
import { describeError, printShown } from './sql-command.ts';

/** What `shoal status` needs. */
export interface StatusOptions {
  readonly host: string;
  readonly user: string;
  readonly password: string;
  readonly json: boolean;
  /** Latest tasks shown per task table. */
  readonly tasks: number;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/** A titled result: what the command prints (or puts under `title` in --json). */
interface Section {
  readonly title: string;
  readonly value: Value;
}

/** Prints the cluster's status; resolves to the exit status (1 after an error). */
export async function runStatus(options: StatusOptions): Promise<number> {
  let connection: Connection | undefined;
  try {
    connection = await connect(options.host, { user: options.user, password: options.password });
    const sections = await gather(connection, options.tasks);
    if (options.json) {
      const json = Object.fromEntries(sections.map((s) => [s.title, valueToJson(s.value)]));
      options.out.write(`${JSON.stringify(json)}\n`);
    } else {
      for (const section of sections) {
        options.out.write(`== ${section.title}\n`);
        printShown(section.value, options.out);
        options.out.write('\n');
      }
    }
    return 0;
  } catch (error) {
    if (!isShoalError(error)) throw error;
    options.err.write(describeError(error, ''));
    return 1;
  } finally {
    await connection?.close();
  }
}

/** The sections for the cluster's role; a cluster without replication shows its nodes. */
async function gather(connection: Connection, tasks: number): Promise<Section[]> {
  const nodes: Section = { title: 'nodes', value: await connection.runOne('getClusterPerf()') };
  let state: Value;
  try {
    state = await connection.runOne('getClusterReplicationState()');
  } catch (error) {
    if (!isShoalError(error, 'REPLICATION_NOT_ENABLED')) throw error;
    const note = `replication: ${error.message}`;
    return [
      nodes,
      { title: 'replication', value: { kind: 'scalar', type: 'STRING', value: note } },
    ];
  }
  const role = roleOf(state);
  const sections: Section[] = [nodes, { title: 'replication state', value: state }];
  const add = async (title: string, text: string): Promise<void> => {
    sections.push({ title, value: await connection.runOne(text) });
  };
  if (role === 'master') {
    await add('slave channels', 'getReplicationChannelStatus()');
    await add('replicated databases', 'getDatabaseClusterReplicationStatus()');
    const all = await connection.runOne('getMasterReplicationStatus()');
    sections.push({ title: `latest ${tasks} tasks`, value: lastRows(all, tasks) });
  } else {
    await add('queues', 'getSlaveReplicationQueueStatus()');
    await add('metrics (last 30 s)', 'getClusterReplicationMetrics(30)');
    const all = await connection.runOne('getSlaveReplicationStatus()');
    const failed = rowsWhere(all, 'state', 'FAILED');
    if (failed !== null) sections.push({ title: 'FAILED tasks', value: failed });
    sections.push({ title: `latest ${tasks} tasks`, value: lastRows(all, tasks) });
  }
  return sections;
}

function roleOf(state: Value): string {
  if (state.kind !== 'table') return '';
  const column = state.table.columns[state.table.names.indexOf('role')];
  return column?.type === 'STRING' ? (column.data[0] ?? '') : '';
}

/** The last `count` rows of a table value (the newest tasks: both status tables end there). */
function lastRows(value: Value, count: number): Value {
  if (value.kind !== 'table') return value;
  const first = value.table.columns[0];
  const rows = first === undefined ? 0 : columnLength(first);
  const start = Math.max(0, rows - count);
  return pick(
    value,
    Int32Array.from({ length: rows - start }, (_, i) => start + i),
  );
}

/** The rows whose STRING column `name` equals `wanted`; null when there are none. */
function rowsWhere(value: Value, name: string, wanted: string): Value | null {
  if (value.kind !== 'table') return null;
  const column = value.table.columns[value.table.names.indexOf(name)];
  if (column?.type !== 'STRING') return null;
  const indices = column.data.flatMap((v, i) => (v === wanted ? [i] : []));
  return indices.length === 0 ? null : pick(value, Int32Array.from(indices));
}

function pick(value: Value & { kind: 'table' }, indices: Int32Array): Value {
  return {
    kind: 'table',
    table: { ...value.table, columns: takeAll(value.table.columns, indices) },
  };
}
