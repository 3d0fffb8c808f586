// A real cluster (1 controller + 2 data nodes as OS processes on loopback): the tutorial's DDL
// and 1,210,000-row append through the SDK and the CLI, read back by count and checksum; then
// kill -9 of a data node, a coordinator and the controller at each phase of a commit, proving
// that after restart every append is wholly present or wholly absent, and that the client
// was told the truth.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TUTORIAL_DB,
  TUTORIAL_ROWS,
  TUTORIAL_TABLE,
  tutorialColumns,
} from '../src/cli/tutorial-data.ts';
import { connect } from '../src/client/index.ts';
import type { Connection } from '../src/client/index.ts';
import { isShoalError } from '../src/core/errors.ts';
import { checksumColumns, formatChecksum } from '../src/storage/index.ts';
import { startTestCluster, TEST_ADMIN_PASSWORD } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';

const run = promisify(execFile);
const MAIN = path.join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
const CRASH_TABLE = '"dfs://testDB"."crash"';

let cluster: TestCluster;
let sdk: Connection;

async function login(url: string): Promise<Connection> {
  return connect(url, { user: 'admin', password: TEST_ADMIN_PASSWORD, timeoutMillis: 60_000 });
}

async function scalar(connection: Connection, text: string): Promise<unknown> {
  const value = await connection.runOne(text);
  if (value.kind !== 'scalar') throw new Error(`${text} gave ${value.kind}`);
  return typeof value.value === 'bigint' ? Number(value.value) : value.value;
}

/**
 * Polls `probe` until it has returned the same value for `stableMillis` (recovery has run its
 * course), or fails after `millis`.
 */
async function settledValue(
  probe: () => Promise<unknown>,
  stableMillis: number,
  millis: number,
): Promise<unknown> {
  const deadline = Date.now() + millis;
  let value: unknown = Symbol('none');
  let since = Date.now();
  for (;;) {
    let next: unknown;
    try {
      next = await probe();
    } catch (error) {
      next = error;
    }
    if (next !== value) [value, since] = [next, Date.now()];
    else if (Date.now() - since >= stableMillis && !(value instanceof Error)) return value;
    if (Date.now() > deadline)
      throw new Error(`no settled value in ${millis} ms: ${String(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  cluster = await startTestCluster({ dataNodes: 2, overrides: ['transactionTimeoutMillis=3000'] });
  sdk = await login(cluster.dataNodeUrls[0] as string);
}, 120_000);

afterAll(async () => {
  await sdk?.close().catch(() => undefined);
  await cluster?.stop();
}, 60_000);

describe('a cluster of real processes', () => {
  it('runs the tutorial DDL through the CLI and the 1,210,000-row append through the SDK', async () => {
    const host = new URL(cluster.dataNodeUrls[1] as string).host;
    const ddl = [
      `create database "${TUTORIAL_DB}" partitioned by VALUE(2023.01.01..2023.12.31)`,
      `create table "${TUTORIAL_DB}"."${TUTORIAL_TABLE}"(SecurityID SYMBOL, DateTime DATETIME, PreClosePx DOUBLE, OpenPx DOUBLE, HighPx DOUBLE, LowPx DOUBLE, LastPx DOUBLE, Volume INT, Amount DOUBLE) partitioned by DateTime`,
      `create table ${CRASH_TABLE}(id INT, d DATE) partitioned by d`,
    ].join('\n');
    await run(
      process.execPath,
      [MAIN, 'sql', '--host', host, '-u', 'admin', '-p', TEST_ADMIN_PASSWORD, ddl],
      {
        timeout: 60_000,
      },
    );
    const columns = tutorialColumns();
    expect(await sdk.append(TUTORIAL_DB, TUTORIAL_TABLE, columns)).toBe(TUTORIAL_ROWS);
    const table = `loadTable("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`;
    expect(await scalar(sdk, `exec count(*) from ${table}`)).toBe(TUTORIAL_ROWS);
    expect(await scalar(sdk, `tableChecksum("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`)).toBe(
      formatChecksum(checksumColumns(columns)),
    );
    const { stdout } = await run(
      process.execPath,
      [
        MAIN,
        'sql',
        '--host',
        host,
        '-u',
        'admin',
        '-p',
        TEST_ADMIN_PASSWORD,
        '--json',
        `exec count(*) from ${table}`,
      ],
      { timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toBe(TUTORIAL_ROWS);
  }, 180_000);

  it('answers clients connected to the controller too (passed on to a data node)', async () => {
    const viaController = await login(cluster.controllerUrl);
    try {
      const table = `loadTable("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`;
      expect(await scalar(viaController, `exec count(*) from ${table}`)).toBe(TUTORIAL_ROWS);
      const error = await viaController.run(`select nope from ${table}`).catch((e: unknown) => e);
      expect(isShoalError(error, 'COLUMN_NOT_FOUND')).toBe(true);
    } finally {
      await viaController.close();
    }
  }, 60_000);

  // Each batch writes 2 rows on 2023.02.01 (placed on one data node) and 2 on 2023.02.02
  // (placed on the other), so every commit has both data nodes as participants.
  const batch = (id: number): string =>
    `insert into ${CRASH_TABLE} values (${id}, 2023.02.01), (${id}, 2023.02.01), (${id}, 2023.02.02), (${id}, 2023.02.02)`;
  const crashes: readonly { point: string; node: string }[] = [
    { point: 'datanode.after-prepare', node: 'dn2' },
    { point: 'coordinator.after-prepare', node: 'dn1' },
    { point: 'controller.after-decide', node: 'controller' },
    { point: 'coordinator.before-publish', node: 'dn1' },
    { point: 'datanode.after-publish', node: 'dn2' },
  ];

  it('places the crash table on both data nodes', async () => {
    expect(await scalar(sdk, `exec count(*) from ${CRASH_TABLE}`)).toBe(0);
    await sdk.run(batch(0));
    expect(await scalar(sdk, `exec count(*) from ${CRASH_TABLE} where id = 0`)).toBe(4);
  }, 60_000);

  for (const [i, { point, node }] of crashes.entries()) {
    it(`keeps an append whole when ${node} is killed at ${point}`, async () => {
      const id = i + 1;
      await cluster.restart(node, { env: { SHOAL_CRASH_AT: point } });
      const client = await login(cluster.dataNodeUrls[0] as string);
      const told = await client.run(batch(id)).then(
        () => 'committed' as const,
        (error: unknown) => (isShoalError(error, 'TRANSACTION_ABORTED') ? 'aborted' : 'unknown'),
      );
      await client.close().catch(() => undefined);
      await cluster.restart(node, { env: {} });
      const reader = await login(cluster.dataNodeUrls[1] as string);
      try {
        // Recovery publishes or discards within seconds (transactionTimeoutMillis is 3 s here).
        const settled = await settledValue(
          () => scalar(reader, `exec count(*) from ${CRASH_TABLE} where id = ${id}`),
          4_000,
          60_000,
        );
        expect([0, 4]).toContain(settled);
        if (told === 'committed') expect(settled).toBe(4);
        if (told === 'aborted') expect(settled).toBe(0);
        expect(await scalar(reader, `exec count(*) from ${CRASH_TABLE} where id = 0`)).toBe(4);
      } finally {
        await reader.close().catch(() => undefined);
      }
    }, 120_000);
  }
});
