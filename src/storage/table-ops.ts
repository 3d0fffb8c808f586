// Table DDL: create (partitioned or dimension), drop, rename, and schema changes. Each takes
// the table's lock exclusively, so no write of the table runs during it.

import { ShoalError } from '../core/errors.ts';
import { assignPartitions } from '../core/partition/index.ts';
import type { PartitionScheme } from '../core/partition/index.ts';
import { nullColumn } from '../core/types/column-ops.ts';
import type { ColumnMeta, DatabaseState, TableKind, TableMeta, TableState } from './catalog.ts';
import type { CatalogChange, CommitEffects } from './commit-effects.ts';
import type { CommitKind } from '../core/operation-type.ts';
import { databaseLock, tableLock } from './lock-names.ts';
import { requireDatabase, requireTable } from './snapshot.ts';
import type { WriteContext, Writer } from './store.ts';
import { checkColumnSpecs, checkIdentifier, requireColumn } from './validate.ts';
import type { ColumnSpec } from './validate.ts';

/** Creates a table partitioned by `partitionColumns` (one per level of the database scheme). */
export async function createPartitionedTable(
  store: Writer,
  db: string,
  table: string,
  columns: readonly ColumnSpec[],
  partitionColumns: readonly string[],
): Promise<CommitEffects> {
  return createTable(store, db, table, columns, partitionColumns, 'partitioned');
}

/** Creates a dimension table: one partition, any size, not partitioned by a column. */
export async function createDimensionTable(
  store: Writer,
  db: string,
  table: string,
  columns: readonly ColumnSpec[],
): Promise<CommitEffects> {
  return createTable(store, db, table, columns, [], 'dimension');
}

async function createTable(
  store: Writer,
  db: string,
  table: string,
  columns: readonly ColumnSpec[],
  partitionColumns: readonly string[],
  kind: TableKind,
): Promise<CommitEffects> {
  checkIdentifier('table', table);
  checkColumnSpecs(table, columns);
  const locks = [databaseLock(db, 'shared'), tableLock(db, table, 'exclusive')];
  return store.write(`createTable(${db}/${table})`, locks, async ({ state, newId }) => {
    const dbState = requireDatabase(state, db);
    if (dbState.tables.has(table))
      throw new ShoalError('TABLE_EXISTS', `table ${table} already exists in ${db}`);
    const metaColumns: ColumnMeta[] = columns.map((c, i) => ({
      id: i + 1,
      name: c.name,
      type: c.type,
      comment: c.comment ?? '',
    }));
    if (kind === 'partitioned')
      checkPartitionColumns(dbState, table, metaColumns, partitionColumns);
    const meta: TableMeta = {
      id: newId(),
      name: table,
      kind,
      columns: metaColumns,
      partitionColumns,
      comment: '',
      nextColumnId: columns.length + 1,
    };
    return {
      kind: kind === 'partitioned' ? 'CREATE_PARTITIONED_TABLE' : 'CREATE_TABLE',
      db,
      table,
      rowsWritten: 0,
      changes: [{ kind: 'create-table', db, meta }],
    };
  });
}

function checkPartitionColumns(
  db: DatabaseState,
  table: string,
  columns: readonly ColumnMeta[],
  partitionColumns: readonly string[],
): void {
  const levels = schemeLevels(db.meta.scheme);
  if (partitionColumns.length !== levels) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `table ${table} names ${partitionColumns.length} partitioning columns; ${db.meta.name} has ${levels} partition level(s)`,
    );
  }
  const probe = partitionColumns.map((name) => {
    const column = columns.find((c) => c.name === name);
    if (column === undefined)
      throw new ShoalError(
        'COLUMN_NOT_FOUND',
        `partitioning column ${name} is not a column of ${table}`,
      );
    return nullColumn(column.type, 0);
  });
  // An empty write fails only when a column type cannot be partitioned by the scheme.
  assignPartitions(db.meta.scheme, probe, { dbName: db.meta.name });
}

function schemeLevels(scheme: PartitionScheme): number {
  return scheme.kind === 'COMPO' ? 2 : 1;
}

/** Drops a table and its data. */
export async function dropTable(store: Writer, db: string, table: string): Promise<CommitEffects> {
  return alterTable(store, db, table, 'DROP_TABLE', () => [{ kind: 'drop-table', db, table }]);
}

/** Renames a table; no data moves. */
export async function renameTable(
  store: Writer,
  db: string,
  from: string,
  to: string,
): Promise<CommitEffects> {
  checkIdentifier('table', to);
  const extra = [tableLock(db, to, 'exclusive')];
  return alterTable(
    store,
    db,
    from,
    'RENAME_TABLE',
    (_context, table, dbState) => {
      if (dbState.tables.has(to))
        throw new ShoalError('TABLE_EXISTS', `table ${to} already exists in ${db}`);
      return [{ kind: 'update-table', db, table: from, meta: { ...table.meta, name: to } }];
    },
    extra,
  );
}

