// Proves each access rule: grant allows, deny wins over grant on the object or on `*`,
// revoke removes either, `*` covers every database, ADMIN allows everything and the built-in
// admin keeps it; and the name and password rules. Drives the pure functions directly.

import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../core/errors.ts';
import { checkPassword, checkUserName } from './credential-rules.ts';
import { applyPrivilegeChange, checkAccess, newUserRecord, requireAccess } from './privileges.ts';
import type { AccessNeed, PrivilegeChange, UserRecord } from './privileges.ts';
import { expectShoalError } from './test-support.ts';

const DB = 'dfs://testDB';
const OTHER = 'dfs://other';
const bob = newUserRecord('bob', 'scrypt$…', false);

function apply(user: UserRecord, ...changes: readonly PrivilegeChange[]): UserRecord {
  return changes.reduce(applyPrivilegeChange, user);
}
const grant = (privilege: PrivilegeChange['privilege'], object = '*'): PrivilegeChange => ({
  kind: 'grant',
  privilege,
  object,
});
const deny = (privilege: PrivilegeChange['privilege'], object = '*'): PrivilegeChange => ({
  kind: 'deny',
  privilege,
  object,
});
const revoke = (privilege: PrivilegeChange['privilege'], object = '*'): PrivilegeChange => ({
  kind: 'revoke',
  privilege,
  object,
});
const allowed = (user: UserRecord, need: AccessNeed): boolean => checkAccess(user, need).ok;
const write = (object: string): AccessNeed => ({ privilege: 'DB_WRITE', object });

describe('checkAccess', () => {
  it('denies what was never granted, naming the user, privilege, object and the fix', () => {
    const result = checkAccess(bob, write(DB));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(isShoalError(result.error, 'PERMISSION_DENIED')).toBe(true);
    expect(result.error.message).toBe(
      'user bob lacks DB_WRITE on dfs://testDB; an admin can grant it with grant("bob", DB_WRITE, "dfs://testDB")',
    );
  });

  it('allows a granted privilege on that database only, and only that privilege', () => {
    const user = apply(bob, grant('DB_WRITE', DB));
    expect(allowed(user, write(DB))).toBe(true);
    expect(allowed(user, write(OTHER))).toBe(false);
    expect(allowed(user, { privilege: 'DB_READ', object: DB })).toBe(false);
    expect(allowed(user, { privilege: 'DB_DDL', object: DB })).toBe(false);
  });

  it('lets a grant on * cover every database, but not a need on * after a deny', () => {
    const user = apply(bob, grant('DB_READ'));
    expect(allowed(user, { privilege: 'DB_READ', object: DB })).toBe(true);
    expect(allowed(user, { privilege: 'DB_READ', object: 'dfs://anything' })).toBe(true);
    expect(allowed(user, { privilege: 'DB_READ', object: '*' })).toBe(true);
    const denied = apply(user, deny('DB_READ', DB));
    expect(allowed(denied, { privilege: 'DB_READ', object: OTHER })).toBe(true);
    expect(allowed(denied, { privilege: 'DB_READ', object: '*' })).toBe(false);
  });

  it('lets a deny win over a grant, on the object or on *', () => {
    const onObject = apply(bob, grant('DB_WRITE'), deny('DB_WRITE', DB));
    expect(allowed(onObject, write(DB))).toBe(false);
    expect(allowed(onObject, write(OTHER))).toBe(true);
    expect(checkAccess(onObject, write(DB))).toMatchObject({
      ok: false,
      error: {
        message:
          'user bob is denied DB_WRITE on dfs://testDB; an admin can lift it with revoke("bob", DB_WRITE, "dfs://testDB")',
      },
    });
    const onAll = apply(bob, grant('DB_WRITE', DB), deny('DB_WRITE'));
    expect(allowed(onAll, write(DB))).toBe(false);
    expect(checkAccess(onAll, write(DB))).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('(by a deny on *)') as unknown },
    });
  });

  it('replaces a deny by a later grant of the same privilege and object, and back', () => {
    expect(allowed(apply(bob, deny('DB_WRITE', DB), grant('DB_WRITE', DB)), write(DB))).toBe(true);
    expect(allowed(apply(bob, grant('DB_WRITE', DB), deny('DB_WRITE', DB)), write(DB))).toBe(false);
    const user = apply(bob, deny('DB_WRITE', DB), grant('DB_WRITE', DB));
    expect(user.grants).toEqual([{ privilege: 'DB_WRITE', object: DB }]);
    expect(user.denies).toEqual([]);
  });

  it('makes revoke remove a grant or a deny, and nothing else', () => {
    expect(allowed(apply(bob, grant('DB_WRITE', DB), revoke('DB_WRITE', DB)), write(DB))).toBe(
      false,
    );
    const lifted = apply(bob, grant('DB_WRITE'), deny('DB_WRITE', DB), revoke('DB_WRITE', DB));
    expect(allowed(lifted, write(DB))).toBe(true);
    // Revoking on * does not touch the grant on the database.
    const kept = apply(bob, grant('DB_WRITE', DB), revoke('DB_WRITE'));
    expect(allowed(kept, write(DB))).toBe(true);
    expect(apply(bob, revoke('DB_READ', DB))).toEqual(bob);
  });

  it('lets ADMIN do everything, denies or not', () => {
    const admin = apply(bob, grant('ADMIN'), deny('DB_WRITE'), deny('DB_READ', DB));
    expect(admin.isAdmin).toBe(true);
    expect(allowed(admin, write(DB))).toBe(true);
    expect(allowed(admin, { privilege: 'DB_READ', object: DB })).toBe(true);
    expect(allowed(admin, { privilege: 'ADMIN', operation: 'createUser' })).toBe(true);
    expect(allowed(apply(admin, revoke('ADMIN')), write(DB))).toBe(false);
  });

  it('names the operation a missing ADMIN blocks', async () => {
    await expectShoalError(
      () => requireAccess(bob, { privilege: 'ADMIN', operation: 'createUser' }),
      'PERMISSION_DENIED',
      'user bob lacks ADMIN, which createUser needs; ask an admin to run it, or to grant it with grant("bob", ADMIN)',
    );
  });
});

