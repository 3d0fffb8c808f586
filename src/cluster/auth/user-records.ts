// The durable side of users: one record per user name, behind a small interface with an
// LMDB implementation (the controller's) and an in-memory one (tests). Each LMDB record is
// `user␀<name>` → [CRC-32][JSON], checked again when read.

import { open } from 'lmdb';
import type { Database } from 'lmdb';
import { ShoalError } from '../../core/errors.ts';
import { decodeRecord, encodeRecord } from '../../storage/record-codec.ts';
import { isPrivilege } from './privileges.ts';
import type { PrivilegeEntry, UserRecord } from './privileges.ts';

/**
 * User records by name. `put` and `remove` return once the change is on disk and throw
 * DISK_ERROR when it is not; reads throw CORRUPT_DATA for a record that fails its checks.
 */
export interface UserRecords {
  get(name: string): UserRecord | undefined;
  /** Every record, by name. */
  list(): readonly UserRecord[];
  count(): number;
  put(user: UserRecord): void;
  remove(name: string): void;
  close(): Promise<void>;
}

const FORMAT = 1;
const PREFIX = 'user\u0000';
/** A fresh range each call: lmdb keeps iteration state in the options object it is given. */
const range = () => ({ start: PREFIX, end: `${PREFIX}\uffff` });

interface StoredUser extends UserRecord {
  readonly format: number;
}

/** User records in their own LMDB environment at `path` (created if needed). */
export function openLmdbUserRecords(path: string): UserRecords {
  const env = open({ path, encoding: 'binary', overlappingSync: false, noSync: false });
  return { ...lmdbUserRecords(env), close: () => env.close() };
}

/**
 * User records in `db`, an LMDB database opened with `encoding: 'binary'` that other records
 * may share (the controller keeps its catalog in the same environment). `close` leaves `db`
 * open: its owner closes it.
 */
export function lmdbUserRecords(db: Database): UserRecords {
  return {
    get: (name) => {
      const bytes = db.get(PREFIX + name) as Uint8Array | undefined;
      return bytes === undefined ? undefined : decodeUser(bytes, name);
    },
    list: () => {
      const users: UserRecord[] = [];
      for (const { key, value } of db.getRange(range()))
        users.push(decodeUser(value as Uint8Array, String(key).slice(PREFIX.length)));
      return users;
    },
    count: () => db.getKeysCount(range()),
    put: (user) =>
      writeDurably(user.name, () =>
        db.transactionSync(() => db.putSync(PREFIX + user.name, encodeUser(user))),
      ),
    remove: (name) =>
      writeDurably(name, () => db.transactionSync(() => db.removeSync(PREFIX + name))),
    close: () => Promise.resolve(),
  };
}

/** User records in memory, for tests; each record is stored as a copy, as on disk. */
export function memoryUserRecords(): UserRecords {
  const users = new Map<string, UserRecord>();
  return {
    get: (name) => users.get(name),
    list: () => [...users.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    count: () => users.size,
    put: (user) => void users.set(user.name, structuredClone(user)),
    remove: (name) => void users.delete(name),
    close: () => Promise.resolve(),
  };
}

function encodeUser(user: UserRecord): Buffer {
  const stored: StoredUser = {
    format: FORMAT,
    name: user.name,
    passwordHash: user.passwordHash,
    isAdmin: user.isAdmin,
    grants: user.grants,
    denies: user.denies,
  };
  return encodeRecord(stored);
}

function decodeUser(bytes: Uint8Array, name: string): UserRecord {
  const stored = decodeRecord<unknown>(bytes, `user ${name}`);
  if (!isStoredUser(stored) || stored.format !== FORMAT || stored.name !== name) {
    throw new ShoalError(
      'CORRUPT_DATA',
      `the record of user ${name} is not a format ${FORMAT} user record: restore the controller's folder from a backup`,
    );
  }
  const { name: storedName, passwordHash, isAdmin, grants, denies } = stored;
  return { name: storedName, passwordHash, isAdmin, grants, denies };
}

function isStoredUser(value: unknown): value is StoredUser {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['format'] === 'number' &&
    typeof v['name'] === 'string' &&
    typeof v['passwordHash'] === 'string' &&
    typeof v['isAdmin'] === 'boolean' &&
    isEntryList(v['grants']) &&
    isEntryList(v['denies'])
  );
}

function isEntryList(value: unknown): value is readonly PrivilegeEntry[] {
  return Array.isArray(value) && value.every(isEntry);
}

function isEntry(value: unknown): value is PrivilegeEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { privilege, object } = value as Record<string, unknown>;
  return (
    typeof object === 'string' &&
    typeof privilege === 'string' &&
    privilege !== 'ADMIN' &&
    isPrivilege(privilege)
  );
}

function writeDurably(name: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    throw new ShoalError(
      'DISK_ERROR',
      `could not write the record of user ${name} to the controller's LMDB: check the disk and retry`,
      { cause: error },
    );
  }
}
