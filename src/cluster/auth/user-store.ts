// Users and their privileges as the controller serves them: DolphinDB's createUser,
// deleteUser, changePwd, resetPwd, grant, deny, revoke, getUserAccess and getUserList.
// Every call names its caller; all but changePwd of oneself (and login) need ADMIN. Calls
// that hash re-read the record after hashing, so concurrent calls never lose each other.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ShoalError } from '../../core/errors.ts';
import { MAX_USERS } from './auth-limits.ts';
import { ADMIN_USER, checkPassword, checkUserName } from './credential-rules.ts';
import { DEFAULT_ADMIN_PASSWORD } from './default-password.ts';
import { hashPassword, parsePasswordHash, verifyPassword } from './password-hash.ts';
import { ALL_OBJECTS, applyPrivilegeChange, newUserRecord, requireAccess } from './privileges.ts';
import type { Privilege, PrivilegeChange, PrivilegeEntry, UserRecord } from './privileges.ts';
import type { UserRecords } from './user-records.ts';

/** What getUser shows: a user without its password hash. */
export interface UserInfo {
  readonly name: string;
  readonly isAdmin: boolean;
  readonly grants: readonly PrivilegeEntry[];
  readonly denies: readonly PrivilegeEntry[];
}

/** The controller's user operations; `caller` is the user of the calling session. */
export interface UserStore {
  /** ADMIN. USER_EXISTS when taken; INVALID_ARGUMENT for a bad name or password. */
  createUser(caller: string, name: string, password: string, isAdmin?: boolean): Promise<void>;
  /** ADMIN. The built-in admin cannot be deleted. */
  deleteUser(caller: string, name: string): void;
  /** The caller's own password; AUTH_FAILED when `oldPassword` is wrong. */
  changePwd(caller: string, oldPassword: string, newPassword: string): Promise<void>;
  /** ADMIN. Sets `name`'s password without knowing the old one. */
  resetPwd(caller: string, name: string, newPassword: string): Promise<void>;
  /** ADMIN. `object` is a database path or `*` (the default; the only one for ADMIN). */
  grant(caller: string, name: string, privilege: Privilege, object?: string): void;
  /** ADMIN. As grant; a deny wins over every grant. */
  deny(caller: string, name: string, privilege: Privilege, object?: string): void;
  /** ADMIN. Removes a grant or a deny of exactly this privilege and object. */
  revoke(caller: string, name: string, privilege: Privilege, object?: string): void;
  /** ADMIN, or the caller asking about itself. */
  getUser(caller: string, name: string): UserInfo;
  /** ADMIN. Every user name, sorted. */
  listUsers(caller: string): readonly string[];
  /**
   * True when `password` is `name`'s. An unknown name costs the same hashing as a wrong
   * password, so timing does not tell which users exist.
   */
  authenticate(name: string, password: string): Promise<boolean>;
  /** The record behind access checks of an authenticated session; no caller check. */
  userRecord(name: string): UserRecord | undefined;
  close(): Promise<void>;
}

/**
 * A user store over `records`. On first open (no admin record) the built-in admin is
 * created with `adminHash` (see readAdminHash); later opens ignore it.
 */
export function openUserStore(records: UserRecords, adminHash: string): UserStore {
  if (records.get(ADMIN_USER) === undefined) {
    if (parsePasswordHash(adminHash) === undefined) {
      throw new ShoalError(
        'INVALID_CONFIG',
        'the admin password hash is not of the form scrypt$N$r$p$saltHex$hashHex: run shoal cluster init again',
      );
    }
    records.put(newUserRecord(ADMIN_USER, adminHash, true));
  }
  return userStore(records);
}

/**
 * The admin hash for a first open: `<clusterDir>/admin.hash` as `shoal cluster init` wrote
 * it, or the hash of DolphinDB's default 123456 when the file does not exist.
 */
export async function readAdminHash(clusterDir: string): Promise<string> {
  const file = path.join(clusterDir, 'admin.hash');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return hashPassword(DEFAULT_ADMIN_PASSWORD);
    throw new ShoalError('DISK_ERROR', `cannot read ${file}: check its permissions`, {
      cause: error,
    });
  }
  const hash = text.trim();
  if (parsePasswordHash(hash) === undefined) {
    throw new ShoalError(
      'INVALID_CONFIG',
      `${file} is not a password hash (scrypt$N$r$p$saltHex$hashHex): write it again with shoal cluster init --admin-password`,
    );
  }
  return hash;
}

