// A plain in-memory model of what a store holds as its readers see it: databases and their
// schemes, table schemas, and rows as arrays of physical values in no particular order.
// Tests run the same operations on a Store and on the model and compare the two. Written
// for obviousness, not speed: every operation returns a new model and shares the old one.
//
// The model throws the ShoalError kinds the store throws for the checks named on each
// function (so a test can expect the same failure of both); anything else is the caller's
// mistake and fails an assertion.

import { assert } from '../src/core/assert.ts';
import { ShoalError } from '../src/core/errors.ts';
import { partitionKeyOf, partitionKeys } from '../src/core/partition/index.ts';
import type { PartitionScheme } from '../src/core/partition/index.ts';
import { nullOf } from '../src/core/types/column-type.ts';
import type { CellValue, ColumnType } from '../src/core/types/column-type.ts';
import type { Column } from '../src/core/types/column.ts';
import { columnFromValues, columnValues } from '../src/core/types/column-ops.ts';
import { convertColumn } from '../src/core/types/convert-column.ts';
import { DIMENSION_PARTITION_KEY } from '../src/storage/catalog.ts';
import type { TableKind } from '../src/storage/catalog.ts';
import { addChecksums, checksumColumns, EMPTY_CHECKSUM } from '../src/storage/content-checksum.ts';
import type { ContentChecksum } from '../src/storage/content-checksum.ts';

/** One row: a physical value per column, in schema order. */
export type Row = readonly CellValue[];

export interface ModelColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface ModelTable {
  readonly kind: TableKind;
  readonly columns: readonly ModelColumn[];
  readonly partitionColumns: readonly string[];
  readonly rows: readonly Row[];
}

export interface ModelDatabase {
  readonly scheme: PartitionScheme;
  readonly tables: ReadonlyMap<string, ModelTable>;
}

export interface StorageModel {
  readonly databases: ReadonlyMap<string, ModelDatabase>;
}

export const EMPTY_MODEL: StorageModel = { databases: new Map() };

/** Selects rows (update, delete): sees the row and the schema it follows. */
export type RowPredicate = (row: Row, columns: readonly ModelColumn[]) => boolean;

/** A column's new value in an updated row, computed from the old row. */
export type RowValue = (row: Row, columns: readonly ModelColumn[]) => CellValue;

// ---- databases and tables ----------------------------------------------------------------

/** DATABASE_EXISTS. */
export function createDatabase(
  model: StorageModel,
  name: string,
  scheme: PartitionScheme,
): StorageModel {
  if (model.databases.has(name))
    throw new ShoalError('DATABASE_EXISTS', `database ${name} already exists`);
  return { databases: withEntry(model.databases, name, { scheme, tables: new Map() }) };
}

/** DATABASE_NOT_FOUND, TABLE_EXISTS, COLUMN_NOT_FOUND (partitioning column). */
export function createPartitionedTable(
  model: StorageModel,
  db: string,
  name: string,
  columns: readonly ModelColumn[],
  partitionColumns: readonly string[],
): StorageModel {
  for (const column of partitionColumns) {
    if (!columns.some((c) => c.name === column)) {
      throw new ShoalError(
        'COLUMN_NOT_FOUND',
        `partitioning column ${column} is not a column of ${name}`,
      );
    }
  }
  return createTable(model, db, name, { kind: 'partitioned', columns, partitionColumns, rows: [] });
}

/** DATABASE_NOT_FOUND, TABLE_EXISTS. */
export function createDimensionTable(
  model: StorageModel,
  db: string,
  name: string,
  columns: readonly ModelColumn[],
): StorageModel {
  return createTable(model, db, name, {
    kind: 'dimension',
    columns,
    partitionColumns: [],
    rows: [],
  });
}

function createTable(
  model: StorageModel,
  db: string,
  name: string,
  table: ModelTable,
): StorageModel {
  const database = requireDatabase(model, db);
  if (database.tables.has(name))
    throw new ShoalError('TABLE_EXISTS', `table ${name} already exists in ${db}`);
  return withDatabase(model, db, { ...database, tables: withEntry(database.tables, name, table) });
}

/** TABLE_NOT_FOUND. */
export function dropTable(model: StorageModel, db: string, name: string): StorageModel {
  requireTable(model, db, name);
  const database = requireDatabase(model, db);
  return withDatabase(model, db, { ...database, tables: withoutEntry(database.tables, name) });
}

