// Convergence under a random workload (SPEC §8.4): fast-check draws 240 operations (inserts,
// updates, deletes, truncates) over three databases of a real master cluster: two replicated,
// in different execution sets, and one not. The slave cluster ends with the replicated tables
// equal to the master's (checksums) and without the third database. The seed is printed on
// failure and fixed per run by SHOAL_WORKLOAD_SEED.

import {
  adminSession as login,
  scalarOf as scalar,
  slaveOverrides,
} from '../src/replication/test-support.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/client/index.ts';
import { startTestCluster } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';

const DATABASES = ['dfs://w1', 'dfs://w2', 'dfs://w3'] as const;
const REPLICATED = ['dfs://w1', 'dfs://w2'] as const;
const OPERATIONS = 240;
const SEED = Number(process.env['SHOAL_WORKLOAD_SEED'] ?? Date.now() % 1_000_000);

let master: TestCluster;
let slave: TestCluster;
let onMaster: Connection;
let onSlave: Connection;

type Operation =
  | { kind: 'insert'; db: number; rows: [number, number][] }
  | { kind: 'update'; db: number; k: number; add: number }
  | { kind: 'deleteKey'; db: number; k: number }
  | { kind: 'deleteAbove'; db: number; v: number }
  | { kind: 'truncate'; db: number };

const db = fc.integer({ min: 0, max: 2 });
const key = fc.integer({ min: 0, max: 7 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      db,
      rows: fc.array(fc.tuple(key, fc.integer({ min: -1000, max: 1000 })), {
        minLength: 1,
        maxLength: 20,
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      db,
      k: key,
      add: fc.integer({ min: 1, max: 9 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteKey' as const), db, k: key }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteAbove' as const),
      db,
      v: fc.integer({ min: 0, max: 1000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), db }) },
);

function statement(op: Operation): string {
  const path = DATABASES[op.db] as string;
  const table = `loadTable("${path}", "t")`;
  switch (op.kind) {
    case 'insert':
      return `insert into ${table} values ${op.rows.map(([k, v]) => `(${k}, ${v})`).join(', ')}`;
    case 'update':
      return `update ${table} set v = v + ${op.add} where k = ${op.k}`;
    case 'deleteKey':
      return `delete from ${table} where k = ${op.k}`;
    case 'deleteAbove':
      return `delete from ${table} where v > ${op.v}`;
    case 'truncate':
      return `truncate("${path}", "t")`;
  }
}

/** The slave's unfinished tasks, for a failure message. */
async function openTasks(): Promise<string> {
  const status = await onSlave.runOne('rpc(getControllerAlias(), getSlaveReplicationStatus)');
  if (status.kind !== 'table') return 'no status';
  const at = (name: string, row: number): unknown => {
    const col = status.table.columns[status.table.names.indexOf(name)];
    return col === undefined || col.type === 'SYMBOL' ? undefined : col.data[row];
  };
  const rows =
    status.table.columns[0] === undefined
      ? 0
      : (status.table.columns[0].data as ArrayLike<unknown>).length;
  const open: string[] = [];
  for (let row = 0; row < rows && open.length < 5; row++) {
    if (at('state', row) !== 'FINISHED') {
      open.push(
        `${String(at('taskId', row))} ${String(at('operationType', row))} ${String(at('dbName', row))} ${String(at('state', row))}: ${String(at('details', row))}`,
      );
    }
  }
  return `unfinished slave tasks: ${open.join(' | ') || 'none'}`;
}

beforeAll(async () => {
  master = await startTestCluster({
    overrides: ['clusterReplicationMode=master', 'clusterReplicationIntervalMillis=20'],
  });
  slave = await startTestCluster({
    overrides: slaveOverrides(master.controllerUrl, [
      'clusterReplicationRetryInitialMillis=20',
      'clusterReplicationRetryMaxMillis=200',
    ]),
  });
  onMaster = await login(master.dataNodeUrls[0] as string);
  onSlave = await login(slave.dataNodeUrls[1] as string);
}, 180_000);

afterAll(async () => {
  await onMaster?.close().catch(() => undefined);
  await onSlave?.close().catch(() => undefined);
  await slave?.stop();
  await master?.stop();
}, 60_000);

describe('a random workload over replicated and unreplicated databases', () => {
  it(`converges (seed ${SEED})`, async () => {
    for (const path of DATABASES) {
      await onMaster.run(`create database "${path}" partitioned by VALUE(0..7)`);
    }
    for (const [set, path] of REPLICATED.entries()) {
      await onMaster.run(`setDatabaseForClusterReplication("${path}", true)`);
      await onMaster.run(`setDatabaseClusterReplicationExecutionSet("${path}", ${set})`);
    }
    for (const path of DATABASES) {
      await onMaster.run(`create table "${path}"."t"(k INT, v LONG) partitioned by k`);
    }
    const [ops] = fc.sample(fc.array(operation, { minLength: OPERATIONS, maxLength: OPERATIONS }), {
      seed: SEED,
      numRuns: 1,
    });
    for (const op of ops ?? []) await onMaster.run(statement(op));

    const sets = await onMaster.runOne('getDatabaseClusterReplicationStatus()');
    expect(sets.kind === 'table' && sets.table.names).toEqual([
      'dbName',
      'enabled',
      'executionSet',
    ]);
    for (const path of REPLICATED) {
      const expected = await scalar(onMaster, `tableChecksum("${path}", "t")`);
      const deadline = Date.now() + 120_000;
      let actual: unknown;
      while (actual !== expected) {
        if (Date.now() > deadline) {
          throw new Error(
            `seed ${SEED}: ${path} on the slave is ${String(actual)}, not ${String(expected)}; ${await openTasks()}`,
          );
        }
        actual = await scalar(onSlave, `tableChecksum("${path}", "t")`).catch((e: unknown) => e);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(await scalar(onSlave, `existsDatabase("dfs://w3")`)).toBe(0);
    const state = await onSlave.runOne('rpc(getControllerAlias(), getClusterReplicationState)');
    expect(state.kind).toBe('table');
  }, 400_000);
});