function userStore(records: UserRecords): UserStore {
  const existing = (name: string): UserRecord => {
    const user = records.get(name);
    if (user === undefined) {
      throw new ShoalError(
        'USER_NOT_FOUND',
        `user ${name} does not exist: listUsers() shows the users there are`,
      );
    }
    return user;
  };
  const requireAdmin = (caller: string, operation: string): UserRecord => {
    const user = callerRecord(records, caller);
    requireAccess(user, { privilege: 'ADMIN', operation });
    return user;
  };
  const changePrivilege = (caller: string, name: string, change: PrivilegeChange): void => {
    requireAdmin(caller, change.kind);
    records.put(applyPrivilegeChange(existing(name), change));
  };
  const setPassword = async (name: string, password: string): Promise<void> => {
    const hash = await hashPassword(password);
    records.put({ ...existing(name), passwordHash: hash });
  };

  return {
    createUser: async (caller, name, password, isAdmin = false) => {
      requireAdmin(caller, 'createUser');
      checkUserName(name);
      checkPassword(password);
      checkNewUser(records, name);
      const hash = await hashPassword(password);
      checkNewUser(records, name);
      records.put(newUserRecord(name, hash, isAdmin));
    },
    deleteUser: (caller, name) => {
      requireAdmin(caller, 'deleteUser');
      if (name === ADMIN_USER) {
        throw new ShoalError(
          'INVALID_ARGUMENT',
          `the built-in user ${ADMIN_USER} cannot be deleted; change its password with changePwd instead`,
        );
      }
      existing(name);
      records.remove(name);
    },
    changePwd: async (caller, oldPassword, newPassword) => {
      const user = callerRecord(records, caller);
      checkPassword(newPassword);
      if (!(await verifyPassword(oldPassword, user.passwordHash))) {
        throw new ShoalError(
          'AUTH_FAILED',
          `the current password given for user ${caller} is wrong: give it first to changePwd, or ask an admin to resetPwd`,
        );
      }
      await setPassword(caller, newPassword);
    },
    resetPwd: async (caller, name, newPassword) => {
      requireAdmin(caller, 'resetPwd');
      checkPassword(newPassword);
      existing(name);
      await setPassword(name, newPassword);
    },
    grant: (caller, name, privilege, object = ALL_OBJECTS) =>
      changePrivilege(caller, name, { kind: 'grant', privilege, object }),
    deny: (caller, name, privilege, object = ALL_OBJECTS) =>
      changePrivilege(caller, name, { kind: 'deny', privilege, object }),
    revoke: (caller, name, privilege, object = ALL_OBJECTS) =>
      changePrivilege(caller, name, { kind: 'revoke', privilege, object }),
    getUser: (caller, name) => {
      if (caller !== name) requireAdmin(caller, 'getUser of another user');
      const { isAdmin, grants, denies } = existing(name);
      return { name, isAdmin, grants, denies };
    },
    listUsers: (caller) => {
      requireAdmin(caller, 'listUsers');
      return records
        .list()
        .map((user) => user.name)
        .sort();
    },
    authenticate: async (name, password) => {
      const user = records.get(name);
      if (user === undefined) {
        await verifyPassword(password, await decoyHash());
        return false;
      }
      return verifyPassword(password, user.passwordHash);
    },
    userRecord: (name) => records.get(name),
    close: () => records.close(),
  };
}

function callerRecord(records: UserRecords, caller: string): UserRecord {
  const user = records.get(caller);
  if (user === undefined) {
    throw new ShoalError(
      'PERMISSION_DENIED',
      `user ${caller} no longer exists (deleted since logging in?): log in as an existing user`,
    );
  }
  return user;
}

function checkNewUser(records: UserRecords, name: string): void {
  if (records.get(name) !== undefined) {
    throw new ShoalError('USER_EXISTS', `user ${name} already exists: pick another name`);
  }
  if (records.count() >= MAX_USERS) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `the cluster already has ${MAX_USERS} users, the most it keeps: delete unused ones first`,
    );
  }
}

let decoy: Promise<string> | undefined;

/** A hash no password is known for, checked against when a login names no user. */
function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString('hex'));
  return decoy;
}
