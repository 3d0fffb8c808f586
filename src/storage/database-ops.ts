// Database DDL: create and drop a database, add VALUE or RANGE partitions to its scheme.

import { ShoalError } from '../core/errors.ts';
import {
  addRangePartitions as addRangeToScheme,
  addValuePartitions as addValuesToScheme,
  validateScheme,
} from '../core/partition/index.ts';
import type { PartitionScheme } from '../core/partition/index.ts';
import type { CellValue } from '../core/types/column-type.ts';
import type { CommitEffects } from './commit-effects.ts';
import { databaseLock } from './lock-names.ts';
import { requireDatabase } from './snapshot.ts';
import type { Writer } from './store.ts';
import { checkDatabaseName } from './validate.ts';

/** Creates database `name` with `scheme`; DATABASE_EXISTS if it exists. */
export async function createDatabase(
  store: Writer,
  name: string,
  scheme: PartitionScheme,
): Promise<CommitEffects> {
  checkDatabaseName(name);
  validateScheme(scheme);
  return store.write(
    `createDatabase(${name})`,
    [databaseLock(name, 'exclusive')],
    async ({ state, newId }) => {
      if (state.databases.has(name))
        throw new ShoalError('DATABASE_EXISTS', `database ${name} already exists`);
      return {
        kind: 'CREATE_DB',
        db: name,
        rowsWritten: 0,
        changes: [{ kind: 'create-database', meta: { id: newId(), name, scheme } }],
      };
    },
  );
}

/** Drops database `name` with all its tables and data. */
export async function dropDatabase(store: Writer, name: string): Promise<CommitEffects> {
  return store.write(
    `dropDatabase(${name})`,
    [databaseLock(name, 'exclusive')],
    async ({ state }) => {
      requireDatabase(state, name);
      return {
        kind: 'DROP_DB',
        db: name,
        rowsWritten: 0,
        changes: [{ kind: 'drop-database', db: name }],
      };
    },
  );
}

/** Adds VALUE partitions (at `level` of a COMPO scheme); PARTITION_EXISTS for a known one. */
export async function addValuePartitions(
  store: Writer,
  name: string,
  values: readonly CellValue[],
  level = 0,
): Promise<CommitEffects> {
  return changeScheme(store, name, 'ADD_VALUE_PARTITION', (scheme) =>
    addValuesToScheme(scheme, values, level),
  );
}

/** Appends RANGE boundaries after the last one (at `level` of a COMPO scheme). */
export async function addRangePartitions(
  store: Writer,
  name: string,
  boundaries: readonly CellValue[],
  level = 0,
): Promise<CommitEffects> {
  return changeScheme(store, name, 'ADD_RANGE_PARTITION', (scheme) =>
    addRangeToScheme(scheme, boundaries, level),
  );
}

async function changeScheme(
  store: Writer,
  name: string,
  kind: 'ADD_VALUE_PARTITION' | 'ADD_RANGE_PARTITION',
  change: (scheme: PartitionScheme) => PartitionScheme,
): Promise<CommitEffects> {
  return store.write(`${kind}(${name})`, [databaseLock(name, 'exclusive')], async ({ state }) => {
    const db = requireDatabase(state, name);
    const scheme = change(db.meta.scheme);
    validateScheme(scheme);
    return {
      kind,
      db: name,
      rowsWritten: 0,
      changes: [{ kind: 'update-database', meta: { ...db.meta, scheme } }],
    };
  });
}
