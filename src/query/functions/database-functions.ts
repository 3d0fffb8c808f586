// Functions over databases and tables (DolphinDB's names and argument orders): handles,
// existence checks, schema, and the commands that create, drop and fill tables.

import { columnLength } from '../../core/types/column.ts';
import type { Column } from '../../core/types/column.ts';
import { nullColumn } from '../../core/types/column-ops.ts';
import { toColumn } from '../operators/index.ts';
import { isColumnType } from '../../core/types/column-type.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import { schemaFunction } from './schema-function.ts';
import * as storage from '../../storage/index.ts';
import type { CatalogState } from '../../storage/index.ts';
import type { Position } from '../ast.ts';
import { conformToTable } from '../conform-rows.ts';
import { queryError } from '../query-error.ts';
import { schemeOf } from '../scheme-of.ts';
import { countArg, tableArg, textArg, textsArg } from '../value-access.ts';
import { describeValue } from '../value.ts';
import type { Value } from '../value.ts';
import type { FunctionDefinition } from './registry.ts';

const BOOL = (truth: boolean): Value => ({ kind: 'scalar', type: 'BOOL', value: truth ? 1 : 0 });

/** The database path a handle or a path string names. */
export function databaseArg(value: Value | undefined, position: Position): string {
  if (value?.kind === 'database') return value.path;
  return textArg(value, 'the database', position);
}

/** table(v1, v2, …): vectors of equal length as a table, columns named col0, col1, …. */
function tableOfVectors(args: readonly Value[], position: Position): Value {
  const columns = args.map((arg, i) => {
    if (arg.kind !== 'vector') {
      return queryError(
        'TYPE_MISMATCH',
        position,
        `table(v1, v2, …) argument ${i + 1} is not a vector`,
      );
    }
    return arg.column;
  });
  const rows = columnLength(columns[0] as Column);
  if (columns.some((c) => columnLength(c) !== rows)) {
    return queryError(
      'COLUMN_MISMATCH',
      position,
      'table(v1, v2, …) needs vectors of equal length',
    );
  }
  return { kind: 'table', table: { names: columns.map((_, i) => `col${i}`), columns } };
}

/** The (database, table) a table handle names. */
export function tableHandleArg(
  value: Value | undefined,
  position: Position,
): { database: string; table: string } {
  if (value?.kind === 'tableHandle') return value;
  const given = value === undefined ? 'nothing' : describeValue(value);
  return queryError('TYPE_MISMATCH', position, `expected a table from loadTable(…), not ${given}`);
}

function requireTable(
  catalog: CatalogState,
  database: string,
  table: string,
  position: Position,
): void {
  const db = catalog.databases.get(database);
  if (db === undefined)
    queryError('DATABASE_NOT_FOUND', position, `database ${database} does not exist`);
  if (!db.tables.has(table)) {
    queryError('TABLE_NOT_FOUND', position, `table ${table} does not exist in ${database}`);
  }
}

/** Column specs from an empty template table: table(1:0, `a`b, [INT, DOUBLE]). */
function columnSpecs(template: Value | undefined, position: Position): storage.ColumnSpec[] {
  const table = tableArg(template, 'the schema table', position);
  return table.names.map((name, i) => ({
    name,
    type: (table.columns[i] ?? nullColumn('INT', 0)).type,
  }));
}

/** One column per argument: vectors of one length, scalars repeated; NULL in the column's type. */
function columnArgs(
  values: readonly Value[],
  types: readonly ColumnType[],
  position: Position,
): Column[] {
  const rows = Math.max(
    1,
    ...values.map((v) => (v.kind === 'vector' ? columnLength(v.column) : 1)),
  );
  return values.map((value, i) =>
    value.kind === 'null'
      ? nullColumn(types[i] ?? 'DOUBLE', rows)
      : toColumn(value, rows, position),
  );
}

