// Proves login opens a session only for the right password (same AUTH_FAILED message for a
// wrong name or password), sessions expire after idle time and slide on use, logout and the
// live-session bound work, and failures are counted. A fake clock and seeded bytes drive it.

import { describe, expect, it } from 'vitest';
import { caught, expectShoalError, seededBytes } from './test-support.ts';
import { createSessionTable } from './sessions.ts';
import type { CredentialCheck, SessionOptions } from './sessions.ts';

const PASSWORDS = new Map([
  ['admin', '123456'],
  ['bob', 'pw'],
]);
const check: CredentialCheck = (name, password) =>
  Promise.resolve(PASSWORDS.get(name) === password);
const HOUR = 3_600_000;

function table(overrides: Partial<SessionOptions> = {}) {
  return createSessionTable({
    timeoutMillis: HOUR,
    maxSessions: 100,
    randomBytes: seededBytes(7),
    ...overrides,
  });
}

describe('sessions', () => {
  it('logs in with the right password and finds the user by token', async () => {
    const sessions = table();
    const session = await sessions.login('bob', 'pw', 1000, check);
    expect(session.user).toBe('bob');
    expect(session.token).toMatch(/^[0-9a-f]{64}$/);
    expect(session.expiresAtMillis).toBe(1000 + HOUR);
    expect(sessions.lookup(session.token, 2000)).toBe('bob');
  });

  it('uses the injected random source for tokens', async () => {
    const a = await table({ randomBytes: seededBytes(42) }).login('bob', 'pw', 0, check);
    const b = await table({ randomBytes: seededBytes(42) }).login('bob', 'pw', 0, check);
    const c = await table({ randomBytes: seededBytes(43) }).login('bob', 'pw', 0, check);
    expect(a.token).toBe(b.token);
    expect(a.token).not.toBe(c.token);
  });

  it('answers a wrong name and a wrong password with the same message', async () => {
    const sessions = table();
    const wrongName = await caught(() => sessions.login('mallory', 'pw', 0, check));
    const wrongPassword = await caught(() => sessions.login('bob', 'nope', 0, check));
    await expectShoalError(() => sessions.login('bob', 'nope', 0, check), 'AUTH_FAILED');
    expect((wrongName as Error).message).toBe((wrongPassword as Error).message);
    expect((wrongName as Error).message).toBe(
      'wrong user name or password: check both and log in again',
    );
    expect(sessions.size()).toBe(0);
  });

  it('counts consecutive failures per name and resets them on success, without lockout', async () => {
    const sessions = table();
    for (let i = 0; i < 5; i++) await caught(() => sessions.login('bob', 'bad', i, check));
    await caught(() => sessions.login('ghost', 'bad', 0, check));
    expect(sessions.failedLogins('bob')).toBe(5);
    expect(sessions.failedLogins('ghost')).toBe(1);
    const session = await sessions.login('bob', 'pw', 10, check);
    expect(sessions.lookup(session.token, 11)).toBe('bob');
    expect(sessions.failedLogins('bob')).toBe(0);
  });

  it('bounds the failure table however many names are tried', async () => {
    const sessions = table();
    const long = 'x'.repeat(10_000);
    await caught(() => sessions.login(long, 'bad', 0, check));
    expect(sessions.failedLogins(long)).toBe(1);
  });

  it('expires a session after the idle timeout, and slides it on each lookup', async () => {
    const sessions = table();
    const { token } = await sessions.login('bob', 'pw', 0, check);
    expect(sessions.lookup(token, HOUR - 1)).toBe('bob'); // slides to 2·HOUR − 1
    expect(sessions.lookup(token, 2 * HOUR - 2)).toBe('bob'); // slides to 3·HOUR − 2
    await expectShoalError(
      () => sessions.lookup(token, 3 * HOUR - 2),
      'SESSION_EXPIRED',
      /log in again/,
    );
    // An expired session is gone, even if the clock went back.
    await expectShoalError(() => sessions.lookup(token, 0), 'SESSION_EXPIRED');
    expect(sessions.size()).toBe(0);
  });

  it('rejects unknown tokens', async () => {
    await expectShoalError(() => table().lookup('00'.repeat(32), 0), 'SESSION_EXPIRED');
  });

  it('ends a session on logout', async () => {
    const sessions = table();
    const { token } = await sessions.login('bob', 'pw', 0, check);
    expect(sessions.logout(token)).toBe(true);
    expect(sessions.logout(token)).toBe(false);
    await expectShoalError(() => sessions.lookup(token, 1), 'SESSION_EXPIRED');
  });

  it('evicts the least recently used session past the bound', async () => {
    const sessions = table({ maxSessions: 3 });
    const s1 = await sessions.login('bob', 'pw', 1, check);
    const s2 = await sessions.login('bob', 'pw', 2, check);
    const s3 = await sessions.login('admin', '123456', 3, check);
    sessions.lookup(s1.token, 4); // s1 is now the most recently used
    const s4 = await sessions.login('bob', 'pw', 5, check);
    expect(sessions.size()).toBe(3);
    await expectShoalError(() => sessions.lookup(s2.token, 6), 'SESSION_EXPIRED');
    for (const s of [s1, s3, s4]) expect(sessions.lookup(s.token, 6)).toBe(s.user);
  });

  it('ends every session of one user, and sweeps expired ones', async () => {
    const sessions = table();
    await sessions.login('bob', 'pw', 0, check);
    await sessions.login('bob', 'pw', 0, check);
    const admin = await sessions.login('admin', '123456', HOUR / 2, check);
    expect(sessions.endUserSessions('bob')).toBe(2);
    expect(sessions.lookup(admin.token, HOUR + 1)).toBe('admin'); // now expires at 2·HOUR + 1
    await sessions.login('bob', 'pw', HOUR, check); // expires at 2·HOUR
    expect(sessions.sweep(2 * HOUR)).toBe(1);
    expect(sessions.sweep(2 * HOUR)).toBe(0);
    expect(sessions.size()).toBe(1);
  });
});
