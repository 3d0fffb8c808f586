// Test support for the public API and the SDK: an Engine over an embedded store (a real
// session table and an in-memory user store with admin/123456, a clock tests move), served by a
// real HTTP server on 127.0.0.1:0. Imported only by tests.

import { randomBytes } from 'node:crypto';
import {
  createSessionTable,
  hashPassword,
  memoryUserRecords,
  openUserStore,
} from '../cluster/auth/index.ts';
import type { SessionTable, UserStore } from '../cluster/auth/index.ts';
import { callSource } from '../cluster/datanode/value-source.ts';
import { createHttpServer } from '../net/http-server.ts';
import type { HttpServer } from '../net/http-server.ts';
import { registerPublicApi } from '../net/public-api.ts';
import type { Engine } from '../net/public-api.ts';
import { parseStatements } from '../query/parser.ts';
import { QuerySession } from '../query/session.ts';
import type { Value } from '../query/value.ts';
import { append } from '../storage/index.ts';
import type { Store } from '../storage/index.ts';
import { tempStore } from '../storage/test-support.ts';

/** Idle time after which a test session expires (the clock is moved past it to expire one). */
export const TEST_SESSION_MILLIS = 60_000;

/** A clock tests move by hand. */
export interface TestClock {
  now(): number;
  advance(millis: number): void;
}

/** A listening server over a fresh temp store; close() stops it and removes the store. */
export interface TestServer {
  readonly url: string;
  readonly store: Store;
  readonly sessions: SessionTable;
  readonly users: UserStore;
  readonly clock: TestClock;
  readonly server: HttpServer;
  close(): Promise<void>;
}

let adminHash: Promise<string> | undefined;

/** Starts a server whose routes are the public API over an embedded engine. */
export async function startTestServer(): Promise<TestServer> {
  adminHash ??= hashPassword('123456');
  const users = openUserStore(memoryUserRecords(), await adminHash);
  const sessions = createSessionTable({
    timeoutMillis: TEST_SESSION_MILLIS,
    maxSessions: 100,
    randomBytes: (size) => randomBytes(size),
  });
  const clock = testClock();
  const temp = await tempStore();
  const server = createHttpServer({
    name: 'test node',
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
  });
  registerPublicApi(server.app, embeddedEngine(temp.store, sessions, users, clock));
  try {
    const address = await server.listen();
    return {
      url: address.url,
      store: temp.store,
      sessions,
      users,
      clock,
      server,
      close: async () => {
        await server.close();
        await users.close();
        await temp.cleanup();
      },
    };
  } catch (error) {
    await server.close();
    await temp.cleanup();
    throw error;
  }
}

/** The public API's engine over one embedded store: statements run in a session as the user. */
export function embeddedEngine(
  store: Store,
  sessions: SessionTable,
  users: UserStore,
  clock: TestClock,
): Engine {
  async function* run(user: string, text: string): AsyncGenerator<Value> {
    const session = new QuerySession(store, undefined, { user });
    for (const statement of parseStatements(text)) yield await session.execute(statement);
  }
  return {
    login: (user, password) =>
      sessions.login(user, password, clock.now(), (name, pw) => users.authenticate(name, pw)),
    logout: async (token) => {
      sessions.logout(token);
    },
    authenticate: async (token) => sessions.lookup(token, clock.now()),
    run,
    call: async (user, name, args) => {
      let last: Value = { kind: 'void' };
      for await (const value of run(user, callSource(name, args))) last = value;
      return last;
    },
    append: async (_user, database, table, columns) =>
      (await append(store, database, table, columns)).rowsWritten,
  };
}

function testClock(): TestClock {
  let millis = 1_700_000_000_000;
  return {
    now: () => millis,
    advance: (by) => {
      millis += by;
    },
  };
}
