// DolphinDB's schema and partition commands beyond create/drop: renameTable, setTableComment,
// addValuePartitions and dropPartition. Each is one transaction of its operation type, so
// replication ships it like any other (RENAME_TABLE, SET_TABLE_COMMENT, ADD_VALUE_PARTITION,
// DROP_PARTITION).

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
