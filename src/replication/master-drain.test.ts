// Proves a stopping master's drain (SPEC §7.9): it refuses new replicated writes, hands a
// waiting pull what it holds at once, returns as soon as every slave still pulling has taken
// every task, and when time runs out logs which slave was left where (tasks stay retained).
// How: a real MasterReplication on a real ControllerState (LMDB in a temp folder), pulls
// made by hand, a pino logger into an array.

import { afterEach, describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import type { CatalogChange } from '../storage/index.ts';
import type { MasterReplication } from './master-service.ts';
import type { PullRequest } from './master-service.ts';
import { capturedLogger, tempControllerState, testMaster, testPull } from './test-support.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DB = 'dfs://drain';
const CREATE = {
  kind: 'create-database',
  meta: { id: 1, name: DB, scheme: { kind: 'VALUE', type: 'INT', values: [1] } },
} as const satisfies CatalogChange;

/** A master with one replicated database (task 1: its CREATE_DB) and its log lines. */
async function master(): Promise<{ master: MasterReplication; lines: Record<string, unknown>[] }> {
  const { state, dispose } = await tempControllerState();
  cleanups.push(dispose);
  const { logger, lines } = capturedLogger();
  // A long interval: only the drain makes the master answer a pull before it.
  const replication = testMaster(state, 60_000, { logger });
  replication.enableDatabase(DB, true, CREATE, 'dn1');
  return { master: replication, lines };
}

function pullOf(after: number, waitMillis = 5000): PullRequest {
  return testPull(after, waitMillis);
}

describe('a stopping master drains', () => {
  it('answers a waiting pull at once, returns when the slave took everything, refuses writes', async () => {
    const { master: m, lines } = await master();
    expect(m.log.lastTaskId()).toBe(1);
    // The slave's first pull waits: one task of weight 1 is below intervalOpers.
    const waiting = m.pull(pullOf(0));
    const draining = m.drain(10_000);
    expect((await waiting).map((t) => t.taskId)).toEqual([1]);
    const refused = (() => {
      try {
        m.admit(DB);
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(isShoalError(refused, 'REPLICATION_REFUSED')).toBe(true);
    expect(String(refused)).toMatch(/controller is stopping/);
    // The slave persisted task 1 and asks after it: the drain is done before its timeout
    // (which would have logged what was left).
    expect(await m.pull(pullOf(1))).toEqual([]);
    await draining;
    expect(lines.filter((l) => String(l['msg']).startsWith('stopping before'))).toEqual([]);
  });

  it('logs the slave it left behind when time runs out', async () => {
    const { master: m, lines } = await master();
    expect(await m.pull(pullOf(0, 0))).toEqual([]);
    await m.drain(100);
    const left = lines.filter((l) => String(l['msg']).startsWith('stopping before'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({
      lastTaskId: 1,
      left: [{ slave: 'slave@127.0.0.1:9', pulledThrough: 0 }],
    });
  });

  it('does not wait when no slave is pulling', async () => {
    const { master: m, lines } = await master();
    // No slave ever pulled: nobody to wait for, so no timeout and nothing logged.
    await m.drain(2000);
    expect(lines.filter((l) => String(l['msg']).startsWith('stopping before'))).toEqual([]);
  });
});
