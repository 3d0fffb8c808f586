// Proves the SDK against a real server over an embedded store: connect (ok, wrong password,
// unknown user, no node), run with a failing statement in the middle (a RunError with the
// results before it and the position), runOne/table, call with plain JS arguments, appends of
// the 1,210,000-row tutorial table and of an Arrow table, and close.

import {
  Bool,
  Dictionary,
  Float32,
  Int16,
  Int32,
  Int64,
  Int8,
  Table as ArrowTable,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { TUTORIAL_ROWS, tutorialColumns } from '../cli/tutorial-data.ts';
import { ShoalError, isShoalError } from '../core/errors.ts';
import type { ErrorCodeName } from '../core/errors.ts';
import { NULL_INT32 } from '../core/types/column-type.ts';
import { columnValues } from '../core/types/column-ops.ts';
import type { Column } from '../core/types/column.ts';
import { toArrowTable } from './arrow-columns.ts';
import { RunError, connect } from './connection.ts';
import type { Connection } from './connection.ts';
import { startTestServer } from './test-support.ts';
import type { TestServer } from './test-support.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(): Promise<{ server: TestServer; connection: Connection }> {
  const server = await startTestServer();
  cleanups.push(() => server.close());
  const connection = await connect(server.url, { user: 'admin', password: '123456' });
  cleanups.push(() => connection.close());
  return { server, connection };
}

async function rejection(promise: Promise<unknown>, kind: ErrorCodeName): Promise<ShoalError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isShoalError(error, kind), `expected ${kind}, got ${String(error)}`).toBe(true);
  return error as ShoalError;
}

const T = '"dfs://sdk"."t"';
const SETUP = [
  'create database "dfs://sdk" partitioned by VALUE(2023.01.02..2023.01.03)',
  `create table ${T}(sym SYMBOL, d DATE, px DOUBLE) partitioned by d`,
  `insert into ${T} values (\`A, 2023.01.02, 10.5), (\`B, 2023.01.03, 20.0)`,
];

describe('connect', () => {
  it('logs in, and refuses a wrong password or an unknown user with AUTH_FAILED', async () => {
    const { server, connection } = await started();
    expect(connection.user).toBe('admin');
    expect(connection.url).toBe(server.url);
    await rejection(connect(server.url, { user: 'admin', password: 'nope' }), 'AUTH_FAILED');
    await rejection(connect(server.url, { user: 'eve', password: '123456' }), 'AUTH_FAILED');
  });

  it('names the node when there is none, and refuses an address that is not one', async () => {
    const { server } = await started();
    const url = server.url;
    await server.close();
    const error = await rejection(
      connect(url, { user: 'admin', password: '123456', timeoutMillis: 2_000 }),
      'NODE_UNAVAILABLE',
    );
    expect(error.message).toContain(new URL(url).host);
    await rejection(connect('ftp://x', { user: 'admin', password: '1' }), 'INVALID_ARGUMENT');
  });

  it('logs out on close: the token no longer works, and calls after close are refused', async () => {
    const { server, connection } = await started();
    expect(server.sessions.size()).toBe(1);
    await connection.close();
    expect(server.sessions.size()).toBe(0);
    await rejection(connection.run('1'), 'INVALID_ARGUMENT');
    await connection.close();
  });
});

describe('run', () => {
  it('returns every result; a failure is a RunError with the results before it', async () => {
    const { connection } = await started();
    const error = await rejection(
      connection.run([...SETUP, `select nope from ${T}`, `exec count(*) from ${T}`].join('\n')),
      'COLUMN_NOT_FOUND',
    );
    expect(error).toBeInstanceOf(RunError);
    expect(error).toBeInstanceOf(ShoalError);
    const results = (error as RunError).results;
    expect(results).toHaveLength(3);
    expect(results[2]).toEqual({ kind: 'scalar', type: 'LONG', value: 2n });
    expect(error.position).toEqual({ line: 4, column: 8 });
    expect(await connection.run(`exec count(*) from ${T}; exec max(px) from ${T}`)).toEqual([
      { kind: 'scalar', type: 'LONG', value: 2n },
      { kind: 'scalar', type: 'DOUBLE', value: 20 },
    ]);
  });

  it('runOne gives the last result and table() a table of plain typed columns', async () => {
    const { connection } = await started();
    await connection.run(SETUP.join('\n'));
    expect(await connection.runOne(`exec sym from ${T} where px > 15`)).toMatchObject({
      kind: 'vector',
    });
    const table = await connection.table(`select sym, d, px from ${T} order by sym`);
    expect(table.names).toEqual(['sym', 'd', 'px']);
    expect(table.columns.map((c) => c.type)).toEqual(['SYMBOL', 'DATE', 'DOUBLE']);
    expect(table.columns[2]?.data).toEqual(new Float64Array([10.5, 20]));
    await rejection(connection.table(`exec count(*) from ${T}`), 'TYPE_MISMATCH');
  });
});

