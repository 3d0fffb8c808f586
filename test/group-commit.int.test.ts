// Group commit on a real cluster (1 controller + 2 data nodes as OS processes): many clients
// send one-row appends at once to one table whose rows fall on both data nodes. Each client
// is told its own row, every row is there exactly once, appends shared transactions (the
// data node's counters say fewer transactions than appends), and a client without the
// privilege is refused whatever appends it would have shared with. Then the data nodes'
// background compaction merges the many small segments those transactions left, content
// unchanged. Last, a participant is killed while shared transactions prepare: every append
// is wholly there or wholly absent afterwards, as its client was told.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/client/index.ts';
import type { Connection } from '../src/client/index.ts';
import { isShoalError } from '../src/core/errors.ts';
import type { Column } from '../src/core/types/column.ts';
import { startTestCluster, TEST_ADMIN_PASSWORD } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';
import { parseMetrics, sampleValue } from '../src/net/metrics/test-support.ts';

const DB = 'dfs://grouped';
const CLIENTS = 24;
const APPENDS_PER_CLIENT = 10;
/** 2023.01.01 and 2023.01.02 as DATE (days since 1970-01-01): one partition on each node. */
const DAYS = [19358, 19359];

let cluster: TestCluster;
let admin: Connection;

function login(user: string, password: string): Promise<Connection> {
  return connect(cluster.dataNodeUrls[0] as string, { user, password, timeoutMillis: 60_000 });
}

/** Row `id` as the columns of table t: id, its day, and id / 2 as the value. */
function row(id: number): Column[] {
  return [
    { type: 'INT', data: Int32Array.of(id) },
    { type: 'DATE', data: Int32Array.of(DAYS[id % 2] as number) },
    { type: 'DOUBLE', data: Float64Array.of(id / 2) },
  ];
}

async function counter(name: string, url = cluster.dataNodeUrls[0] as string): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  return sampleValue(parseMetrics(text), name, {}) ?? 0;
}

