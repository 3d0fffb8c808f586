// DolphinDB's schema and partition commands beyond create/drop: renameTable, setTableComment,
// addValuePartitions and dropPartition. Each is one transaction of its operation type, so
// replication ships it like any other (RENAME_TABLE, SET_TABLE_COMMENT, ADD_VALUE_PARTITION,
// DROP_PARTITION).

import { isColumnType } from '../../core/types/column-type.ts';
import type { CellValue } from '../../core/types/column-type.ts';
import * as storage from '../../storage/index.ts';
import type { Position } from '../ast.ts';
import { queryError } from '../query-error.ts';
import { textArg, textsArg } from '../value-access.ts';
import { describeValue, VOID } from '../value.ts';
import type { Value } from '../value.ts';
import { databaseArg, tableHandleArg } from './database-functions.ts';
import type { FunctionDefinition } from './registry.ts';

/** The cells of a scalar or vector argument (values of the database's partitioning type). */
function cellsArg(value: Value | undefined, position: Position): CellValue[] {
  if (value?.kind === 'scalar') return [value.value];
  if (value?.kind === 'vector' && value.column.type !== 'SYMBOL') {
    return Array.from(value.column.data as ArrayLike<CellValue>);
  }
  const given = value === undefined ? 'nothing' : describeValue(value);
  return queryError(
    'TYPE_MISMATCH',
    position,
    `expected a scalar or a vector of values, not ${given}`,
  );
}

export const SCHEMA_FUNCTIONS: readonly FunctionDefinition[] = [
  {
    kind: 'command',
    name: 'setColumnComment',
    summary:
      'setColumnComment(table, columnNames, comments): sets column comments (names and comments as scalars or vectors of equal length)',
    minArgs: 3,
    maxArgs: 3,
    run: async ([handle, names, comments], { store, position }) => {
      const { database, table } = tableHandleArg(handle, position);
      const columns = textsArg(names, 'the column names', position);
      const texts = textsArg(comments, 'the comments', position);
      if (columns.length !== texts.length) {
        return queryError(
          'INVALID_ARGUMENT',
          position,
          `${columns.length} column names but ${texts.length} comments; give one comment per column`,
        );
      }
      await storage.setColumnComment(
        store,
        database,
        table,
        Object.fromEntries(columns.map((name, i) => [name, texts[i] as string])),
      );
      return VOID;
    },
  },
  {
    kind: 'command',
    name: 'addRangePartitions',
    summary:
      'addRangePartitions(database, boundaries): adds ranges after the last one of a RANGE scheme',
    minArgs: 2,
    maxArgs: 2,
    run: async ([db, boundaries], { store, position }) => {
      await storage.addRangePartitions(
        store,
        databaseArg(db, position),
        cellsArg(boundaries, position),
      );
      return VOID;
    },
  },
  {
    kind: 'command',
    name: 'replaceColumn!',
    summary:
      "replaceColumn!(table, columnName, newType): changes a column's type, converting its values",
    minArgs: 3,
    maxArgs: 3,
    run: async ([handle, name, type], { store, position }) => {
      const { database, table } = tableHandleArg(handle, position);
      const typeName = textArg(type, 'the new type', position).toUpperCase();
      if (!isColumnType(typeName)) {
        return queryError('INVALID_ARGUMENT', position, `${typeName} is not a column type`);
      }
      await storage.replaceColumn(
        store,
        database,
        table,
        textArg(name, 'the column name', position),
        typeName,
      );
      return VOID;
    },
  },
  {
    kind: 'command',
    name: 'renameTable',
    summary: 'renameTable(database, tableName, newTableName): renames a table',
    minArgs: 3,
    maxArgs: 3,
    run: async ([db, from, to], { store, position }) => {
      await storage.renameTable(
        store,
        databaseArg(db, position),
        textArg(from, 'the table name', position),
        textArg(to, 'the new table name', position),
      );
      return VOID;
    },
  },
  {
    kind: 'command',
    name: 'setTableComment',
    summary: 'setTableComment(table, comment): sets the comment of a table',
    minArgs: 2,
    maxArgs: 2,
    run: async ([handle, comment], { store, position }) => {
      const { database, table } = tableHandleArg(handle, position);
      await storage.setTableComment(
        store,
        database,
        table,
        textArg(comment, 'the comment', position),
      );
      return VOID;
    },
  },
  {
    kind: 'command',
    name: 'addValuePartitions',
    summary: 'addValuePartitions(database, values): adds partitions to a VALUE scheme',
    minArgs: 2,
    maxArgs: 2,
    run: async ([db, values], { store, position }) => {
      await storage.addValuePartitions(
        store,
        databaseArg(db, position),
        cellsArg(values, position),
      );
      return VOID;
    },
  },
  {
    kind: 'command',
    name: 'dropPartition',
    summary:
      'dropPartition(database, partitionKeys, [tableName]): removes the data of partitions (keys as shown by the store, e.g. "20230102")',
    minArgs: 2,
    maxArgs: 3,
    run: async ([db, keys, table], { store, position }) => {
      await storage.dropPartition(
        store,
        databaseArg(db, position),
        textsArg(keys, 'the partition keys', position),
        ...(table === undefined ? [] : [textArg(table, 'the table name', position)]),
      );
      return VOID;
    },
  },
];
