// Proves the public routes: login (ok, wrong password, unknown user), every other route refusing
// a missing, unknown, expired or logged-out token with 401 SESSION_EXPIRED, run answering one
// frame per statement and an error frame (with position) that ends a failed run, frames sent as
// results come, call and append. Real server on 127.0.0.1:0 over an embedded store.

import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, TEST_SESSION_MILLIS } from '../client/test-support.ts';
import type { TestServer } from '../client/test-support.ts';
import { ERROR_CODES, ShoalError, isShoalError } from '../core/errors.ts';
import type { ErrorCodeName } from '../core/errors.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import type { Value } from '../query/value.ts';
import { HttpClient } from './http-client.ts';
import { createHttpServer } from './http-server.ts';
import { registerPublicApi } from './public-api.ts';
import type { Engine } from './public-api.ts';
import {
  PUBLIC_PATHS,
  bearerHeader,
  callFrame,
  runFrameOf,
  runRequestFrame,
} from './public-wire.ts';
import type { RunFrame } from './public-wire.ts';
import { encodeFrame, readFrames } from './wire-frame.ts';
import { columnsToFrame, decodeValue } from './wire-values.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(): Promise<TestServer & { client: HttpClient }> {
  const server = await startTestServer();
  cleanups.push(() => server.close());
  const client = new HttpClient(server.url, { nodeName: 'test node', timeoutMillis: 20_000 });
  cleanups.push(() => client.close());
  return { ...server, client };
}

async function login(client: HttpClient, user = 'admin', password = '123456'): Promise<string> {
  const answer = (await client.postJson(PUBLIC_PATHS.login, { user, password })) as {
    token: string;
  };
  return answer.token;
}

async function rejection(promise: Promise<unknown>): Promise<ShoalError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isShoalError(error), `expected a ShoalError, got ${String(error)}`).toBe(true);
  return error as ShoalError;
}

/** POSTs JSON with undici; the status and the parsed body. */
async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const answer = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: answer.statusCode, json: await answer.body.json() };
}

/** Runs `text` with a JSON request (as curl would) and reads every answer frame. */
async function runJson(url: string, token: string, text: string): Promise<RunFrame[]> {
  const answer = await request(`${url}${PUBLIC_PATHS.run}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearerHeader(token) },
    body: JSON.stringify({ text }),
  });
  expect(answer.statusCode).toBe(200);
  const frames: RunFrame[] = [];
  for await (const frame of readFrames(answer.body, 1 << 30)) frames.push(runFrameOf(frame));
  return frames;
}

function values(frames: readonly RunFrame[]): Value[] {
  return frames.flatMap((f) => (f.kind === 'value' ? [f.value] : []));
}

const T = '"dfs://api"."t"';
const SETUP = [
  'create database "dfs://api" partitioned by VALUE(2023.01.02..2023.01.03)',
  `create table ${T}(sym SYMBOL, d DATE, px DOUBLE) partitioned by d`,
  `insert into ${T} values (\`A, 2023.01.02, 10.5), (\`B, 2023.01.03, 20.0)`,
];

describe('POST /api/login', () => {
  it('gives a session for the right password, and AUTH_FAILED (401) otherwise', async () => {
    const { url, clock } = await started();
    const ok = await postJson(`${url}${PUBLIC_PATHS.login}`, { user: 'admin', password: '123456' });
    expect(ok.status).toBe(200);
    const grant = ok.json as { token: string; user: string; expiresAtMillis: number };
    expect(grant.token).toMatch(/^[0-9a-f]{64}$/);
    expect(grant.user).toBe('admin');
    expect(grant.expiresAtMillis).toBe(clock.now() + TEST_SESSION_MILLIS);
    const wrong = await postJson(`${url}${PUBLIC_PATHS.login}`, { user: 'admin', password: 'x' });
    const unknown = await postJson(`${url}${PUBLIC_PATHS.login}`, { user: 'eve', password: 'x' });
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ kind: 'AUTH_FAILED', code: ERROR_CODES.AUTH_FAILED });
    }
    // The same answer for both: no telling which users exist.
    expect(wrong.json).toEqual(unknown.json);
  });

  it('refuses a body without user and password with 400 BAD_REQUEST', async () => {
    const { url } = await started();
    const answer = await postJson(`${url}${PUBLIC_PATHS.login}`, { user: 'admin' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ kind: 'BAD_REQUEST' });
  });
});