/** Segment files (`*.arrow`) in the stores of both data nodes. */
async function segmentFiles(): Promise<number> {
  const counts = await Promise.all(
    ['dn1', 'dn2'].map(async (alias) => {
      const entries = await readdir(path.join(cluster.dir, alias), { recursive: true });
      return entries.filter((name) => name.endsWith('.arrow')).length;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function waitFor(what: string, done: () => Promise<boolean>, millis: number): Promise<void> {
  const deadline = Date.now() + millis;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${millis} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  // Compaction stays off until the second test, so the first sees the appends' own segments.
  cluster = await startTestCluster({
    dataNodes: 2,
    env: { SHOAL_COMPACTION_INTERVAL_MILLIS: '3600000' },
  });
  admin = await login('admin', TEST_ADMIN_PASSWORD);
  await admin.run(`create database "${DB}" partitioned by VALUE(2023.01.01..2023.01.31)`);
  await admin.run(`create table "${DB}"."t"(id INT, day DATE, v DOUBLE) partitioned by day`);
  await admin.run('createUser("reader", "reader-pw-1")');
  await admin.run(`grant("reader", "DB_READ", "${DB}")`);
}, 120_000);

afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await cluster?.stop();
}, 60_000);

describe('small appends from many clients at once', () => {
  it('share transactions, each client told its own rows, every row there once', async () => {
    const writers = await Promise.all(
      Array.from({ length: CLIENTS }, () => login('admin', TEST_ADMIN_PASSWORD)),
    );
    const readers = await Promise.all(
      Array.from({ length: 4 }, () => login('reader', 'reader-pw-1')),
    );
    const appendsBefore = await counter('shoal_small_appends_total');
    const transactionsBefore = await counter('shoal_small_append_transactions_total');
    try {
      const written = Promise.all(
        writers.map(async (writer, c) => {
          const told: number[] = [];
          for (let i = 0; i < APPENDS_PER_CLIENT; i++)
            told.push(await writer.append(DB, 't', row(c * APPENDS_PER_CLIENT + i)));
          return told;
        }),
      );
      const refused = Promise.all(
        readers.map((reader, r) => reader.append(DB, 't', row(10_000 + r)).catch((e) => e)),
      );
      expect((await written).flat()).toEqual(Array(CLIENTS * APPENDS_PER_CLIENT).fill(1));
      for (const error of await refused)
        expect(isShoalError(error, 'PERMISSION_DENIED')).toBe(true);
    } finally {
      await Promise.all([...writers, ...readers].map((c) => c.close()));
    }
    const total = CLIENTS * APPENDS_PER_CLIENT;
    const ids = await admin.runOne(`exec id from loadTable("${DB}", "t") order by id`);
    expect(ids.kind === 'vector' && Array.from(ids.column.data as Int32Array)).toEqual(
      Array.from({ length: total }, (_, id) => id),
    );
    const sum = await admin.runOne(`exec sum(v) from loadTable("${DB}", "t")`);
    expect(sum.kind === 'scalar' && sum.value).toBe((total * (total - 1)) / 4);
    const appends = (await counter('shoal_small_appends_total')) - appendsBefore;
    const transactions =
      (await counter('shoal_small_append_transactions_total')) - transactionsBefore;
    expect(appends).toBe(total);
    expect(transactions).toBeGreaterThan(0);
    expect(transactions).toBeLessThan(total);
  }, 120_000);

  it('leaves small segments that background compaction merges, content unchanged', async () => {
    const checksum = async () => admin.runOne(`tableChecksum("${DB}", "t")`);
    const before = await checksum();
    const filesBefore = await segmentFiles();
    // The appends above shared fewer transactions than there were appends, but still many.
    expect(filesBefore).toBeGreaterThan(8);
    for (const alias of ['dn1', 'dn2'])
      await cluster.restart(alias, { env: { SHOAL_COMPACTION_INTERVAL_MILLIS: '200' } });
    await waitFor('both partitions compacted', async () => (await segmentFiles()) <= 2, 60_000);
    expect(await checksum()).toEqual(before);
    const compacted = await Promise.all(
      cluster.dataNodeUrls.map((url) => counter('shoal_compacted_partitions_total', url)),
    );
    expect(compacted).toEqual([1, 1]);
    const failures = await counter('shoal_compaction_failures_total');
    expect(failures).toBe(0);
  }, 120_000);

  it('keeps every append of shared transactions whole when a participant is killed', async () => {
    await admin.run(
      `create table "${DB}"."crashed"(id INT, day DATE, v DOUBLE) partitioned by day`,
    );
    // Append `id` is two rows, one in each day's partition: one on each data node.
    const pair = (id: number): Column[] => [
      { type: 'INT', data: Int32Array.of(id, id) },
      { type: 'DATE', data: Int32Array.from(DAYS) },
      { type: 'DOUBLE', data: Float64Array.of(id, id) },
    ];
    const writers = await Promise.all(
      Array.from({ length: 8 }, () => login('admin', TEST_ADMIN_PASSWORD)),
    );
    const told = new Map<number, 'committed' | 'aborted' | 'unknown'>();
    const wave = (first: number) =>
      Promise.all(
        writers.map(async (writer, c) => {
          const id = first + c;
          const outcome = await writer.append(DB, 'crashed', pair(id)).then(
            () => 'committed' as const,
            (error: unknown) =>
              isShoalError(error, 'TRANSACTION_ABORTED') ? 'aborted' : 'unknown',
          );
          told.set(id, outcome);
        }),
      );
    try {
      await wave(0);
      // dn2 dies right after it durably prepares its share of the next transaction it is in.
      await cluster.restart('dn2', { env: { SHOAL_CRASH_AT: 'datanode.after-prepare' } });
      await wave(100);
      await cluster.restart('dn2', { env: {} });
      await wave(200);
    } finally {
      await Promise.all(writers.map((w) => w.close().catch(() => undefined)));
    }
    const outcomes = [...told.values()];
    expect(outcomes.filter((t) => t === 'committed').length).toBeGreaterThanOrEqual(16);
    expect(outcomes.filter((t) => t !== 'committed').length).toBeGreaterThan(0);
    const countOf = async (id: number): Promise<number> => {
      const value = await admin.runOne(
        `exec count(*) from loadTable("${DB}", "crashed") where id = ${id}`,
      );
      return value.kind === 'scalar' ? Number(value.value) : -1;
    };
    // dn2 asks the controller about its prepared writes when it starts; until it has, a
    // committed append could show one row of two.
    await waitFor(
      'every append whole',
      async () => {
        const counts = await Promise.all([...told.keys()].map(countOf)).catch(() => null);
        return counts !== null && counts.every((n) => n === 0 || n === 2);
      },
      60_000,
    );
    for (const [id, outcome] of told) {
      const rows = await countOf(id);
      if (outcome === 'committed') expect(rows).toBe(2);
      else if (outcome === 'aborted') expect(rows).toBe(0);
      else expect([0, 2]).toContain(rows);
    }
  }, 120_000);
});
