// Placement, two-phase commit and distributed queries over an in-process cluster of a
// controller and two data nodes talking HTTP on loopback.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isShoalError } from '../../core/errors.ts';
import { daysFromCivil } from '../../core/types/calendar.ts';
import { columnFromValues } from '../../core/types/column-ops.ts';
import { checksumColumns, decodeEffects, formatChecksum } from '../../storage/index.ts';
import { parseStatements } from '../../query/parser.ts';
import { valueToJson } from '../../query/value-json.ts';
import type { Value } from '../../query/value.ts';
import { startInProcessCluster } from '../in-process-cluster.ts';
import type { InProcessCluster } from '../in-process-cluster.ts';

const T = 'loadTable("dfs://d", "t")';
let cluster: InProcessCluster;

async function run(text: string, node = 0, user = 'admin'): Promise<unknown[]> {
  const coordinator = cluster.dataNodes[node]?.coordinator;
  if (coordinator === undefined) throw new Error('no such node');
  const values: Value[] = [];
  for await (const value of coordinator.run(user, text, parseStatements(text))) values.push(value);
  return values.map(valueToJson);
}

function localRows(node: number): number {
  const store = cluster.dataNodes[node]?.store;
  const table = store?.catalog.databases.get('dfs://d')?.tables.get('t');
  let rows = 0;
  for (const p of table?.partitions.values() ?? [])
    for (const s of p.segments) rows += s.rows - s.deleted.length;
  return rows;
}

beforeAll(async () => {
  cluster = await startInProcessCluster({ dataNodeCount: 2, transactionTimeoutMillis: 300 });
  await run(`
    create database "dfs://d" partitioned by VALUE(2023.01.01..2023.01.06)
    create table "dfs://d"."t"(sym SYMBOL, d DATE, qty INT) partitioned by d
  `);
});

afterAll(async () => cluster.close());

