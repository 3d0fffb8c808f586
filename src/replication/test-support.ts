// Helpers the replication tests and benchmarks share: the overrides that make a test cluster
// a slave of a master, an admin session, and reading scalars and table columns.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { connect } from '../client/index.ts';
import { hashPassword } from '../cluster/auth/index.ts';
import { ControllerState } from '../cluster/controller/controller-state.ts';
import type { Connection } from '../client/index.ts';
import { startTestCluster, TEST_ADMIN_PASSWORD } from '../cluster/process/test-cluster.ts';
import type { TestCluster } from '../cluster/process/test-cluster.ts';
import type { Value } from '../query/value.ts';
import type { NodeEnvironment } from '../cluster/process/spawn-node.ts';
import { MasterReplication } from './master-service.ts';
import type { MasterObservers, PullRequest } from './master-service.ts';

/** Overrides for a test cluster that replicates from the master whose controller is at `url`. */
export function slaveOverrides(
  masterControllerUrl: string,
  extra: readonly string[] = [],
): string[] {
  return [
    'clusterReplicationMode=slave',
    `clusterReplicationMasterCtl=${new URL(masterControllerUrl).host}`,
    `clusterReplicationMasterPassword=${TEST_ADMIN_PASSWORD}`,
    `clusterReplicationExecutionPassword=${TEST_ADMIN_PASSWORD}`,
    ...extra,
  ];
}

/** A master cluster and one slave of it, each a controller and `dataNodes` data nodes. */
export interface ReplicationPair {
  readonly master: TestCluster;
  readonly slave: TestCluster;
  /** Stops the slave, then the master; safe to call after a failed start. */
  stop(): Promise<void>;
}

/** What differs between the pairs the tests start. */
export interface ReplicationPairOptions {
  /** Data nodes per cluster; 2 when absent. */
  readonly dataNodes?: number;
  /** Master settings over the defaults (mode=master and a 50 ms interval). */
  readonly master?: readonly string[];
  /** Slave settings over the defaults (fast retries). */
  readonly slave?: readonly string[];
  /** Extra environment of every master node. */
  readonly masterEnv?: NodeEnvironment;
  /** Extra environment of every slave node. */
  readonly slaveEnv?: NodeEnvironment;
}

/**
 * Starts a master, then a slave pulling from it, with a short channel interval and fast
 * retries so tests move quickly. If the slave fails to start the master is stopped.
 */
export async function startReplicationPair(
  options: ReplicationPairOptions = {},
): Promise<ReplicationPair> {
  const dataNodes = options.dataNodes ?? 2;
  const master = await startTestCluster({
    dataNodes,
    ...(options.masterEnv === undefined ? {} : { env: options.masterEnv }),
    overrides: withDefaults(
      ['clusterReplicationMode=master', 'clusterReplicationIntervalMillis=50'],
      options.master,
    ),
  });
  let slave: TestCluster;
  try {
    slave = await startTestCluster({
      dataNodes,
      ...(options.slaveEnv === undefined ? {} : { env: options.slaveEnv }),
      overrides: slaveOverrides(
        master.controllerUrl,
        withDefaults(
          ['clusterReplicationRetryInitialMillis=50', 'clusterReplicationRetryMaxMillis=200'],
          options.slave,
        ),
      ),
    });
  } catch (error) {
    await master.stop();
    throw error;
  }
  return {
    master,
    slave,
    stop: async () => {
      await slave.stop();
      await master.stop();
    },
  };
}

/** `defaults` without the keys `extra` sets, then `extra` (a config file takes a key once). */
function withDefaults(defaults: readonly string[], extra: readonly string[] = []): string[] {
  const keyOf = (line: string): string => line.slice(0, line.indexOf('='));
  const overridden = new Set(extra.map(keyOf));
  return [...defaults.filter((line) => !overridden.has(keyOf(line))), ...extra];
}

/** The task data file that data node `alias` of `master` wrote last (the newest task's). */
export async function newestTaskFile(master: TestCluster, alias = 'dn1'): Promise<string> {
  const dir = path.join(master.dir, alias, 'clusterReplication');
  const tids = (await readdir(dir))
    .filter((name) => name.endsWith('.task'))
    .map((name) => Number.parseInt(name, 10));
  if (tids.length === 0) throw new Error(`${dir} holds no task data file`);
  return path.join(dir, `${Math.max(...tids)}.task`);
}

/** An admin session on the node at `url`. */
export async function adminSession(url: string, timeoutMillis = 120_000): Promise<Connection> {
  return connect(url, { user: 'admin', password: TEST_ADMIN_PASSWORD, timeoutMillis });
}

/** The scalar `text` evaluates to (a LONG as a number). */
export async function scalarOf(connection: Connection, text: string): Promise<unknown> {
  const value = await connection.runOne(text);
  if (value.kind !== 'scalar') throw new Error(`${text} gave ${value.kind}`);
  return typeof value.value === 'bigint' ? Number(value.value) : value.value;
}

/** The named column of a table value as plain values (LONGs as numbers). */
export function tableColumn(value: Value, name: string): unknown[] {
  if (value.kind !== 'table') throw new Error(`expected a table, got ${value.kind}`);
  const col = value.table.columns[value.table.names.indexOf(name)];
  if (col === undefined) throw new Error(`no column ${name} in ${value.table.names.join(', ')}`);
  const data = col.type === 'SYMBOL' ? col.data.dictionary : col.data;
  return Array.from(data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v));
}

/** Polls `probe` until `done` holds for its value (errors count as not yet), or fails after `millis`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  millis = 120_000,
): Promise<T> {
  const deadline = Date.now() + millis;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met in ${millis} ms; last: ${described(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A value for a failure message: a table as its columns, an error as its message. */
function described(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'object' && value !== null && 'kind' in value) {
    const v = value as Value;
    if (v.kind === 'table') {
      return JSON.stringify(Object.fromEntries(v.table.names.map((n) => [n, tableColumn(v, n)])));
    }
    if (v.kind === 'scalar') return String(v.value);
  }
  return String(value);
}

/** A real ControllerState in a new temp folder; `dispose` closes it and removes the folder. */
export async function tempControllerState(): Promise<{
  readonly state: ControllerState;
  dispose(): Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-controller-state-'));
  const state = ControllerState.open({
    path: dir,
    adminHash: await hashPassword(TEST_ADMIN_PASSWORD),
    sessionTimeoutMillis: 60_000,
    maxSessions: 10,
  });
  return {
    state,
    dispose: async () => {
      await state.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A pino logger whose JSON lines land in `lines`, for tests of what services log. */
export function capturedLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

/**
 * A MasterReplication on `state` with one source data node (dn1) and room for two slaves, for
 * tests of the master service; `intervalMillis` as clusterReplicationIntervalMillis (with an
 * operations threshold of 1000, a few DDL tasks wait for it).
 */
export function testMaster(
  state: ControllerState,
  intervalMillis: number,
  observers: MasterObservers = {},
): MasterReplication {
  return new MasterReplication(
    state,
    {
      slaveNum: 2,
      chunkSize: 1000,
      intervalMillis,
      intervalOpers: 1000,
      capacity: { limitWeight: -1, policy: 'block-operations' },
    },
    [{ alias: 'dn1', host: '127.0.0.1', port: 1 }],
    observers,
  );
}

/** A slave's pull (or report) holding and having finished every task through `after`. */
export function testPull(after: number, waitMillis: number): PullRequest {
  return {
    slaveId: 'slave@127.0.0.1:9',
    controller: '127.0.0.1:9',
    after,
    finishedThrough: after,
    maxWeight: 1_000_000,
    waitMillis,
  };
}