describe('session tokens', () => {
  const routes = [PUBLIC_PATHS.logout, PUBLIC_PATHS.run, PUBLIC_PATHS.call, PUBLIC_PATHS.append];

  async function expectExpired(url: string, headers: Record<string, string>): Promise<void> {
    for (const route of routes) {
      const answer = await postJson(`${url}${route}`, { text: '1' }, headers);
      expect(answer.status, route).toBe(401);
      expect(answer.json, route).toMatchObject({ kind: 'SESSION_EXPIRED' });
    }
  }

  it('refuses a missing, malformed or unknown token on every route but login', async () => {
    const { url } = await started();
    await expectExpired(url, {});
    await expectExpired(url, { authorization: 'Basic YWRtaW46MTIzNDU2' });
    await expectExpired(url, bearerHeader('00'.repeat(32)));
  });

  it('refuses a token once it has been idle past the session timeout', async () => {
    const { url, client, clock } = await started();
    const token = await login(client);
    clock.advance(TEST_SESSION_MILLIS - 1);
    expect(values(await runJson(url, token, '1 + 1'))).toHaveLength(1);
    clock.advance(TEST_SESSION_MILLIS - 1); // each use slides the expiry
    expect(values(await runJson(url, token, '1 + 1'))).toHaveLength(1);
    clock.advance(TEST_SESSION_MILLIS);
    await expectExpired(url, bearerHeader(token));
  });

  it('refuses a token after logout', async () => {
    const { url, client } = await started();
    const token = await login(client);
    const out = await postJson(`${url}${PUBLIC_PATHS.logout}`, {}, bearerHeader(token));
    expect(out).toEqual({ status: 200, json: {} });
    await expectExpired(url, bearerHeader(token));
  });
});

describe('POST /api/run', () => {
  it('answers a frame per statement, then an error frame with the position; earlier ones commit', async () => {
    const { url, client } = await started();
    const token = await login(client);
    const text = [...SETUP, `select nope from ${T}`, `exec count(*) from ${T}`].join('\n');
    const frames = await runJson(url, token, text);
    expect(frames.map((f) => f.kind)).toEqual(['value', 'value', 'value', 'error']);
    expect(values(frames)[2]).toEqual({ kind: 'scalar', type: 'LONG', value: 2n });
    const last = frames[3] as Extract<RunFrame, { kind: 'error' }>;
    expect(last.error.kind).toBe('COLUMN_NOT_FOUND');
    expect(last.error.position).toEqual({ line: 4, column: 8 });
    expect(last.error.message).toContain('there is no column nope');
    const count = await runJson(url, token, `exec count(*) from ${T}`);
    expect(values(count)).toEqual([{ kind: 'scalar', type: 'LONG', value: 2n }]);
  });

  it('answers a syntax error as the only frame: no statement runs', async () => {
    const { url, client } = await started();
    const token = await login(client);
    const frames = await runJson(url, token, `${SETUP[0] as string}\nselect x fro y`);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.kind === 'error' && frames[0].error.kind).toBe('SYNTAX_ERROR');
    expect(values(await runJson(url, token, 'existsDatabase("dfs://api")'))).toEqual([
      { kind: 'scalar', type: 'BOOL', value: 0 },
    ]);
  });

  it('takes the request as a frame too, and a table result comes back as typed columns', async () => {
    const { client } = await started();
    const token = await login(client);
    const text = [...SETUP, `select sym, px from ${T} order by sym`].join(';');
    const frames: RunFrame[] = [];
    const body = encodeFrame(runRequestFrame(text));
    for await (const frame of client.postFrames(PUBLIC_PATHS.run, body, {
      headers: bearerHeader(token),
    }))
      frames.push(runFrameOf(frame));
    const table = values(frames)[3];
    expect(table?.kind).toBe('table');
    if (table?.kind !== 'table') return;
    expect(table.table.names).toEqual(['sym', 'px']);
    expect(table.table.columns.map((c) => c.type)).toEqual(['SYMBOL', 'DOUBLE']);
    expect(table.table.columns.map(columnValues)).toEqual([
      ['A', 'B'],
      [10.5, 20],
    ]);
  });
});