/** Adds a column; rows already written read it as null. */
export async function addColumn(
  store: Writer,
  db: string,
  table: string,
  column: ColumnSpec,
): Promise<CommitEffects> {
  checkColumnSpecs(table, [column]);
  return changeSchema(store, db, table, 'ADD_COLUMN', (t) => {
    if (t.meta.columns.some((c) => c.name === column.name)) {
      throw new ShoalError(
        'COLUMN_EXISTS',
        `column ${column.name} already exists in ${db}/${table}`,
      );
    }
    const added: ColumnMeta = {
      id: t.meta.nextColumnId,
      name: column.name,
      type: column.type,
      comment: column.comment ?? '',
    };
    return {
      ...t.meta,
      columns: [...t.meta.columns, added],
      nextColumnId: t.meta.nextColumnId + 1,
    };
  });
}

/** Drops columns (not a partitioning column, not every column). */
export async function dropColumns(
  store: Writer,
  db: string,
  table: string,
  names: readonly string[],
): Promise<CommitEffects> {
  return changeSchema(store, db, table, 'DROP_COLUMN', (t) => {
    for (const name of names) {
      requireColumn(db, t, name);
      if (t.meta.partitionColumns.includes(name)) {
        throw new ShoalError(
          'INVALID_ARGUMENT',
          `column ${name} partitions ${db}/${table} and cannot be dropped`,
        );
      }
    }
    const columns = t.meta.columns.filter((c) => !names.includes(c.name));
    if (columns.length === 0)
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `dropping every column of ${db}/${table} is not allowed`,
      );
    return { ...t.meta, columns };
  });
}

/** Renames a column; no data moves (segments name columns by id). */
export async function renameColumn(
  store: Writer,
  db: string,
  table: string,
  from: string,
  to: string,
): Promise<CommitEffects> {
  checkIdentifier('column', to);
  return changeSchema(store, db, table, 'RENAME_COLUMN', (t) => {
    requireColumn(db, t, from);
    if (t.meta.columns.some((c) => c.name === to))
      throw new ShoalError('COLUMN_EXISTS', `column ${to} already exists in ${db}/${table}`);
    const rename = (name: string) => (name === from ? to : name);
    return {
      ...t.meta,
      columns: t.meta.columns.map((c) => ({ ...c, name: rename(c.name) })),
      partitionColumns: t.meta.partitionColumns.map(rename),
    };
  });
}

/** Sets comments of columns, by column name. */
export async function setColumnComment(
  store: Writer,
  db: string,
  table: string,
  comments: Readonly<Record<string, string>>,
): Promise<CommitEffects> {
  return changeSchema(store, db, table, 'SET_COLUMN_COMMENT', (t) => {
    for (const name of Object.keys(comments)) requireColumn(db, t, name);
    return {
      ...t.meta,
      columns: t.meta.columns.map((c) => ({ ...c, comment: comments[c.name] ?? c.comment })),
    };
  });
}

/** Sets a table's comment. */
export async function setTableComment(
  store: Writer,
  db: string,
  table: string,
  comment: string,
): Promise<CommitEffects> {
  return changeSchema(store, db, table, 'SET_TABLE_COMMENT', (t) => ({ ...t.meta, comment }));
}

async function changeSchema(
  store: Writer,
  db: string,
  table: string,
  kind: CommitKind,
  change: (table: TableState) => TableMeta,
): Promise<CommitEffects> {
  return alterTable(store, db, table, kind, (_context, t) => [
    { kind: 'update-table', db, table, meta: change(t) },
  ]);
}

/**
 * Runs a DDL on an existing table under its exclusive lock; `decide` returns the changes
 * (and may write files through the context).
 */
export async function alterTable(
  store: Writer,
  db: string,
  table: string,
  kind: CommitKind,
  decide: (
    context: WriteContext,
    table: TableState,
    db: DatabaseState,
  ) => readonly CatalogChange[] | Promise<readonly CatalogChange[]>,
  extraLocks: readonly ReturnType<typeof tableLock>[] = [],
): Promise<CommitEffects> {
  const locks = [databaseLock(db, 'shared'), tableLock(db, table, 'exclusive'), ...extraLocks];
  return store.write(`${kind}(${db}/${table})`, locks, async (context) => {
    const tableState = requireTable(context.state, db, table);
    const changes = await decide(context, tableState, requireDatabase(context.state, db));
    return { kind, db, table, rowsWritten: 0, changes };
  });
}
