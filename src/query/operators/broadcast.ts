// Values as columns of a given row count: a vector as is, a scalar repeated, the untyped NULL as
// a DOUBLE null column (it has no type of its own; DOUBLE holds any number it may later meet).

import { unreachable } from '../../core/assert.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import { NULL_DOUBLE } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { columnLength } from '../../core/types/column.ts';
import type { Position } from '../ast.ts';
import { queryError } from '../query-error.ts';
import type { Value } from '../value.ts';
import { describe } from './operands.ts';

/**
 * A column of `rows` rows from a scalar (repeated), NULL (DOUBLE nulls) or a vector of exactly
 * `rows` rows (returned as is; INVALID_ARGUMENT otherwise). TYPE_MISMATCH for other values.
 */
export function toColumn(value: Value, rows: number, position: Position): Column {
  switch (value.kind) {
    case 'null':
      return { type: 'DOUBLE', data: new Float64Array(rows).fill(NULL_DOUBLE) };
    case 'scalar':
      return filledColumn(value.type, value.value, rows);
    case 'vector': {
      const length = columnLength(value.column);
      if (length === rows) return value.column;
      return queryError(
        'INVALID_ARGUMENT',
        position,
        `${describe(value)} of ${length} rows cannot stand for ${rows} rows: ` +
          'use a scalar or a vector with one value per row',
      );
    }
    default:
      // Pairs, tuples, tables, handles...: not one value per row.
      return queryError(
        'TYPE_MISMATCH',
        position,
        `${describe(value)} cannot be a column: expected a scalar, a vector or NULL`,
      );
  }
}

/** `rows` copies of one physical value of `type` (a SYMBOL as one dictionary entry). */
export function filledColumn(type: ColumnType, value: CellValue, rows: number): Column {
  switch (type) {
    case 'BOOL':
    case 'CHAR':
      return { type, data: new Int8Array(rows).fill(value as number) };
    case 'SHORT':
      return { type, data: new Int16Array(rows).fill(value as number) };
    case 'INT':
    case 'DATE':
    case 'MONTH':
    case 'TIME':
    case 'MINUTE':
    case 'SECOND':
    case 'DATETIME':
      return { type, data: new Int32Array(rows).fill(value as number) };
    case 'LONG':
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return { type, data: new BigInt64Array(rows).fill(value as bigint) };
    case 'FLOAT':
      return { type, data: new Float32Array(rows).fill(value as number) };
    case 'DOUBLE':
      return { type, data: new Float64Array(rows).fill(value as number) };
    case 'SYMBOL':
      return { type, data: { codes: new Int32Array(rows), dictionary: [value as string] } };
    case 'STRING':
      return { type, data: new Array<string>(rows).fill(value as string) };
    default:
      return unreachable(type);
  }
}
