// Proves the dashboard's routes: the static files with their content types and no-cache, and
// the call route's checks (session, ADMIN, allow-list, plain arguments) and answers (tables as
// columns and rows, errors as the usual body). A real server, ControllerState and fastify inject.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/index.ts';
import { ControllerState } from '../controller/controller-state.ts';
import type { ControllerFunction } from '../rpc.ts';
import { createHttpServer } from '../../net/http-server.ts';
import type { HttpServer } from '../../net/http-server.ts';
import { replicationNotEnabled } from '../../replication/master-log.ts';
import type { Value } from '../../query/value.ts';
import { DASHBOARD_CALL_PATH, registerDashboardRoutes } from './dashboard-routes.ts';

const PERF: Value = {
  kind: 'table',
  table: {
    names: ['name', 'port', 'state'],
    columns: [
      { type: 'STRING', data: ['controller', 'dn1'] },
      { type: 'INT', data: Int32Array.from([9000, 9001]) },
      { type: 'STRING', data: ['up', 'down'] },
    ],
  },
};

// What each fake function was last called with.
const seen = new Map<string, readonly Value[]>();

const FUNCTIONS = new Map<string, ControllerFunction>([
  ['getClusterPerf', async () => PERF],
  ['getClusterReplicationState', async () => Promise.reject(replicationNotEnabled())],
  [
    'skipClusterReplicationTask',
    async (args) => {
      seen.set('skipClusterReplicationTask', args);
      return { kind: 'void' };
    },
  ],
  ['getControllerAlias', async () => ({ kind: 'scalar', type: 'STRING', value: 'controller' })],
]);

let dir: string;
let state: ControllerState;
let server: HttpServer;
let admin: string;
let guest: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shoal-dashboard-'));
  state = ControllerState.open({
    path: dir,
    adminHash: await hashPassword('123456'),
    sessionTimeoutMillis: 60_000,
    maxSessions: 10,
  });
  await state.users.createUser('admin', 'guest', 'guest-pw');
  const check = (name: string, pw: string): Promise<boolean> => state.users.authenticate(name, pw);
  admin = (await state.sessions.login('admin', '123456', Date.now(), check)).token;
  guest = (await state.sessions.login('guest', 'guest-pw', Date.now(), check)).token;
  server = createHttpServer({ name: 'controller', host: '127.0.0.1', port: 0, logLevel: 'silent' });
  registerDashboardRoutes(server.app, state, FUNCTIONS);
}, 30_000);

afterAll(async () => {
  await server?.close();
  await state?.close();
  await rm(dir, { recursive: true, force: true });
});

async function callAs(token: string | null, body: unknown) {
  const response = await server.app.inject({
    method: 'POST',
    url: DASHBOARD_CALL_PATH,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    payload: body as Record<string, unknown>,
  });
  return { status: response.statusCode, json: response.json() as Record<string, unknown> };
}

describe('dashboard static files', () => {
  it.each([
    ['/dashboard', 'text/html', '<title>Shoal dashboard</title>'],
    ['/dashboard/app.js', 'text/javascript', "'use strict'"],
    ['/dashboard/app.css', 'text/css', '--ink'],
    ['/dashboard/uplot.js', 'text/javascript', 'uPlot'],
    ['/dashboard/uplot.css', 'text/css', '.uplot'],
  ])('serves %s as %s, not cached without revalidation', async (url, type, content) => {
    const response = await server.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain(type);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toContain(content);
  });
});

describe('dashboard address', () => {
  it('sends /dashboard/ to /dashboard', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/dashboard/' });
    expect(response.statusCode).toBe(301);
    expect(response.headers['location']).toBe('/dashboard');
  });
});

describe('dashboard calls', () => {
  it('answers a table as columns and rows', async () => {
    const { status, json } = await callAs(admin, { fn: 'getClusterPerf' });
    expect(status).toBe(200);
    expect(json).toEqual({
      kind: 'table',
      columns: ['name', 'port', 'state'],
      rows: [
        ['controller', 9000, 'up'],
        ['dn1', 9001, 'down'],
      ],
    });
  });

  it('passes plain arguments as values (an array of integers is an INT vector)', async () => {
    const { status, json } = await callAs(admin, {
      fn: 'skipClusterReplicationTask',
      args: [[4, 5]],
    });
    expect(status).toBe(200);
    expect(json).toEqual({ kind: 'value', value: null });
    const [ids] = seen.get('skipClusterReplicationTask') ?? [];
    expect(ids?.kind).toBe('vector');
    expect(ids?.kind === 'vector' && Array.from(ids.column.data as Int32Array)).toEqual([4, 5]);
  });

  it("answers a function's error in the usual error body", async () => {
    const { status, json } = await callAs(admin, { fn: 'getClusterReplicationState' });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(json['kind']).toBe('REPLICATION_NOT_ENABLED');
  });

  it('refuses a call without a session, or with an unknown token', async () => {
    expect((await callAs(null, { fn: 'getClusterPerf' })).json['kind']).toBe('SESSION_EXPIRED');
    expect((await callAs('nope', { fn: 'getClusterPerf' })).json['kind']).toBe('SESSION_EXPIRED');
  });

  it('refuses a user without ADMIN', async () => {
    const { status, json } = await callAs(guest, { fn: 'getClusterPerf' });
    expect(status).toBe(403);
    expect(json['kind']).toBe('PERMISSION_DENIED');
  });

  it('refuses functions outside the allow-list, even ones the controller runs', async () => {
    const { json } = await callAs(admin, { fn: 'getControllerAlias' });
    expect(json['kind']).toBe('BAD_REQUEST');
    expect(json['message']).toContain('does not call getControllerAlias');
  });

  it.each([
    [{ fn: 'skipClusterReplicationTask', args: [{ kind: 'scalar', type: 'INT', value: 1 }] }],
    [{ fn: 'skipClusterReplicationTask', args: [[[1]]] }],
    [{ fn: 'skipClusterReplicationTask', args: 4 }],
    [{ args: [] }],
    [[1, 2]],
  ])('refuses a malformed call %j', async (body) => {
    const { status, json } = await callAs(admin, body);
    expect(status).toBe(400);
    expect(json['kind']).toBe('BAD_REQUEST');
  });
});
