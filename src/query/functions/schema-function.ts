// schema(table) and schema(database): what a table or a database is, as a dictionary. A
// table: colDefs, partitionColumnName, partitionSchema, tableComment. A database (a handle
// or its path): databaseDir, partitionTypeName, partitionSchema, tables and
// clusterReplicationEnabled (SPEC §5), which the embedding says (a cluster asks its controller).

import { describeScheme } from '../../core/partition/index.ts';
import type { CatalogState } from '../../storage/index.ts';
import type { Position } from '../ast.ts';
import { queryError } from '../query-error.ts';
import type { Value } from '../value.ts';
import type { FunctionDefinition } from './registry.ts';

/** What `schema` is asked about: a table, or a database by path. */
export type SchemaSubject =
  | { readonly kind: 'table'; readonly database: string; readonly table: string }
  | { readonly kind: 'database'; readonly database: string };

/** The subject of schema's argument; TYPE_MISMATCH for anything else. */
export function schemaSubject(value: Value | undefined, position: Position): SchemaSubject {
  if (value?.kind === 'tableHandle') {
    return { kind: 'table', database: value.database, table: value.table };
  }
  if (value?.kind === 'database') return { kind: 'database', database: value.path };
  if (
    value?.kind === 'scalar' &&
    typeof value.value === 'string' &&
    value.value.startsWith('dfs://')
  ) {
    return { kind: 'database', database: value.value };
  }
  return queryError(
    'TYPE_MISMATCH',
    position,
    'schema takes a table from loadTable(…), a database from database(…), or a database path such as "dfs://testDB"',
  );
}

/** The dictionary schema answers for `subject` in `catalog`. */
export function schemaOf(
  subject: SchemaSubject,
  catalog: CatalogState,
  replicated: boolean,
  position: Position,
): Value {
  const db = catalog.databases.get(subject.database);
  if (db === undefined) {
    return queryError(
      'DATABASE_NOT_FOUND',
      position,
      `database ${subject.database} does not exist`,
    );
  }
  const scheme: Value = { kind: 'scalar', type: 'STRING', value: describeScheme(db.meta.scheme) };
  if (subject.kind === 'database') {
    return dictionary({
      databaseDir: scalarText(subject.database),
      partitionTypeName: scalarText(db.meta.scheme.kind),
      partitionSchema: scheme,
      tables: texts([...db.tables.keys()].sort()),
      clusterReplicationEnabled: { kind: 'scalar', type: 'BOOL', value: replicated ? 1 : 0 },
    });
  }
  const meta = db.tables.get(subject.table)?.meta;
  if (meta === undefined) {
    return queryError(
      'TABLE_NOT_FOUND',
      position,
      `table ${subject.table} does not exist in ${subject.database}`,
    );
  }
  return dictionary({
    colDefs: {
      kind: 'table',
      table: {
        names: ['name', 'typeString', 'comment'],
        columns: [
          { type: 'STRING', data: meta.columns.map((c) => c.name) },
          { type: 'STRING', data: meta.columns.map((c) => c.type) },
          { type: 'STRING', data: meta.columns.map((c) => c.comment) },
        ],
      },
    },
    partitionColumnName: texts(meta.partitionColumns),
    partitionSchema: scheme,
    tableComment: scalarText(meta.comment),
  });
}

/** The scalar `schema` of a store that knows by itself whether a database replicates. */
export function schemaFunction(replicated: (database: string) => boolean): FunctionDefinition {
  return {
    kind: 'scalar',
    name: 'schema',
    summary:
      "schema(table or database): a table's colDefs, partitionColumnName, partitionSchema, tableComment; a database's databaseDir, partitionTypeName, partitionSchema, tables, clusterReplicationEnabled",
    minArgs: 1,
    maxArgs: 1,
    call: ([arg], { catalog, position }) => {
      const subject = schemaSubject(arg, position);
      return schemaOf(subject, catalog, replicated(subject.database), position);
    },
  };
}

function dictionary(entries: Readonly<Record<string, Value>>): Value {
  return { kind: 'dictionary', keys: Object.keys(entries), values: Object.values(entries) };
}

function scalarText(value: string): Value {
  return { kind: 'scalar', type: 'STRING', value };
}

function texts(values: readonly string[]): Value {
  return { kind: 'vector', column: { type: 'STRING', data: values } };
}
