// DolphinDB-style access control, pure: who may read, write or change the schema of which
// database, and who is an administrator. Per (privilege, object) a user holds a grant, a
// deny or nothing; a deny wins over any grant (on the object or on `*`), and ADMIN, a flag
// rather than an entry, allows everything whatever the entries say.

import { ShoalError } from '../../core/errors.ts';
import { unreachable } from '../../core/assert.ts';
import { checkDatabaseName } from '../../storage/validate.ts';
import { MAX_PRIVILEGE_ENTRIES } from './auth-limits.ts';
import { ADMIN_USER } from './credential-rules.ts';

/** A privilege on databases: read rows, write rows, or change tables and schemes. */
export type ObjectPrivilege = 'DB_READ' | 'DB_WRITE' | 'DB_DDL';

/** Every privilege; ADMIN is cluster-wide and implies all the others. */
export type Privilege = ObjectPrivilege | 'ADMIN';

/** The object meaning every database, present and future. */
export const ALL_OBJECTS = '*';

const OBJECT_PRIVILEGES: readonly ObjectPrivilege[] = ['DB_READ', 'DB_WRITE', 'DB_DDL'];

/** One grant or deny: a privilege on a database path or on `*`. */
export interface PrivilegeEntry {
  readonly privilege: ObjectPrivilege;
  readonly object: string;
}

/** A user as stored by the controller. */
export interface UserRecord {
  readonly name: string;
  readonly passwordHash: string;
  readonly isAdmin: boolean;
  readonly grants: readonly PrivilegeEntry[];
  readonly denies: readonly PrivilegeEntry[];
}

/** What a call needs: ADMIN (naming the operation, for the message) or a database privilege. */
export type AccessNeed =
  | { readonly privilege: 'ADMIN'; readonly operation: string }
  | { readonly privilege: ObjectPrivilege; readonly object: string };

/** The answer of checkAccess: allowed, or the PERMISSION_DENIED error to return. */
export type AccessResult =
  { readonly ok: true } | { readonly ok: false; readonly error: ShoalError };

/** A grant, deny or revoke of one privilege on one object (`*` for ADMIN). */
export interface PrivilegeChange {
  readonly kind: 'grant' | 'deny' | 'revoke';
  readonly privilege: Privilege;
  readonly object: string;
}

/** True when `text` names a privilege. */
export function isPrivilege(text: string): text is Privilege {
  return text === 'ADMIN' || (OBJECT_PRIVILEGES as readonly string[]).includes(text);
}

/** A new user with no grants or denies. */
export function newUserRecord(name: string, passwordHash: string, isAdmin: boolean): UserRecord {
  return { name, passwordHash, isAdmin, grants: [], denies: [] };
}

/**
 * Whether `user` may do what `need` says. An object need on `*` (every database) needs a
 * grant on `*` and no deny of that privilege anywhere.
 */
export function checkAccess(user: UserRecord, need: AccessNeed): AccessResult {
  if (user.isAdmin) return { ok: true };
  if (need.privilege === 'ADMIN') {
    return denied(
      `user ${user.name} lacks ADMIN, which ${need.operation} needs; ask an admin to run it, or to grant it with grant("${user.name}", ADMIN)`,
    );
  }
  const deny = denyingEntry(user, need.privilege, need.object);
  if (deny !== undefined) {
    return denied(
      `user ${user.name} is denied ${need.privilege} on ${need.object}` +
        (deny.object === need.object ? '' : ` (by a deny on ${deny.object})`) +
        `; an admin can lift it with revoke("${user.name}", ${deny.privilege}, "${deny.object}")`,
    );
  }
  if (!isGranted(user, need.privilege, need.object)) {
    return denied(
      `user ${user.name} lacks ${need.privilege} on ${need.object}; an admin can grant it with grant("${user.name}", ${need.privilege}, "${need.object}")`,
    );
  }
  return { ok: true };
}

/** Throws checkAccess's PERMISSION_DENIED error unless `user` may do what `need` says. */
export function requireAccess(user: UserRecord, need: AccessNeed): void {
  const result = checkAccess(user, need);
  if (!result.ok) throw result.error;
}

/**
 * `user` after `change`. Grant and deny of the same (privilege, object) replace each other;
 * revoke removes either (and is a no-op when there is neither). ADMIN is set by grant and
 * cleared by revoke; it cannot be denied, and the built-in admin keeps it.
 */
export function applyPrivilegeChange(user: UserRecord, change: PrivilegeChange): UserRecord {
  if (change.privilege === 'ADMIN') return changeAdmin(user, change.kind, change.object);
  checkObject(change.object);
  const entry: PrivilegeEntry = { privilege: change.privilege, object: change.object };
  const grants = user.grants.filter((e) => !sameEntry(e, entry));
  const denies = user.denies.filter((e) => !sameEntry(e, entry));
  switch (change.kind) {
    case 'grant':
      return withinLimit({ ...user, grants: [...grants, entry], denies });
    case 'deny':
      return withinLimit({ ...user, grants, denies: [...denies, entry] });
    case 'revoke':
      return { ...user, grants, denies };
    default:
      return unreachable(change.kind);
  }
}

function changeAdmin(user: UserRecord, kind: PrivilegeChange['kind'], object: string): UserRecord {
  if (object !== ALL_OBJECTS) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `ADMIN is cluster-wide, not on ${JSON.stringify(object)}: leave out the object or give "*"`,
    );
  }
  switch (kind) {
    case 'grant':
      return { ...user, isAdmin: true };
    case 'deny':
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `ADMIN is granted or revoked, not denied: use revoke("${user.name}", ADMIN)`,
      );
    case 'revoke':
      if (user.name === ADMIN_USER) {
        throw new ShoalError(
          'INVALID_ARGUMENT',
          `the built-in user ${ADMIN_USER} always keeps ADMIN; revoke it from other users only`,
        );
      }
      return { ...user, isAdmin: false };
    default:
      return unreachable(kind);
  }
}

/** Throws INVALID_ARGUMENT unless `object` is `*` or a database path. */
export function checkObject(object: string): void {
  if (object !== ALL_OBJECTS) checkDatabaseName(object);
}

function denyingEntry(
  user: UserRecord,
  privilege: ObjectPrivilege,
  object: string,
): PrivilegeEntry | undefined {
  const applies = (e: PrivilegeEntry): boolean =>
    e.privilege === privilege &&
    (object === ALL_OBJECTS || e.object === object || e.object === ALL_OBJECTS);
  return user.denies.find(applies);
}

function isGranted(user: UserRecord, privilege: ObjectPrivilege, object: string): boolean {
  return user.grants.some(
    (e) => e.privilege === privilege && (e.object === object || e.object === ALL_OBJECTS),
  );
}

function sameEntry(a: PrivilegeEntry, b: PrivilegeEntry): boolean {
  return a.privilege === b.privilege && a.object === b.object;
}

function withinLimit(user: UserRecord): UserRecord {
  if (user.grants.length + user.denies.length > MAX_PRIVILEGE_ENTRIES) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `user ${user.name} would hold more than ${MAX_PRIVILEGE_ENTRIES} grants and denies: revoke some, or grant on "*" instead`,
    );
  }
  return user;
}

function denied(message: string): AccessResult {
  return { ok: false, error: new ShoalError('PERMISSION_DENIED', message) };
}
