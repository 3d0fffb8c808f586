// Rows a statement writes, fitted to the table: columns in schema order, each converted to its
// column's type where DolphinDB converts implicitly (numbers among numbers, temporal among
// temporal, text among text); anything else is TYPE_MISMATCH naming the column.

import { isShoalError } from '../core/errors.ts';
import type { Column } from '../core/types/column.ts';
import { convertColumn } from '../core/types/convert-column.ts';
import type { TableMeta } from '../storage/index.ts';
import type { Position } from './ast.ts';
import { queryError } from './query-error.ts';

/** `columns` (one per table column, in schema order) converted to the table's types. */
export function conformToTable(
  meta: TableMeta,
  columns: readonly Column[],
  position: Position,
): Column[] {
  if (columns.length !== meta.columns.length) {
    queryError(
      'COLUMN_MISMATCH',
      position,
      `${meta.name} has ${meta.columns.length} columns (${meta.columns.map((c) => c.name).join(', ')}); the rows have ${columns.length}`,
    );
  }
  return columns.map((column, i) => {
    const target = meta.columns[i];
    if (target === undefined || column.type === target.type) return column;
    try {
      return convertColumn(column, target.type);
    } catch (error) {
      if (!isShoalError(error, 'TYPE_MISMATCH')) throw error;
      return queryError(
        'TYPE_MISMATCH',
        position,
        `column ${target.name} of ${meta.name} is ${target.type}; a ${column.type} value cannot go there`,
      );
    }
  });
}