/** TABLE_NOT_FOUND, TABLE_EXISTS. */
export function renameTable(
  model: StorageModel,
  db: string,
  from: string,
  to: string,
): StorageModel {
  const table = requireTable(model, db, from);
  const database = requireDatabase(model, db);
  if (database.tables.has(to))
    throw new ShoalError('TABLE_EXISTS', `table ${to} already exists in ${db}`);
  return withDatabase(model, db, {
    ...database,
    tables: withEntry(withoutEntry(database.tables, from), to, table),
  });
}

// ---- rows ------------------------------------------------------------------------------

/** COLUMN_MISMATCH (row width), OUTSIDE_PARTITION_SCHEME. */
export function append(
  model: StorageModel,
  db: string,
  name: string,
  rows: readonly Row[],
): StorageModel {
  const table = requireTable(model, db, name);
  const added = normaliseRows(table.columns, checkWidth(db, name, table, rows));
  for (const row of added) partitionOf(model, db, table, row);
  return withRows(model, db, name, [...table.rows, ...added]);
}

/**
 * Rows whose key matches a live row replace every such row; the rest are appended; the last
 * incoming row of a key wins. INVALID_ARGUMENT (no key, key without a partitioning column),
 * COLUMN_NOT_FOUND, COLUMN_MISMATCH, OUTSIDE_PARTITION_SCHEME.
 */
export function upsert(
  model: StorageModel,
  db: string,
  name: string,
  rows: readonly Row[],
  keyColumns: readonly string[],
): StorageModel {
  const table = requireTable(model, db, name);
  if (keyColumns.length === 0)
    throw new ShoalError('INVALID_ARGUMENT', `upsert into ${db}/${name} needs key columns`);
  for (const column of table.partitionColumns) {
    if (!keyColumns.includes(column)) {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `upsert keys of ${db}/${name} must include the partitioning column ${column}`,
      );
    }
  }
  const keyIndexes = keyColumns.map((column) => columnIndex(db, name, table, column));
  const incoming = normaliseRows(table.columns, checkWidth(db, name, table, rows));
  for (const row of incoming) partitionOf(model, db, table, row);
  const last = new Map<string, Row>();
  for (const row of incoming) {
    const key = rowKey(row, keyIndexes);
    last.delete(key); // re-inserted at the end: the store keeps the winners in row order
    last.set(key, row);
  }
  const kept = table.rows.filter((row) => !last.has(rowKey(row, keyIndexes)));
  return withRows(model, db, name, [...kept, ...last.values()]);
}

/**
 * Sets columns of the rows `where` selects (within `partitions` when given). COLUMN_NOT_FOUND,
 * INVALID_ARGUMENT (no column set, a partitioning column set).
 */
export function updateRows(
  model: StorageModel,
  db: string,
  name: string,
  where: RowPredicate,
  set: Readonly<Record<string, RowValue>>,
  partitions?: readonly string[],
): StorageModel {
  const table = requireTable(model, db, name);
  const names = Object.keys(set);
  if (names.length === 0)
    throw new ShoalError('INVALID_ARGUMENT', `update of ${db}/${name} sets no column`);
  const setters = names.map((column) => {
    const index = columnIndex(db, name, table, column);
    if (table.partitionColumns.includes(column)) {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `column ${column} partitions ${db}/${name} and cannot be updated`,
      );
    }
    return { index, value: set[column] as RowValue };
  });
  const selected = selector(model, db, table, where, partitions);
  const rows = table.rows.map((row) => {
    if (!selected(row)) return row;
    const next = row.slice();
    for (const { index, value } of setters) next[index] = value(row, table.columns);
    return normaliseRows(table.columns, [next])[0] as Row;
  });
  return withRows(model, db, name, rows);
}

/** Deletes the rows `where` selects (within `partitions` when given). */
export function deleteRows(
  model: StorageModel,
  db: string,
  name: string,
  where: RowPredicate,
  partitions?: readonly string[],
): StorageModel {
  const table = requireTable(model, db, name);
  const selected = selector(model, db, table, where, partitions);
  return withRows(
    model,
    db,
    name,
    table.rows.filter((row) => !selected(row)),
  );
}

/** Removes every row. */
export function truncate(model: StorageModel, db: string, name: string): StorageModel {
  requireTable(model, db, name);
  return withRows(model, db, name, []);
}

/**
 * Removes the rows of partitions `keys` from `name`, or from every table of `db` when absent.
 * PARTITION_NOT_FOUND for a key the scheme lacks.
 */
