// Applies a master's DDL effects on a slave's store (SPEC §7.1.2: effects, not statements).
// The master's catalog changes are replayed with this store's own database and table ids
// (they name folders here); column ids are the master's, so later changes that name columns
// by id (add, drop, rename) line up. Removing a partition's segments (truncate, dropPartition)
// removes this store's segments of that partition.

import { ShoalError } from '../core/errors.ts';
import type { OperationType } from '../core/operation-type.ts';
import type { CatalogState, DatabaseState } from './catalog.ts';
import type { CatalogChange, CommitEffects } from './commit-effects.ts';
import { databaseLock } from './lock-names.ts';
import type { Writer } from './store.ts';
import { replaceColumn } from './replace-column-op.ts';

/** Replays `changes` (one master commit of `operationType` on `db`) as one write. */
export async function applyReplicatedDdl(
  store: Writer,
  operationType: OperationType,
  db: string,
  changes: readonly CatalogChange[],
): Promise<CommitEffects> {
  if (operationType === 'REPLACE_COLUMN') return replayReplaceColumn(store, db, changes);
  return store.write(
    `replicate ${operationType}(${db})`,
    [databaseLock(db, 'exclusive')],
    async ({ state, newId }) => ({
      kind: operationType,
      db,
      rowsWritten: 0,
      changes: changes.flatMap((change) => localChange(state, change, newId)),
    }),
  );
}

/**
 * REPLACE_COLUMN rewrote the master's segments; the slave converts its own: the column whose
 * type the master's new schema changed is replaced here the same way.
 */
async function replayReplaceColumn(
  store: Writer,
  db: string,
  changes: readonly CatalogChange[],
): Promise<CommitEffects> {
  const update = changes.find((c) => c.kind === 'update-table');
  if (update === undefined || update.kind !== 'update-table') {
    throw new ShoalError('INVALID_ARGUMENT', 'a replicated REPLACE_COLUMN carries no new schema');
  }
  const current = tableOf(store.catalog, db, update.table);
  const changed = update.meta.columns.find((column) => {
    // Matched by name: the master gives the rewritten column a new id.
    const before = current.meta.columns.find((c) => c.name === column.name);
    return before !== undefined && before.type !== column.type;
  });
  if (changed === undefined) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `no column of ${db}/${update.table} on this slave has the type the master changed: the slave differs from the master`,
    );
  }
  return replaceColumn(store, db, update.table, changed.name, changed.type);
}

function localChange(
  state: CatalogState,
  change: CatalogChange,
  newId: () => number,
): CatalogChange[] {
  switch (change.kind) {
    case 'create-database':
      if (state.databases.has(change.meta.name)) {
        throw new ShoalError('DATABASE_EXISTS', `database ${change.meta.name} already exists`);
      }
      return [{ kind: 'create-database', meta: { ...change.meta, id: newId() } }];
    case 'update-database':
      return [
        {
          kind: 'update-database',
          meta: { ...change.meta, id: database(state, change.meta.name).meta.id },
        },
      ];
    case 'drop-database':
      database(state, change.db);
      return [change];
    case 'create-table': {
      if (database(state, change.db).tables.has(change.meta.name)) {
        throw new ShoalError('TABLE_EXISTS', `table ${change.meta.name} exists in ${change.db}`);
      }
      return [{ kind: 'create-table', db: change.db, meta: { ...change.meta, id: newId() } }];
    }
    case 'update-table': {
      const table = tableOf(state, change.db, change.table);
      return [{ ...change, meta: { ...change.meta, id: table.meta.id } }];
    }
    case 'drop-table':
      tableOf(state, change.db, change.table);
      return [change];
    case 'remove-segments': {
      const partition = tableOf(state, change.db, change.table).partitions.get(change.partition);
      if (partition === undefined || partition.segments.length === 0) return [];
      return [{ ...change, segmentIds: partition.segments.map((s) => s.id) }];
    }
    case 'add-segments':
    case 'delete-rows':
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `a replicated schema change carries row data (${change.kind}); this operation cannot be replayed as DDL`,
      );
  }
}

function database(state: CatalogState, name: string): DatabaseState {
  const db = state.databases.get(name);
  if (db === undefined)
    throw new ShoalError('DATABASE_NOT_FOUND', `database ${name} does not exist`);
  return db;
}

function tableOf(state: CatalogState, db: string, name: string) {
  const table = database(state, db).tables.get(name);
  if (table === undefined)
    throw new ShoalError('TABLE_NOT_FOUND', `table ${name} does not exist in ${db}`);
  return table;
}