export const DATABASE_FUNCTIONS: readonly FunctionDefinition[] = [
  {
    kind: 'command',
    name: 'database',
    summary:
      'database(path, [type, scheme]): a handle; creates the database when a scheme is given',
    minArgs: 1,
    maxArgs: 3,
    run: async ([path, kind, arg], { store, position }) => {
      const name = textArg(path, 'the database path', position);
      if (kind === undefined) {
        if (!store.catalog.databases.has(name)) {
          queryError(
            'DATABASE_NOT_FOUND',
            position,
            `database ${name} does not exist; give a partition type and scheme to create it`,
          );
        }
        return { kind: 'database', path: name, scheme: null };
      }
      const scheme = schemeOf(kind, arg, position);
      if (name !== '') await storage.createDatabase(store, name, scheme);
      return { kind: 'database', path: name, scheme };
    },
  },
  {
    kind: 'command',
    name: 'dropDatabase',
    summary: 'dropDatabase(path): drops a database with all its tables',
    minArgs: 1,
    maxArgs: 1,
    run: async ([path], { store, position }) => {
      await storage.dropDatabase(store, textArg(path, 'the database path', position));
      return { kind: 'void' };
    },
  },
  {
    kind: 'scalar',
    name: 'existsDatabase',
    summary: 'existsDatabase(path): whether the database exists',
    minArgs: 1,
    maxArgs: 1,
    call: ([path], { catalog, position }) =>
      BOOL(catalog.databases.has(textArg(path, 'the database path', position))),
  },
  {
    kind: 'scalar',
    name: 'existsTable',
    summary: 'existsTable(path, tableName): whether the table exists',
    minArgs: 2,
    maxArgs: 2,
    call: ([path, name], { catalog, position }) => {
      const db = catalog.databases.get(textArg(path, 'the database path', position));
      return BOOL(db?.tables.has(textArg(name, 'the table name', position)) ?? false);
    },
  },
  {
    kind: 'scalar',
    name: 'loadTable',
    summary: 'loadTable(path or database, tableName): a handle of a DFS table',
    minArgs: 2,
    maxArgs: 2,
    call: ([db, name], { catalog, position }) => {
      const database = databaseArg(db, position);
      const table = textArg(name, 'the table name', position);
      requireTable(catalog, database, table, position);
      return { kind: 'tableHandle', database, table };
    },
  },
  schemaFunction(() => false),
  {
    kind: 'scalar',
    name: 'table',
    summary:
      'table(capacity:size, names, types): an empty table with these columns; table(v1, v2, …): a table of these vectors (columns col0, col1, …)',
    minArgs: 1,
    maxArgs: Infinity,
    call: (args, { position }) => {
      const [size, names, types] = args;
      if (size?.kind === 'vector') return tableOfVectors(args, position);
      if (size?.kind !== 'pair' || args.length !== 3) {
        queryError(
          'TYPE_MISMATCH',
          position,
          'table(capacity:size, names, types) needs a pair such as 1:0 first',
        );
      }
      const rows = countArg({ kind: 'scalar', ...size.second }, 'the table size', position);
      const columnNames = textsArg(names, 'the column names', position);
      const columnTypes = textsArg(types, 'the column types', position);
      if (columnNames.length !== columnTypes.length) {
        queryError(
          'COLUMN_MISMATCH',
          position,
          `${columnNames.length} column names but ${columnTypes.length} types`,
        );
      }
      const columns = columnTypes.map((type) => {
        if (!isColumnType(type))
          queryError('TYPE_MISMATCH', position, `${type} is not a column type`);
        return nullColumn(type, rows);
      });
      return { kind: 'table', table: { names: columnNames, columns } };
    },
  },
  {
    kind: 'command',
    name: 'createPartitionedTable',
    summary:
      'createPartitionedTable(database, table, tableName, partitionColumns): a new partitioned table',
    minArgs: 4,
    maxArgs: 4,
    run: async ([db, template, name, partitionColumns], { store, position }) => {
      const database = databaseArg(db, position);
      const table = textArg(name, 'the table name', position);
      const columns = textsArg(partitionColumns, 'the partition columns', position);
      await storage.createPartitionedTable(
        store,
        database,
        table,
        columnSpecs(template, position),
        columns,
      );
      return { kind: 'tableHandle', database, table };
    },
  },
  ...['createTable', 'createDimensionTable'].map((name): FunctionDefinition => ({
    kind: 'command',
    name,
    summary: `${name}(database, table, tableName): a new dimension (unpartitioned) table`,
    minArgs: 3,
    maxArgs: 3,
    run: async ([db, template, tableName], { store, position }) => {
      const database = databaseArg(db, position);
      const table = textArg(tableName, 'the table name', position);
      await storage.createDimensionTable(store, database, table, columnSpecs(template, position));
      return { kind: 'tableHandle', database, table };
    },
  })),
  {
    kind: 'command',
    name: 'dropTable',
    summary: 'dropTable(database, tableName): drops a table and its data',
    minArgs: 2,
    maxArgs: 2,
    run: async ([db, name], { store, position }) => {
      await storage.dropTable(
        store,
        databaseArg(db, position),
        textArg(name, 'the table name', position),
      );
      return { kind: 'void' };
    },
  },
  {
    kind: 'command',
    name: 'truncate',
    summary: 'truncate(path, tableName): removes every row of a table, keeping its schema',
    minArgs: 2,
    maxArgs: 2,
    run: async ([db, name], { store, position }) => {
      await storage.truncate(
        store,
        databaseArg(db, position),
        textArg(name, 'the table name', position),
      );
      return { kind: 'void' };
    },
  },
  {
    kind: 'command',
    name: 'tableInsert',
    summary:
      'tableInsert(table, rows) or tableInsert(table, column1, column2, …): appends rows; returns the number inserted',
    minArgs: 2,
    maxArgs: Infinity,
    run: async ([handle, ...rest], { store, append, position }) => {
      const { database, table } = tableHandleArg(handle, position);
      const meta = store.catalog.databases.get(database)?.tables.get(table)?.meta;
      const [only] = rest;
      const given =
        rest.length === 1 && only?.kind === 'table'
          ? only.table.columns
          : columnArgs(rest, meta?.columns.map((c) => c.type) ?? [], position);
      const columns = meta === undefined ? given : conformToTable(meta, given, position);
      return {
        kind: 'scalar',
        type: 'LONG',
        value: BigInt(await append(database, table, columns)),
      };
    },
  },
  {
    kind: 'command',
    name: 'upsert!',
    summary:
      'upsert!(table, newData, ignoreNull, keyColNames): updates the rows whose keys match, appends the others',
    minArgs: 4,
    maxArgs: 4,
    run: async ([handle, data, ignoreNull, keys], { store, append, position }) => {
      const { database, table } = tableHandleArg(handle, position);
      const meta = store.catalog.databases.get(database)?.tables.get(table)?.meta;
      if (ignoreNull?.kind === 'scalar' && Boolean(ignoreNull.value)) {
        return queryError(
          'INVALID_ARGUMENT',
          position,
          'upsert! with ignoreNull=true is not supported; pass false',
        );
      }
      const given = tableArg(data, 'the new data', position).columns;
      const columns = meta === undefined ? given : conformToTable(meta, given, position);
      const keyNames = textsArg(keys, 'the key column names', position);
      return {
        kind: 'scalar',
        type: 'LONG',
        value: BigInt(await append(database, table, columns, keyNames)),
      };
    },
  },
];