export function dropPartition(
  model: StorageModel,
  db: string,
  keys: readonly string[],
  name?: string,
): StorageModel {
  const database = requireDatabase(model, db);
  const known = new Set(partitionKeys(database.scheme));
  for (const key of keys) {
    if (!known.has(key))
      throw new ShoalError('PARTITION_NOT_FOUND', `partition ${key} is not in the scheme of ${db}`);
  }
  const names = name === undefined ? [...database.tables.keys()] : [name];
  let next = model;
  for (const tableName of names) {
    const table = requireTable(next, db, tableName);
    const rows = table.rows.filter((row) => !keys.includes(partitionOf(next, db, table, row)));
    next = withRows(next, db, tableName, rows);
  }
  return next;
}

// ---- schema ----------------------------------------------------------------------------

/** COLUMN_EXISTS. Rows already there read the new column as its type's null. */
export function addColumn(
  model: StorageModel,
  db: string,
  name: string,
  column: ModelColumn,
): StorageModel {
  const table = requireTable(model, db, name);
  if (table.columns.some((c) => c.name === column.name)) {
    throw new ShoalError('COLUMN_EXISTS', `column ${column.name} already exists in ${db}/${name}`);
  }
  const rows = table.rows.map((row) => [...row, nullOf(column.type)]);
  return withTable(model, db, name, { ...table, columns: [...table.columns, column], rows });
}

/** COLUMN_NOT_FOUND, INVALID_ARGUMENT (a partitioning column, or every column). */
export function dropColumns(
  model: StorageModel,
  db: string,
  name: string,
  names: readonly string[],
): StorageModel {
  const table = requireTable(model, db, name);
  for (const column of names) {
    columnIndex(db, name, table, column);
    if (table.partitionColumns.includes(column)) {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `column ${column} partitions ${db}/${name} and cannot be dropped`,
      );
    }
  }
  const keep = table.columns.map((c) => !names.includes(c.name));
  if (!keep.includes(true))
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `dropping every column of ${db}/${name} is not allowed`,
    );
  const columns = table.columns.filter((_, i) => keep[i]);
  const rows = table.rows.map((row) => row.filter((_, i) => keep[i]));
  return withTable(model, db, name, { ...table, columns, rows });
}

/** COLUMN_NOT_FOUND, COLUMN_EXISTS. */
export function renameColumn(
  model: StorageModel,
  db: string,
  name: string,
  from: string,
  to: string,
): StorageModel {
  const table = requireTable(model, db, name);
  columnIndex(db, name, table, from);
  if (table.columns.some((c) => c.name === to))
    throw new ShoalError('COLUMN_EXISTS', `column ${to} already exists in ${db}/${name}`);
  const rename = (column: string) => (column === from ? to : column);
  return withTable(model, db, name, {
    ...table,
    columns: table.columns.map((c) => ({ ...c, name: rename(c.name) })),
    partitionColumns: table.partitionColumns.map(rename),
  });
}

/**
 * Converts a column to `type` with convertColumn. COLUMN_NOT_FOUND, INVALID_ARGUMENT (a
 * partitioning column), TYPE_MISMATCH (types that do not convert, checked even with no rows).
 */
export function replaceColumn(
  model: StorageModel,
  db: string,
  name: string,
  column: string,
  type: ColumnType,
): StorageModel {
  const table = requireTable(model, db, name);
  const index = columnIndex(db, name, table, column);
  if (table.partitionColumns.includes(column)) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `column ${column} partitions ${db}/${name} and cannot be replaced`,
    );
  }
  const old = table.columns[index] as ModelColumn;
  const converted = columnValues(
    convertColumn(
      columnFromValues(
        old.type,
        table.rows.map((r) => r[index] as CellValue),
      ),
      type,
    ),
  );
  const rows = table.rows.map((row, r) =>
    row.map((value, i) => (i === index ? (converted[r] as CellValue) : value)),
  );
  const columns = table.columns.map((c, i) => (i === index ? { name: c.name, type } : c));
  return withTable(model, db, name, { ...table, columns, rows });
}

// ---- reading ---------------------------------------------------------------------------

/** DATABASE_NOT_FOUND. */
export function requireDatabase(model: StorageModel, db: string): ModelDatabase {
  const database = model.databases.get(db);
  if (database === undefined)
    throw new ShoalError('DATABASE_NOT_FOUND', `database ${db} does not exist`);
  return database;
}

/** DATABASE_NOT_FOUND, TABLE_NOT_FOUND. */
export function requireTable(model: StorageModel, db: string, name: string): ModelTable {
  const table = requireDatabase(model, db).tables.get(name);
  if (table === undefined)
    throw new ShoalError('TABLE_NOT_FOUND', `table ${name} does not exist in ${db}`);
  return table;
}

