// truncate and dropPartition: remove whole segments, so no row is read or rewritten.

import { ShoalError } from '../core/errors.ts';
import { partitionKeys } from '../core/partition/index.ts';
import type { CatalogChange, CommitEffects } from './commit-effects.ts';
import type { TableState } from './catalog.ts';
import { databaseLock } from './lock-names.ts';
import { requireDatabase, requireTable } from './snapshot.ts';
import type { Writer } from './store.ts';
import { alterTable } from './table-ops.ts';

/** Removes every row of a table, keeping its schema. */
export async function truncate(store: Writer, db: string, table: string): Promise<CommitEffects> {
  return alterTable(store, db, table, 'TRUNCATE_TABLE', (_context, t) =>
    removeAll(db, t, [...t.partitions.keys()]),
  );
}

/**
 * Removes the data of partitions `keys` from `table`, or from every table of the database
 * when `table` is absent. The scheme keeps the partitions. PARTITION_NOT_FOUND for a key
 * the scheme does not have.
 */
export async function dropPartition(
  store: Writer,
  db: string,
  keys: readonly string[],
  table?: string,
): Promise<CommitEffects> {
  if (table !== undefined) {
    return alterTable(store, db, table, 'DROP_PARTITION', (_context, t, dbState) => {
      checkKeys(dbState.meta.name, partitionKeys(dbState.meta.scheme), keys);
      return removeAll(db, t, keys);
    });
  }
  return store.write(`dropPartition(${db})`, [databaseLock(db, 'exclusive')], async ({ state }) => {
    const dbState = requireDatabase(state, db);
    checkKeys(db, partitionKeys(dbState.meta.scheme), keys);
    const changes = [...dbState.tables.keys()].flatMap((name) =>
      removeAll(db, requireTable(state, db, name), keys),
    );
    return { kind: 'DROP_PARTITION', db, rowsWritten: 0, changes };
  });
}

function checkKeys(db: string, known: readonly string[], keys: readonly string[]): void {
  const knownSet = new Set(known);
  for (const key of keys) {
    if (!knownSet.has(key))
      throw new ShoalError('PARTITION_NOT_FOUND', `partition ${key} is not in the scheme of ${db}`);
  }
}

function removeAll(db: string, table: TableState, keys: readonly string[]): CatalogChange[] {
  const changes: CatalogChange[] = [];
  for (const key of keys) {
    const partition = table.partitions.get(key);
    if (partition === undefined) continue;
    changes.push({
      kind: 'remove-segments',
      db,
      table: table.meta.name,
      partition: key,
      segmentIds: partition.segments.map((s) => s.id),
    });
  }
  return changes;
}