describe('call', () => {
  it('calls functions with plain JS arguments typed as a program means them', async () => {
    const { connection } = await started();
    const RANGE = { kind: 'name', name: 'RANGE' } as const;
    await connection.call('database', 'dfs://ranges', RANGE, [0, 50, 100]);
    expect(await connection.call('existsDatabase', 'dfs://ranges')).toEqual({
      kind: 'scalar',
      type: 'BOOL',
      value: 1,
    });
    const negated = await connection.call('neg', [1, 2.5, null]);
    expect(negated.kind === 'vector' && columnValues(negated.column)).toEqual([
      -1,
      -2.5,
      -Number.MAX_VALUE,
    ]);
    expect(await connection.call('neg', 5n)).toEqual({ kind: 'scalar', type: 'LONG', value: -5n });
    await rejection(connection.call('noSuchFunction'), 'UNKNOWN_FUNCTION');
  });
});

describe('append', () => {
  it('appends the 1,210,000-row tutorial table in one call', async () => {
    const { connection } = await started();
    await connection.run(
      [
        'create database "dfs://testDB" partitioned by VALUE(2023.01.01..2023.12.31)',
        'create table "dfs://testDB"."testTB"(SecurityID SYMBOL, DateTime DATETIME, PreClosePx DOUBLE, OpenPx DOUBLE, HighPx DOUBLE, LowPx DOUBLE, LastPx DOUBLE, Volume INT, Amount DOUBLE) partitioned by DateTime',
      ].join('\n'),
    );
    const columns = tutorialColumns();
    expect(await connection.append('dfs://testDB', 'testTB', columns)).toBe(TUTORIAL_ROWS);
    expect(await connection.runOne('exec count(*) from "dfs://testDB"."testTB"')).toEqual({
      kind: 'scalar',
      type: 'LONG',
      value: BigInt(TUTORIAL_ROWS),
    });
    const volume = (columns[7] as Column).data as Int32Array;
    const sum = volume.reduce((total, v) => total + BigInt(v), 0n);
    const answer = await connection.runOne('exec sum(Volume) from "dfs://testDB"."testTB"');
    expect(answer.kind === 'scalar' && BigInt(answer.value)).toBe(sum);
  });

  it('appends an Arrow table, and a result table turned back into Arrow', async () => {
    const { connection } = await started();
    const A = '"dfs://arrow"."t"';
    await connection.run(
      [
        'create database "dfs://arrow" partitioned by VALUE(1..3)',
        `create table ${A}(i INT, l LONG, sh SHORT, c CHAR, f FLOAT, b BOOL, s STRING, y SYMBOL) partitioned by i`,
      ].join('\n'),
    );
    const arrow = new ArrowTable({
      i: vectorFromArray([1, 2, 3], new Int32()),
      l: vectorFromArray([10n, null, 30n], new Int64()),
      sh: vectorFromArray([1, 2, null], new Int16()),
      c: vectorFromArray([65, null, 67], new Int8()),
      f: vectorFromArray([0.5, 1.5, null], new Float32()),
      b: vectorFromArray([true, false, null], new Bool()),
      s: vectorFromArray(['x', null, 'z'], new Utf8()),
      y: vectorFromArray(['IBM', 'MSFT', 'IBM'], new Dictionary(new Utf8(), new Int8())),
    });
    expect(await connection.append('dfs://arrow', 't', arrow)).toBe(3);
    const table = await connection.table(`select * from ${A} order by i`);
    expect(table.columns.map(columnValues)).toEqual([
      [1, 2, 3],
      [10n, -(2n ** 63n), 30n],
      [1, 2, -32768],
      [65, -128, 67],
      [0.5, 1.5, -3.4028234663852886e38],
      [1, 0, -128],
      ['x', '', 'z'],
      ['IBM', 'MSFT', 'IBM'],
    ]);
    expect(await connection.append('dfs://arrow', 't', toArrowTable(table))).toBe(3);
    expect(await connection.runOne(`exec count(*) from ${A} where isNull(l)`)).toEqual({
      kind: 'scalar',
      type: 'LONG',
      value: 2n,
    });
    await rejection(
      connection.append('dfs://arrow', 't', [{ type: 'INT', data: new Int32Array([NULL_INT32]) }]),
      'COLUMN_MISMATCH',
    );
  });
});