/** The rows of a table as columns in schema order (the store's readTable form). */
export function tableColumns(model: StorageModel, db: string, name: string): Column[] {
  const table = requireTable(model, db, name);
  return toColumns(table.columns, table.rows);
}

/** The table's content checksum, as Snapshot.checksum computes it (row order is irrelevant). */
export function tableChecksum(model: StorageModel, db: string, name: string): ContentChecksum {
  return checksumColumns(tableColumns(model, db, name));
}

/** Checksums of the partitions holding rows, by partition key. */
export function partitionChecksums(
  model: StorageModel,
  db: string,
  name: string,
): Map<string, ContentChecksum> {
  const table = requireTable(model, db, name);
  const out = new Map<string, ContentChecksum>();
  for (const row of table.rows) {
    const key = partitionOf(model, db, table, row);
    out.set(
      key,
      addChecksums(
        out.get(key) ?? EMPTY_CHECKSUM,
        checksumColumns(toColumns(table.columns, [row])),
      ),
    );
  }
  return out;
}

/** The partition key of `row` of `table` (dimension tables have one); OUTSIDE_PARTITION_SCHEME for a null or outside value. */
export function partitionOf(model: StorageModel, db: string, table: ModelTable, row: Row): string {
  if (table.kind === 'dimension') return DIMENSION_PARTITION_KEY;
  const indexes = table.partitionColumns.map((column) =>
    table.columns.findIndex((c) => c.name === column),
  );
  const values = indexes.map((i) => row[i] as CellValue);
  const key = partitionKeyOf(
    requireDatabase(model, db).scheme,
    values,
    indexes.map((i) => (table.columns[i] as ModelColumn).type),
  );
  if (key === undefined) {
    throw new ShoalError(
      'OUTSIDE_PARTITION_SCHEME',
      `${values.map(String).join(', ')} is outside the scheme of ${db}`,
    );
  }
  return key;
}

// ---- helpers ---------------------------------------------------------------------------

function toColumns(schema: readonly ModelColumn[], rows: readonly Row[]): Column[] {
  return schema.map((c, i) =>
    columnFromValues(
      c.type,
      rows.map((row) => row[i] as CellValue),
    ),
  );
}

/** Rows as a column round trip leaves them (FLOAT rounding, Int32 wrapping), like the store. */
function normaliseRows(schema: readonly ModelColumn[], rows: readonly Row[]): Row[] {
  const values = toColumns(schema, rows).map(columnValues);
  return rows.map((_, r) => values.map((column) => column[r] as CellValue));
}

function checkWidth(
  db: string,
  name: string,
  table: ModelTable,
  rows: readonly Row[],
): readonly Row[] {
  for (const row of rows) {
    if (row.length !== table.columns.length) {
      throw new ShoalError(
        'COLUMN_MISMATCH',
        `${db}/${name} has ${table.columns.length} columns; the write has ${row.length}`,
      );
    }
  }
  return rows;
}

function columnIndex(db: string, name: string, table: ModelTable, column: string): number {
  const index = table.columns.findIndex((c) => c.name === column);
  if (index < 0)
    throw new ShoalError('COLUMN_NOT_FOUND', `column ${column} does not exist in ${db}/${name}`);
  return index;
}

/** The store's key of a row: the key cells as text (so the model matches exactly as it does). */
function rowKey(row: Row, keyIndexes: readonly number[]): string {
  return keyIndexes.map((i) => `${String(row[i])}\u0000`).join('');
}

function selector(
  model: StorageModel,
  db: string,
  table: ModelTable,
  where: RowPredicate,
  partitions: readonly string[] | undefined,
): (row: Row) => boolean {
  return (row) =>
    (partitions === undefined || partitions.includes(partitionOf(model, db, table, row))) &&
    where(row, table.columns);
}

function withRows(
  model: StorageModel,
  db: string,
  name: string,
  rows: readonly Row[],
): StorageModel {
  return withTable(model, db, name, { ...requireTable(model, db, name), rows });
}

function withTable(model: StorageModel, db: string, name: string, table: ModelTable): StorageModel {
  const database = requireDatabase(model, db);
  assert(database.tables.has(name), `model has no table ${name}`);
  return withDatabase(model, db, { ...database, tables: withEntry(database.tables, name, table) });
}

function withDatabase(model: StorageModel, db: string, database: ModelDatabase): StorageModel {
  return { databases: withEntry(model.databases, db, database) };
}

function withEntry<V>(map: ReadonlyMap<string, V>, key: string, value: V): ReadonlyMap<string, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

function withoutEntry<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
  const next = new Map(map);
  next.delete(key);
  return next;
}
