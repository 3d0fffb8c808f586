// Proves the user operations: bootstrap of admin, who may call what (ADMIN for all but
// changePwd of oneself), error kinds, password changes, and persistence across reopening a
// real LMDB in a temp folder (with checksums caught on read). In-memory records elsewhere.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { open } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { expectShoalError } from './test-support.ts';
import { lmdbUserRecords, memoryUserRecords, openLmdbUserRecords } from './user-records.ts';
import { openUserStore, readAdminHash } from './user-store.ts';
import type { UserStore } from './user-store.ts';

let adminHash: string;
let store: UserStore;

beforeEach(async () => {
  adminHash ??= await hashPassword('123456');
  store = openUserStore(memoryUserRecords(), adminHash);
  await store.createUser('admin', 'bob', 'bobpw');
});

describe('user store', () => {
  it('bootstraps admin as an administrator with the given hash', async () => {
    expect(store.getUser('admin', 'admin')).toEqual({
      name: 'admin',
      isAdmin: true,
      grants: [],
      denies: [],
    });
    expect(await store.authenticate('admin', '123456')).toBe(true);
    expect(store.listUsers('admin')).toEqual(['admin', 'bob']);
  });

  it('lets an admin create users, and refuses duplicates and bad input', async () => {
    await store.createUser('admin', 'carol', 'c4rol', true);
    expect(store.getUser('admin', 'carol').isAdmin).toBe(true);
    expect(await store.authenticate('carol', 'c4rol')).toBe(true);
    await expectShoalError(
      () => store.createUser('admin', 'bob', 'x'),
      'USER_EXISTS',
      'user bob already exists: pick another name',
    );
    await expectShoalError(() => store.createUser('admin', '9lives', 'x'), 'INVALID_ARGUMENT');
    await expectShoalError(() => store.createUser('admin', 'dave', 'a b'), 'INVALID_ARGUMENT');
    // Another admin may create users too.
    await store.createUser('carol', 'dave', 'd');
    expect(store.listUsers('carol')).toEqual(['admin', 'bob', 'carol', 'dave']);
  });

  it('creates one user when two creations of the same name race', async () => {
    const results = await Promise.allSettled([
      store.createUser('admin', 'erin', 'one'),
      store.createUser('admin', 'erin', 'two'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const passwords = await Promise.all(['one', 'two'].map((pw) => store.authenticate('erin', pw)));
    expect(passwords.filter(Boolean)).toHaveLength(1);
  });

  it('refuses every admin operation to a non-admin, naming what to ask for', async () => {
    await expectShoalError(
      () => store.createUser('bob', 'eve', 'x'),
      'PERMISSION_DENIED',
      'user bob lacks ADMIN, which createUser needs; ask an admin to run it, or to grant it with grant("bob", ADMIN)',
    );
    await expectShoalError(
      () => store.grant('bob', 'bob', 'DB_WRITE', 'dfs://db'),
      'PERMISSION_DENIED',
      /grant needs/,
    );
    await expectShoalError(() => store.grant('bob', 'bob', 'ADMIN'), 'PERMISSION_DENIED');
    await expectShoalError(() => store.deny('bob', 'admin', 'DB_READ'), 'PERMISSION_DENIED');
    await expectShoalError(() => store.revoke('bob', 'bob', 'DB_READ'), 'PERMISSION_DENIED');
    await expectShoalError(() => store.deleteUser('bob', 'bob'), 'PERMISSION_DENIED');
    await expectShoalError(() => store.resetPwd('bob', 'admin', 'mine'), 'PERMISSION_DENIED');
    await expectShoalError(() => store.listUsers('bob'), 'PERMISSION_DENIED');
    await expectShoalError(() => store.getUser('bob', 'admin'), 'PERMISSION_DENIED');
    expect(await store.authenticate('admin', '123456')).toBe(true);
  });

  it('checks the caller before saying whether a user exists', async () => {
    await expectShoalError(() => store.grant('bob', 'ghost', 'DB_READ'), 'PERMISSION_DENIED');
    await expectShoalError(
      () => store.grant('admin', 'ghost', 'DB_READ'),
      'USER_NOT_FOUND',
      /user ghost does not exist/,
    );
    await expectShoalError(() => store.deleteUser('admin', 'ghost'), 'USER_NOT_FOUND');
    await expectShoalError(() => store.resetPwd('admin', 'ghost', 'x'), 'USER_NOT_FOUND');
    await expectShoalError(() => store.listUsers('ghost'), 'PERMISSION_DENIED', /no longer exists/);
  });

  it('stores grants, denies and revokes, with deny winning', async () => {
    store.grant('admin', 'bob', 'DB_READ');
    store.grant('admin', 'bob', 'DB_WRITE', 'dfs://db');
    store.deny('admin', 'bob', 'DB_READ', 'dfs://secret');
    expect(store.getUser('bob', 'bob')).toEqual({
      name: 'bob',
      isAdmin: false,
      grants: [
        { privilege: 'DB_READ', object: '*' },
        { privilege: 'DB_WRITE', object: 'dfs://db' },
      ],
      denies: [{ privilege: 'DB_READ', object: 'dfs://secret' }],
    });
    store.revoke('admin', 'bob', 'DB_READ', 'dfs://secret');
    store.grant('admin', 'bob', 'ADMIN');
    expect(store.getUser('admin', 'bob')).toMatchObject({ isAdmin: true, denies: [] });
    await store.createUser('bob', 'frank', 'f'); // bob is an admin now
    store.revoke('admin', 'bob', 'ADMIN');
    await expectShoalError(() => store.createUser('bob', 'gina', 'g'), 'PERMISSION_DENIED');
  });

  it('keeps the built-in admin and its ADMIN', async () => {
    await expectShoalError(
      () => store.deleteUser('admin', 'admin'),
      'INVALID_ARGUMENT',
      /cannot be deleted/,
    );
    await expectShoalError(
      () => store.revoke('admin', 'admin', 'ADMIN'),
      'INVALID_ARGUMENT',
      /always keeps ADMIN/,
    );
    expect(store.getUser('admin', 'admin').isAdmin).toBe(true);
  });

  it('deletes users', async () => {
    store.deleteUser('admin', 'bob');
    expect(store.listUsers('admin')).toEqual(['admin']);
    expect(store.userRecord('bob')).toBeUndefined();
    expect(await store.authenticate('bob', 'bobpw')).toBe(false);
  });

  it('lets a user change its own password given the current one', async () => {
    await expectShoalError(
      () => store.changePwd('bob', 'wrong', 'newpw'),
      'AUTH_FAILED',
      /current password given for user bob is wrong/,
    );
    await expectShoalError(() => store.changePwd('bob', 'bobpw', 'new pw'), 'INVALID_ARGUMENT');
    await store.changePwd('bob', 'bobpw', 'newpw');
    expect(await store.authenticate('bob', 'newpw')).toBe(true);
    expect(await store.authenticate('bob', 'bobpw')).toBe(false);
  });

  it('keeps privileges granted while a password change was hashing', async () => {
    const change = store.changePwd('bob', 'bobpw', 'newpw');
    store.grant('admin', 'bob', 'DB_READ');
    await change;
    expect(store.getUser('bob', 'bob').grants).toEqual([{ privilege: 'DB_READ', object: '*' }]);
    expect(await store.authenticate('bob', 'newpw')).toBe(true);
  });

  it('lets an admin reset any password without the old one', async () => {
    await store.resetPwd('admin', 'bob', 'reset1');
    expect(await store.authenticate('bob', 'reset1')).toBe(true);
    await store.resetPwd('admin', 'admin', 'adm1n');
    expect(await store.authenticate('admin', '123456')).toBe(false);
  });

  it('authenticates unknown names as false, like wrong passwords', async () => {
    expect(await store.authenticate('ghost', 'bobpw')).toBe(false);
    expect(await store.authenticate('bob', 'ghost')).toBe(false);
    expect(await store.authenticate('bob', 'bobpw')).toBe(true);
  });

  it('never exposes password hashes through getUser', () => {
    expect(JSON.stringify(store.getUser('admin', 'bob'))).not.toContain('scrypt');
  });
});

describe('LMDB user records', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shoal-users-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps users, hashes and privileges across a reopen', async () => {
    const first = openUserStore(openLmdbUserRecords(dir), adminHash);
    await first.createUser('admin', 'bob', 'bobpw');
    first.grant('admin', 'bob', 'DB_WRITE', 'dfs://testDB');
    first.deny('admin', 'bob', 'DB_DDL');
    await first.createUser('admin', 'carol', 'c', true);
    first.deleteUser('admin', 'carol');
    await first.resetPwd('admin', 'admin', 'changed');
    await first.close();

    const otherHash = await hashPassword('ignored');
    const second = openUserStore(openLmdbUserRecords(dir), otherHash);
    expect(second.listUsers('admin')).toEqual(['admin', 'bob']);
    expect(second.getUser('admin', 'bob')).toEqual({
      name: 'bob',
      isAdmin: false,
      grants: [{ privilege: 'DB_WRITE', object: 'dfs://testDB' }],
      denies: [{ privilege: 'DB_DDL', object: '*' }],
    });
    expect(await second.authenticate('bob', 'bobpw')).toBe(true);
    // The first open's admin stays: a later hash does not overwrite it.
    expect(await second.authenticate('admin', 'changed')).toBe(true);
    expect(await second.authenticate('admin', 'ignored')).toBe(false);
    await second.close();
  });

  it('shares an environment with other records, and leaves it open on close', async () => {
    const env = open({ path: dir, encoding: 'binary' });
    env.putSync('db\u0000dfs://x', Buffer.from('other'));
    const users = openUserStore(lmdbUserRecords(env), adminHash);
    await users.createUser('admin', 'bob', 'pw');
    await users.close();
    expect(
      lmdbUserRecords(env)
        .list()
        .map((u) => u.name),
    ).toEqual(['admin', 'bob']);
    expect(Buffer.from(env.get('db\u0000dfs://x') as Uint8Array).toString()).toBe('other');
    await env.close();
  });

  it('reports a damaged record as CORRUPT_DATA, naming the user', async () => {
    const env = open({ path: dir, encoding: 'binary' });
    const users = openUserStore(lmdbUserRecords(env), adminHash);
    await users.createUser('admin', 'bob', 'pw');
    const bytes = Buffer.from(env.get('user\u0000bob') as Uint8Array);
    const at = bytes.length - 2;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
    env.putSync('user\u0000bob', bytes);
    await expectShoalError(
      () => users.userRecord('bob'),
      'CORRUPT_DATA',
      /user bob fails its checksum/,
    );
    await expectShoalError(() => users.listUsers('admin'), 'CORRUPT_DATA');
    await env.close();
  });
});

describe('readAdminHash', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shoal-admin-hash-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads admin.hash as cluster init wrote it', async () => {
    const hash = await hashPassword('f1rst');
    await writeFile(path.join(dir, 'admin.hash'), `${hash}\n`, { mode: 0o600 });
    expect(await readAdminHash(dir)).toBe(hash);
  });

  it('falls back to the hash of 123456 when there is no admin.hash', async () => {
    expect(await verifyPassword('123456', await readAdminHash(dir))).toBe(true);
  });

  it('refuses an admin.hash that is not a hash', async () => {
    await writeFile(path.join(dir, 'admin.hash'), '123456\n');
    await expectShoalError(
      () => readAdminHash(dir),
      'INVALID_CONFIG',
      /admin\.hash is not a password hash/,
    );
  });

  it('refuses a malformed bootstrap hash on first open', async () => {
    await expectShoalError(() => openUserStore(memoryUserRecords(), 'plain'), 'INVALID_CONFIG');
  });
});
