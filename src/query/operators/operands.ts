// The operands operators accept (untyped NULL, scalars, vectors), the row count of a result,
// and lanes: an operand as one column plus a stride, 0 for a scalar's single row and 1 for a
// vector, so every loop serves vector–vector, vector–scalar and scalar–scalar alike.

import { unreachable } from '../../core/assert.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { columnLength } from '../../core/types/column.ts';
import { columnFromValues, nullColumn } from '../../core/types/column-ops.ts';
import type { Position } from '../ast.ts';
import { queryError } from '../query-error.ts';
import { describeValue } from '../value.ts';
import type { Value } from '../value.ts';

/** A value an operator takes: DolphinDB's untyped NULL, a typed scalar, or a vector. */
export type Operand = Extract<Value, { readonly kind: 'null' | 'scalar' | 'vector' }>;

/** An operand's rows as one column: `stride` 0 repeats its single row (a scalar or NULL). */
export interface Lane {
  readonly column: Column;
  readonly stride: 0 | 1;
}

/** The rows of a result and whether it is a vector (any operand was) or a scalar. */
export interface Shape {
  readonly rows: number;
  readonly vector: boolean;
}

/** `value` when it is an operand; TYPE_MISMATCH naming `operator` and what was found. */
export function requireOperand(value: Value, operator: string, position: Position): Operand {
  if (value.kind === 'null' || value.kind === 'scalar' || value.kind === 'vector') return value;
  return queryError(
    'TYPE_MISMATCH',
    position,
    `cannot apply ${operator} to ${describe(value)}: it takes scalars, vectors or NULL`,
  );
}

/** describeValue with the article English wants ("an INT scalar"). */
export function describe(value: Value): string {
  return describeValue(value).replace(/^a (?=[AEIOU])/, 'an ');
}

/** TYPE_MISMATCH for `operator` over `values`, ending with what the operator takes. */
export function mismatch(
  operator: string,
  values: readonly Value[],
  position: Position,
  accepts: string,
): never {
  const found = values.map(describe).join(' and ');
  return queryError('TYPE_MISMATCH', position, `cannot apply ${operator} to ${found}: ${accepts}`);
}

/**
 * The shape of a result over `operands`: a vector when any is one (all vectors must be of one
 * length, else INVALID_ARGUMENT), else one scalar row.
 */
export function shapeOf(operator: string, operands: readonly Operand[], position: Position): Shape {
  let rows = -1;
  for (const operand of operands) {
    if (operand.kind !== 'vector') continue;
    const length = columnLength(operand.column);
    if (rows >= 0 && length !== rows) {
      return queryError(
        'INVALID_ARGUMENT',
        position,
        `cannot apply ${operator} to vectors of different lengths (${rows} and ${length}): ` +
          'use vectors of one length, or a scalar',
      );
    }
    rows = length;
  }
  return rows < 0 ? { rows: 1, vector: false } : { rows, vector: true };
}

/** The type of an operand; `ifNull` for the untyped NULL, which takes the type it meets. */
export function typeOf(operand: Operand, ifNull: ColumnType): ColumnType {
  switch (operand.kind) {
    case 'null':
      return ifNull;
    case 'scalar':
      return operand.type;
    case 'vector':
      return operand.column.type;
    default:
      return unreachable(operand);
  }
}

/** `operand` as a lane of `type` (its own type, or the type a NULL takes). */
export function laneOf(operand: Operand, type: ColumnType): Lane {
  switch (operand.kind) {
    case 'null':
      return { column: nullColumn(type, 1), stride: 0 };
    case 'scalar':
      return { column: columnFromValues(operand.type, [operand.value]), stride: 0 };
    case 'vector':
      return { column: operand.column, stride: 1 };
    default:
      return unreachable(operand);
  }
}
