// Operation types of SPEC §6: the kind of every committed transaction, as replication
// tasks will name it. COMPACT is internal (a layout change with no logical effect) and is
// never replicated.

export const OPERATION_TYPES = [
  'CREATE_DB',
  'DROP_DB',
  'CREATE_TABLE',
  'CREATE_PARTITIONED_TABLE',
  'DROP_TABLE',
  'RENAME_TABLE',
  'TRUNCATE_TABLE',
  'DROP_PARTITION',
  'ADD_VALUE_PARTITION',
  'ADD_RANGE_PARTITION',
  'ADD_COLUMN',
  'DROP_COLUMN',
  'RENAME_COLUMN',
  'REPLACE_COLUMN',
  'SET_COLUMN_COMMENT',
  'SET_TABLE_COMMENT',
  'APPEND',
  'UPSERT',
  'SQL_UPDATE',
  'SQL_DELETE',
] as const;

export type OperationType = (typeof OPERATION_TYPES)[number];

/** The kind of a committed catalog transaction: a replicable operation, or compaction. */
export type CommitKind = OperationType | 'COMPACT';

/** True for operations that change data rather than schema (weight = rows written). */
export function isDataOperation(kind: CommitKind): boolean {
  return kind === 'APPEND' || kind === 'UPSERT' || kind === 'SQL_UPDATE' || kind === 'SQL_DELETE';
}

/** True when `name` is one of the operation types of SPEC §6. */
export function isOperationType(name: string): name is OperationType {
  return (OPERATION_TYPES as readonly string[]).includes(name);
}