describe('POST /api/call and /api/append', () => {
  it('calls a function with values and answers one value frame', async () => {
    const { client } = await started();
    const token = await login(client);
    const call = async (name: string, args: Value[]): Promise<Value> =>
      decodeValue(
        await client.postArrow(PUBLIC_PATHS.call, encodeFrame(callFrame(name, args)), {
          headers: bearerHeader(token),
        }),
      );
    const path: Value = { kind: 'scalar', type: 'STRING', value: 'dfs://api' };
    expect(await call('existsDatabase', [path])).toEqual({
      kind: 'scalar',
      type: 'BOOL',
      value: 0,
    });
    const error = await rejection(call('nosuchFunction', []));
    expect(error.kind).toBe('UNKNOWN_FUNCTION');
  });

  it('appends a columns frame to the table named by the query and answers the row count', async () => {
    const { url, client } = await started();
    const token = await login(client);
    await runJson(url, token, SETUP.slice(0, 2).join('\n'));
    const columns = columnsToFrame([
      { name: 'sym', column: columnFromValues('SYMBOL', ['X', 'Y', 'X']) },
      { name: 'd', column: columnFromValues('DATE', [19359, 19360, 19360]) },
      { name: 'px', column: columnFromValues('DOUBLE', [1, 2, 3]) },
    ]);
    const query = `db=${encodeURIComponent('dfs://api')}&table=t`;
    const answer = await client.postArrow(`${PUBLIC_PATHS.append}?${query}`, encodeFrame(columns), {
      headers: bearerHeader(token),
    });
    expect(JSON.parse(new TextDecoder().decode(answer))).toEqual({ rows: 3 });
    const sum = await runJson(url, token, `exec sum(px) from ${T} where sym = \`X`);
    expect(values(sum)).toEqual([{ kind: 'scalar', type: 'DOUBLE', value: 4 }]);
  });

  it('refuses a JSON body where a frame is due, and an append without db and table', async () => {
    const { url, client } = await started();
    const headers = bearerHeader(await login(client));
    const call = await postJson(`${url}${PUBLIC_PATHS.call}`, { name: 'now' }, headers);
    expect(call.status).toBe(400);
    expect(call.json).toMatchObject({ kind: 'BAD_REQUEST' });
    const frame = encodeFrame(columnsToFrame([]));
    const error = await rejection(client.postArrow(PUBLIC_PATHS.append, frame, { headers }));
    expect(error.kind).toBe('BAD_REQUEST');
    expect(error.message).toContain('db and table');
  });
});

describe('streaming and internal failures', () => {
  /** A server whose engine runs `run` for every user and accepts any token. */
  async function serve(run: Engine['run']): Promise<HttpClient> {
    const server = createHttpServer({
      name: 'node',
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
    });
    cleanups.push(() => server.close());
    const fail = (): never => {
      throw new ShoalError('INVALID_ARGUMENT', 'not in this test');
    };
    registerPublicApi(server.app, {
      login: fail,
      logout: fail,
      authenticate: async () => 'admin',
      run,
      call: fail,
      append: fail,
    });
    const client = new HttpClient((await server.listen()).url, {
      nodeName: 'node',
      timeoutMillis: 5_000,
    });
    cleanups.push(() => client.close());
    return client;
  }

  const one: Value = { kind: 'scalar', type: 'INT', value: 1 };
  const headers = bearerHeader('any');

  it('sends each result as soon as it is ready, before the next statement ends', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const client = await serve(async function* () {
      yield one;
      await gate;
      yield one;
    });
    const frames = client.postFrames(PUBLIC_PATHS.run, encodeFrame(runRequestFrame('x')), {
      headers,
    });
    const first = await frames.next();
    expect(first.done).toBe(false);
    release();
    const rest = [];
    for await (const frame of frames) rest.push(frame);
    expect(rest).toHaveLength(1);
  });

  it('stops the engine run when the client goes away mid-run', async () => {
    let stopped: () => void = () => {};
    const stop = new Promise<void>((resolve) => {
      stopped = resolve;
    });
    const client = await serve(async function* () {
      try {
        for (;;) yield one;
      } finally {
        stopped();
      }
    });
    const body = encodeFrame(runRequestFrame('x'));
    for await (const frame of client.postFrames(PUBLIC_PATHS.run, body, { headers })) {
      expect(runFrameOf(frame).kind).toBe('value');
      break;
    }
    await stop; // the test times out if the engine's generator is never returned
  });

  it('answers text without statements with an empty stream', async () => {
    const client = await serve(async function* () {});
    const body = encodeFrame(runRequestFrame(''));
    const frames = [];
    for await (const frame of client.postFrames(PUBLIC_PATHS.run, body, { headers }))
      frames.push(frame);
    expect(frames).toEqual([]);
  });

  it('answers a bug before the first result with 500, and after it with an error frame', async () => {
    const before = await serve(async function* () {
      yield* [];
      throw new Error('bug');
    });
    const error = await rejection(before.postJson(PUBLIC_PATHS.run, { text: 'x' }, { headers }));
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    const after = await serve(async function* () {
      yield one;
      throw new Error('bug');
    });
    const frames: RunFrame[] = [];
    for await (const frame of after.postFrames(
      PUBLIC_PATHS.run,
      encodeFrame(runRequestFrame('x')),
      {
        headers,
      },
    ))
      frames.push(runFrameOf(frame));
    expect(frames.map((f) => (f.kind === 'error' ? f.error.kind : f.kind))).toEqual([
      'value',
      'NODE_UNAVAILABLE' satisfies ErrorCodeName,
    ]);
  });
});
