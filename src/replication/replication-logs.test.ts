// Proves the controllers' replication services log one JSON line per state change with task
// ids (master ENABLED/DISABLED; slave FAILED attempts, STOPPED with its reason, skip, stop,
// start) and count failed attempts. Real services on a real ControllerState (LMDB in a temp
// folder), a pino logger into an array; the slave's task fails because its payload is absent.

import { afterEach, describe, expect, it } from 'vitest';
import type { ControllerState } from '../cluster/controller/controller-state.ts';
import { MetricsRegistry } from '../net/metrics/metrics-registry.ts';
import { parseMetrics, sampleValue } from '../net/metrics/test-support.ts';
import type { StoredTask } from './master-log.ts';
import { MasterReplication } from './master-service.ts';
import { slaveReplicationMetrics } from './replication-metrics.ts';
import { SlaveReplication } from './slave-service.ts';
import { capturedLogger, eventually, tempControllerState } from './test-support.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openState(): Promise<ControllerState> {
  const { state, dispose } = await tempControllerState();
  cleanups.push(dispose);
  return state;
}

/** A logger whose JSON lines land in `lines`. */
const capture = capturedLogger;

function withMessage(lines: readonly Record<string, unknown>[], msg: string) {
  return lines.filter((l) => l['msg'] === msg);
}

const TASK: StoredTask = {
  taskId: 1,
  tid: 10,
  groupId: 1,
  operationType: 'APPEND',
  submitMillis: 1,
  db: 'dfs://logs',
  table: 't',
  srcAlias: 'dn1',
  srcHost: '127.0.0.1',
  srcPort: 1,
  weight: 1,
  bytes: 10,
  partitions: ['20230101'],
  executionSet: 0,
  ddl: [],
  dataCrc32: 0,
  parts: [],
};

describe('master replication logs', () => {
  it('logs DISABLED and ENABLED once each, with the last task id', async () => {
    const { logger, lines } = capture();
    const master = new MasterReplication(
      await openState(),
      {
        slaveNum: 2,
        chunkSize: 1,
        intervalMillis: 50,
        intervalOpers: 1,
        capacity: { limitWeight: -1, policy: 'block-operations' },
      },
      [],
      { logger },
    );
    const functions = master.functions();
    const call = (name: string) => functions.get(name)?.([]);
    await call('stopClusterReplication');
    await call('stopClusterReplication');
    await call('startClusterReplication');
    const changes = withMessage(lines, 'replication state changed');
    expect(changes.map((l) => [l['from'], l['to'], l['lastTaskId'], l['level']])).toEqual([
      ['ENABLED', 'DISABLED', 0, 40],
      ['DISABLED', 'ENABLED', 0, 30],
    ]);
  });
});

describe('slave replication logs and counters', () => {
  it('logs each failed attempt, the STOPPED state with its reason, a skip, stop and start', async () => {
    const { logger, lines } = capture();
    const metrics = new MetricsRegistry({ alias: 'controller', role: 'controller' });
    const nowhere = { alias: 'dn1', host: '127.0.0.1', port: 1 };
    const slave = new SlaveReplication(
      await openState(),
      {
        masterCtl: { host: '127.0.0.1', port: 1 },
        masterUser: 'admin',
        masterPassword: '123456',
        queueCount: 1,
        workerNum: 1,
        dbScope: null,
        retryInitialMillis: 1,
        retryMaxMillis: 1,
      },
      { alias: 'controller', host: '127.0.0.1', port: 1 },
      [nowhere],
      'ab'.repeat(32),
      logger,
      slaveReplicationMetrics(metrics),
    );
    cleanups.push(() => slave.stop());

    // No payload was kept for the task, so every attempt fails; 30 stop the slave.
    slave.apply({ kind: 'pulled', tasks: [TASK], nowMillis: Date.now() });
    for (let attempt = 1; attempt <= 30; attempt++) {
      await eventually(
        async () => slave.current.tasks.get(1),
        (t) => t?.state === 'FAILED' && t.attempts === attempt,
        10_000,
      );
      if (attempt < 30) slave.apply({ kind: 'tick', nowMillis: Date.now() + 60_000 });
    }
    expect(slave.current.state).toBe('STOPPED');
    slave.apply({ kind: 'skip', taskIds: [1], nowMillis: Date.now() });
    slave.apply({ kind: 'stop' });
    slave.apply({ kind: 'start', nowMillis: Date.now() });

    const failed = withMessage(lines, 'replication task failed');
    expect(failed.map((l) => l['attempt'])).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(failed[0]).toMatchObject({ taskId: 1, node: 'dn1' });
    expect(String(failed[0]?.['details'])).toContain('task 1 was not kept');

    const changes = withMessage(lines, 'replication state changed');
    expect(changes.map((l) => [l['from'], l['to']])).toEqual([
      ['ENABLED', 'STOPPED'],
      ['STOPPED', 'DISABLED'],
      ['DISABLED', 'ENABLED'],
    ]);
    expect(changes[0]).toMatchObject({ lastTaskId: 1, lastFinishedTaskId: 0 });
    expect(String(changes[0]?.['reason'])).toMatch(/^task 1 failed 30 times: /);
    // After the skip, task 1 counts as finished.
    expect(changes[1]).toMatchObject({ lastTaskId: 1, lastFinishedTaskId: 1 });

    const skipped = withMessage(lines, 'replication task skipped');
    expect(skipped.map((l) => l['taskId'])).toEqual([1]);

    const samples = parseMetrics(await metrics.text());
    expect(sampleValue(samples, 'shoal_replication_tasks_failed_total')).toBe(30);
    expect(sampleValue(samples, 'shoal_replication_tasks_finished_total')).toBe(0);
  });
});