describe('a cluster of two data nodes', () => {
  it('applies DDL on every data node', () => {
    for (const node of cluster.dataNodes) {
      expect(node.store.catalog.databases.get('dfs://d')?.tables.has('t')).toBe(true);
    }
  });

  it('spreads an insert over the partition owners and answers queries from both', async () => {
    await run(
      `insert into ${T} values (\`A, 2023.01.01, 1), (\`B, 2023.01.02, 2), (\`A, 2023.01.03, 3), (\`C, 2023.01.04, 4)`,
    );
    expect(localRows(0)).toBeGreaterThan(0);
    expect(localRows(1)).toBeGreaterThan(0);
    expect(localRows(0) + localRows(1)).toBe(4);
    expect(await run(`select sym, sum(qty) as s from ${T} group by sym order by sym`, 1)).toEqual([
      [
        { sym: 'A', s: 4 },
        { sym: 'B', s: 2 },
        { sym: 'C', s: 4 },
      ],
    ]);
    expect(await run(`select first(qty), last(qty) from ${T}`)).toEqual([
      [{ first_qty: 1, last_qty: 4 }],
    ]);
  });

  it('sums the content checksums of every data node', async () => {
    const [sum] = (await run('tableChecksum("dfs://d", "t")')) as string[];
    const day = (d: number): number => daysFromCivil(2023, 1, d);
    const expected = checksumColumns([
      columnFromValues('SYMBOL', ['A', 'B', 'A', 'C']),
      columnFromValues('DATE', [day(1), day(2), day(3), day(4)]),
      columnFromValues('INT', [1, 2, 3, 4]),
    ]);
    expect(sum).toBe(formatChecksum(expected));
  });

  it('runs functions on other nodes with rpc, the controller included', async () => {
    expect(await run('getControllerAlias()')).toEqual(['controller']);
    const [perf] = (await run('rpc(getControllerAlias(), getClusterPerf)')) as {
      name: string;
      role: string;
    }[][];
    expect(perf?.map((n) => [n.name, n.role])).toEqual([
      ['controller', 'controller'],
      ['dn1', 'datanode'],
      ['dn2', 'datanode'],
    ]);
    expect(await run(`rpc("dn2", tableChecksum, "dfs://d", "t")`)).toEqual(
      await run('tableChecksum("dfs://d", "t")'),
    );
    const unknown = await run('rpc(getControllerAlias(), "nope")').catch((e: unknown) => e);
    expect(isShoalError(unknown, 'UNKNOWN_FUNCTION')).toBe(true);
  });

  it("records every participant's commit effects with the decision", async () => {
    await run(`insert into ${T} values (\`E, 2023.01.01, 5), (\`E, 2023.01.02, 6)`);
    const last = cluster.controller.committedTransactions().at(-1);
    expect(last?.summary).toMatchObject({
      kind: 'APPEND',
      db: 'dfs://d',
      table: 't',
      rowsWritten: 2,
    });
    const effects = Object.entries(last?.effects ?? {}).map(
      ([alias, text]) => [alias, decodeEffects(text)] as const,
    );
    expect(effects.map(([alias]) => alias).sort()).toEqual([...(last?.participants ?? [])].sort());
    expect(effects.reduce((n, [, e]) => n + e.rowsWritten, 0)).toBe(2);
    for (const [, e] of effects) {
      expect(e.kind).toBe('APPEND');
      expect(e.changes.some((c) => c.kind === 'add-segments')).toBe(true);
    }
    await run(`delete from ${T} where sym = \`E`);
  });

  it('keeps a partition on the node that first received it', async () => {
    const before = [localRows(0), localRows(1)];
    await run(`insert into ${T} values (\`A, 2023.01.01, 10), (\`B, 2023.01.02, 20)`);
    const placement = cluster.controller.placement('dfs://d', 't');
    expect(placement.size).toBe(4);
    expect(localRows(0) + localRows(1)).toBe(before[0]! + before[1]! + 2);
  });

  it('updates and deletes on every owner in one transaction', async () => {
    expect(await run(`update ${T} set qty = qty * 10 where sym = \`A`)).toEqual([3]);
    expect(await run(`delete from ${T} where qty < 5`)).toEqual([2]);
    expect(await run(`exec sum(qty) from ${T}`)).toEqual([160]);
  });

  it('resolves prepared transactions from the controller: commit decided → published', async () => {
    const node = cluster.dataNodes[0]!;
    const controller = cluster.peer('controller', node.alias);
    const self = cluster.peer(node.alias, node.alias);
    try {
      const begun = await controller.json<{ tx: number }>('/internal/begin', {
        coordinator: 'gone',
        db: null,
        table: null,
        keys: [],
      });
      const text = `insert into ${T} values (\`Z, 2023.01.05, 5)`;
      const tx = String(begun.tx);
      // Prepared on the node as a coordinator would, then the coordinator "dies" after deciding.
      const { prepareStatement } = await import('./participant-routes.ts');
      await prepareStatement(node.store, node.functions, tx, text, 0);
      expect(node.store.preparedTransactions()).toEqual([tx]);
      await controller.json('/internal/decide', {
        tx: begun.tx,
        decision: 'commit',
        summary: { kind: 'APPEND', db: 'dfs://d', table: 't', rowsWritten: 1 },
        effects: {},
      });
      await node.resolvePrepared();
      expect(node.store.preparedTransactions()).toEqual([]);
      expect(await run(`exec count(*) from ${T} where sym = \`Z`)).toEqual([1]);
    } finally {
      await controller.close();
      await self.close();
    }
  });

  it('resolves prepared transactions from the controller: undecided past the timeout → discarded', async () => {
    const node = cluster.dataNodes[1]!;
    const controller = cluster.peer('controller', node.alias);
    try {
      const begun = await controller.json<{ tx: number }>('/internal/begin', {
        coordinator: 'gone',
        db: null,
        table: null,
        keys: [],
      });
      const tx = String(begun.tx);
      const { prepareStatement } = await import('./participant-routes.ts');
      await prepareStatement(node.store, node.functions, tx, `delete from ${T}`, 0);
      await node.resolvePrepared();
      expect(node.store.preparedTransactions()).toEqual([tx]);
      const deadline = Date.now() + 5000;
      while (node.store.preparedTransactions().length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await node.resolvePrepared();
      }
      expect(node.store.preparedTransactions()).toEqual([]);
      expect(cluster.controller.transaction(begun.tx)?.state).toBe('aborted');
      expect(await run(`exec count(*) from ${T} where sym = \`Z`)).toEqual([1]);
    } finally {
      await controller.close();
    }
  });

  it('checks every privilege rule through the controller', async () => {
    const denied = async (text: string, user: string): Promise<string> => {
      const error = await run(text, 0, user).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isShoalError(error, 'PERMISSION_DENIED')).toBe(true);
      return (error as Error).message;
    };
    await run('createUser("bob", "pw1")');
    expect(await denied(`select count(*) from ${T}`, 'bob')).toContain('DB_READ');
    await run('grant("bob", DB_READ, "dfs://d")');
    expect(await run(`exec count(*) from ${T}`, 0, 'bob')).toEqual([5]);
    expect(await denied(`insert into ${T} values (\`Q, 2023.01.01, 1)`, 'bob')).toContain(
      'DB_WRITE',
    );
    expect(await denied(`tableInsert(${T}, \`Q, 2023.01.01, 1)`, 'bob')).toContain('DB_WRITE');
    expect(await denied('create database "dfs://e" partitioned by VALUE(1..3)', 'bob')).toContain(
      'DB_DDL',
    );
    expect(await denied('createUser("eve", "pw")', 'bob')).toContain('ADMIN');
    await run('grant("bob", DB_WRITE, "dfs://d")');
    expect(await run(`insert into ${T} values (\`Q, 2023.01.01, 1)`, 0, 'bob')).toEqual([1]);
    await run('deny("bob", DB_READ, "*")');
    await denied(`select count(*) from ${T}`, 'bob');
    await run('revoke("bob", DB_READ, "*")');
    expect(await run(`exec count(*) from ${T}`, 1, 'bob')).toEqual([6]);
    await run('changePwd("pw1", "pw2")', 0, 'bob');
    await run('deleteUser("bob")');
    const gone = await run(`exec count(*) from ${T}`, 0, 'bob').catch((e: unknown) => e);
    expect(isShoalError(gone)).toBe(true);
  });

  it('aborts a write whose owner is unreachable and leaves nothing behind', async () => {
    const placement = cluster.controller.placement('dfs://d', 't');
    const downAlias = placement.get('20230102') as string;
    const other = cluster.dataNodes.findIndex((n) => n.alias !== downAlias);
    const before = await run(`exec count(*) from ${T}`, other).catch(() => null);
    await cluster.disconnect(downAlias);
    const error = await run(
      `insert into ${T} values (\`A, 2023.01.01, 7), (\`B, 2023.01.02, 8)`,
      other,
    ).catch((e: unknown) => e);
    expect(isShoalError(error)).toBe(true);
    expect((error as Error).message).toContain(downAlias);
    const survivor = cluster.dataNodes[other];
    expect(survivor?.store.preparedTransactions()).toEqual([]);
    expect(before).not.toBeNull();
    // Queries ask only the owners of the partitions they can touch.
    const liveDate = [...placement].find(([, owner]) => owner !== downAlias)?.[0] as string;
    const literal = `${liveDate.slice(0, 4)}.${liveDate.slice(4, 6)}.${liveDate.slice(6)}`;
    expect(await run(`select count(*) from ${T} where d = ${literal}`, other)).toHaveLength(1);
    const needsDown = await run(`select count(*) from ${T}`, other).catch((e: unknown) => e);
    expect(isShoalError(needsDown, 'NODE_UNAVAILABLE')).toBe(true);
    expect((needsDown as Error).message).toContain(downAlias);
  });
});
