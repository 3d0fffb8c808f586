// Login sessions, pure: the clock and the random source are passed in. A session expires
// after `timeoutMillis` without use (each lookup slides it); past `maxSessions` the least
// recently used session is dropped, so memory stays bounded whatever clients do.
//
// Failed logins: a wrong name and a wrong password get the same AUTH_FAILED message (no user
// enumeration), and a per-name counter records consecutive failures for operators. There is
// deliberately no lockout: it would let anyone lock admin out. Guessing is slowed by scrypt
// (tens of ms per try), and the controller listens on loopback unless configured otherwise.

import { assert } from '../../core/assert.ts';
import { ShoalError } from '../../core/errors.ts';
import { MAX_TRACKED_LOGIN_FAILURES } from './auth-limits.ts';

/** A logged-in session; `token` is what each request carries. */
export interface Session {
  readonly token: string;
  readonly user: string;
  readonly expiresAtMillis: number;
}

/** Checks a name and password; false for an unknown name or a wrong password alike. */
export type CredentialCheck = (name: string, password: string) => Promise<boolean>;

export interface SessionOptions {
  /** Idle time after which a session expires. */
  readonly timeoutMillis: number;
  /** Most live sessions; the least recently used goes first past it. */
  readonly maxSessions: number;
  /** `size` random bytes: node:crypto's randomBytes in production, a seeded one in tests. */
  readonly randomBytes: (size: number) => Uint8Array;
}

/** The session table of one controller. No method reads a clock or does I/O. */
export interface SessionTable {
  /** A new session for `name` when `check` accepts the password; AUTH_FAILED otherwise. */
  login(
    name: string,
    password: string,
    nowMillis: number,
    check: CredentialCheck,
  ): Promise<Session>;
  /** The user of `token`, sliding its expiry; SESSION_EXPIRED when unknown or expired. */
  lookup(token: string, nowMillis: number): string;
  /** Ends the session of `token`; false when there was none. */
  logout(token: string): boolean;
  /** Ends every session of `user` (deleted, or its password reset); returns how many. */
  endUserSessions(user: string): number;
  /** Drops expired sessions; returns how many. */
  sweep(nowMillis: number): number;
  /** Live sessions (expired ones not yet swept included). */
  size(): number;
  /** Consecutive failed logins naming `name` since its last success (0 when none tracked). */
  failedLogins(name: string): number;
}

const TOKEN_BYTES = 32;
/** Longer than any valid user name (30), so real names are never merged. */
const MAX_TRACKED_NAME_LENGTH = 64;

/** An empty session table. */
export function createSessionTable(options: SessionOptions): SessionTable {
  assert(options.timeoutMillis > 0, 'session timeout is positive');
  assert(options.maxSessions > 0, 'session bound is positive');
  // Map order is least recently used first: a lookup deletes and re-inserts its session.
  const sessions = new Map<string, Session>();
  const failures = new Map<string, number>();

  const open = (user: string, nowMillis: number): Session => {
    const token = Buffer.from(options.randomBytes(TOKEN_BYTES)).toString('hex');
    assert(token.length === 2 * TOKEN_BYTES, 'the random source returns the bytes asked for');
    assert(!sessions.has(token), 'session tokens do not repeat');
    while (sessions.size >= options.maxSessions) sessions.delete(firstKey(sessions));
    const session: Session = { token, user, expiresAtMillis: nowMillis + options.timeoutMillis };
    sessions.set(token, session);
    return session;
  };

  return {
    login: async (name, password, nowMillis, check) => {
      if (!(await check(name, password))) {
        countFailure(failures, name);
        throw new ShoalError(
          'AUTH_FAILED',
          'wrong user name or password: check both and log in again',
        );
      }
      failures.delete(failureKey(name));
      return open(name, nowMillis);
    },
    lookup: (token, nowMillis) => {
      const session = sessions.get(token);
      if (session === undefined || nowMillis >= session.expiresAtMillis) {
        sessions.delete(token);
        throw new ShoalError(
          'SESSION_EXPIRED',
          'the session is unknown or has expired: log in again',
        );
      }
      sessions.delete(token);
      sessions.set(token, { ...session, expiresAtMillis: nowMillis + options.timeoutMillis });
      return session.user;
    },
    logout: (token) => sessions.delete(token),
    endUserSessions: (user) => removeWhere(sessions, (s) => s.user === user),
    sweep: (nowMillis) => removeWhere(sessions, (s) => nowMillis >= s.expiresAtMillis),
    size: () => sessions.size,
    failedLogins: (name) => failures.get(failureKey(name)) ?? 0,
  };
}

function countFailure(failures: Map<string, number>, name: string): void {
  const key = failureKey(name);
  const count = (failures.get(key) ?? 0) + 1;
  failures.delete(key);
  while (failures.size >= MAX_TRACKED_LOGIN_FAILURES) failures.delete(firstKey(failures));
  failures.set(key, count);
}

/** Names are cut short so a client sending huge names cannot grow the table's memory. */
function failureKey(name: string): string {
  return name.slice(0, MAX_TRACKED_NAME_LENGTH);
}

function removeWhere(sessions: Map<string, Session>, drop: (s: Session) => boolean): number {
  let removed = 0;
  for (const [token, session] of sessions) {
    if (drop(session)) {
      sessions.delete(token);
      removed++;
    }
  }
  return removed;
}

function firstKey<K, V>(map: ReadonlyMap<K, V>): K {
  const first = map.keys().next();
  assert(first.done !== true, 'taking the first key of a non-empty map');
  return first.value;
}