describe('applyPrivilegeChange', () => {
  it('keeps ADMIN on the built-in admin', async () => {
    const admin = newUserRecord('admin', 'h', true);
    await expectShoalError(
      () => applyPrivilegeChange(admin, revoke('ADMIN')),
      'INVALID_ARGUMENT',
      /always keeps ADMIN/,
    );
  });

  it('refuses to deny ADMIN or give it an object', async () => {
    await expectShoalError(() => apply(bob, deny('ADMIN')), 'INVALID_ARGUMENT', /revoke\("bob"/);
    await expectShoalError(
      () => apply(bob, grant('ADMIN', DB)),
      'INVALID_ARGUMENT',
      /cluster-wide/,
    );
  });

  it('refuses objects that are neither * nor a database path', async () => {
    for (const object of ['', 'testDB', 'dfs://', 'db*']) {
      await expectShoalError(() => apply(bob, grant('DB_READ', object)), 'INVALID_ARGUMENT');
    }
  });

  it('keeps a user record unchanged in place (returns a new one)', () => {
    const before = structuredClone(bob);
    apply(bob, grant('DB_READ'), deny('DB_WRITE', DB));
    expect(bob).toEqual(before);
  });
});

describe('credential rules', () => {
  it('accepts user names of a letter and up to 29 letters, digits or _', async () => {
    for (const name of ['a', 'bob', 'Bob_2', 'x'.repeat(30)]) checkUserName(name);
    for (const name of ['', '1bob', '_bob', 'bo b', 'bob-1', 'x'.repeat(31), 'böb']) {
      await expectShoalError(() => checkUserName(name), 'INVALID_ARGUMENT', /start with a letter/);
    }
  });

  it('accepts passwords of 1 to 128 characters without whitespace', async () => {
    for (const password of ['1', '123456', 'pä$$wörd', 'x'.repeat(128)]) checkPassword(password);
    for (const password of ['', 'a b', 'a\nb', 'x'.repeat(129)]) {
      await expectShoalError(() => checkPassword(password), 'INVALID_ARGUMENT', /1 to 128/);
    }
  });
});
