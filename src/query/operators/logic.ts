// and, or, not, and the truth of a condition. Operands are BOOL or numeric (non-zero is true);
// a null counts as false, so results are BOOL 0/1, never null (not NULL is true). Temporal and
// text values are TYPE_MISMATCH: a condition on them must compare them first.

import { AssertionFailure, unreachable } from '../../core/assert.ts';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT8,
} from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { columnLength } from '../../core/types/column.ts';
import { HIGH, LOW, halvesOf } from '../../core/types/int64-halves.ts';
import type { Position } from '../ast.ts';
import { queryError } from '../query-error.ts';
import type { Value } from '../value.ts';
import { describe, laneOf, mismatch, requireOperand, shapeOf, typeOf } from './operands.ts';
import type { Operand } from './operands.ts';
import { hint, isNumericType } from './promote-types.ts';
import { boolResult } from './results.ts';

/** `left and right` / `left or right` as BOOL: a vector if either side is one. */
export function applyLogic(op: 'and' | 'or', left: Value, right: Value, position: Position): Value {
  const a = requireOperand(left, op, position);
  const b = requireOperand(right, op, position);
  const shape = shapeOf(op, [a, b], position);
  if (!isLogical(a) || !isLogical(b)) return mismatch(op, [a, b], position, hint(op));
  const x = truthOf(a);
  const y = truthOf(b);
  const sx = x.length === 1 ? 0 : 1;
  const sy = y.length === 1 ? 0 : 1;
  const out = new Int8Array(shape.rows);
  if (op === 'and') {
    for (let i = 0, ix = 0, iy = 0; i < out.length; i++, ix += sx, iy += sy)
      out[i] = x[ix]! & y[iy]!;
  } else {
    for (let i = 0, ix = 0, iy = 0; i < out.length; i++, ix += sx, iy += sy)
      out[i] = x[ix]! | y[iy]!;
  }
  return boolResult(out, shape);
}

/** `not operand` as BOOL: 1 where the operand is false, zero or null. */
export function applyNot(operand: Value, position: Position): Value {
  const x = requireOperand(operand, 'not', position);
  if (!isLogical(x)) return mismatch('not', [x], position, hint('not'));
  const truth = truthOf(x);
  const out = new Int8Array(truth.length);
  for (let i = 0; i < out.length; i++) out[i] = truth[i]! ^ 1;
  return boolResult(out, shapeOf('not', [x], position));
}

/**
 * Truth of each of `rows` rows of a BOOL or numeric vector or scalar (broadcast): 1 for
 * non-zero, 0 for zero and null; NULL is all 0. TYPE_MISMATCH for other values, INVALID_ARGUMENT
 * for a vector of another length.
 */
export function truthMask(value: Value, rows: number, position: Position): Uint8Array {
  if (
    (value.kind !== 'null' && value.kind !== 'scalar' && value.kind !== 'vector') ||
    !isLogical(value)
  ) {
    return queryError(
      'TYPE_MISMATCH',
      position,
      `a condition must be BOOL or numeric, found ${describe(value)}: compare it to something first`,
    );
  }
  if (value.kind === 'vector' && columnLength(value.column) !== rows) {
    return queryError(
      'INVALID_ARGUMENT',
      position,
      `a condition has ${columnLength(value.column)} values for ${rows} rows: ` +
        'it needs one value per row',
    );
  }
  const truth = truthOf(value);
  return value.kind === 'vector' ? truth : new Uint8Array(rows).fill(truth[0]!);
}

function isLogical(operand: Operand): boolean {
  switch (operand.kind) {
    case 'null':
      return true;
    case 'scalar':
      return isNumericType(operand.type);
    case 'vector':
      return isNumericType(operand.column.type);
    default:
      return unreachable(operand);
  }
}

/** 1/0 per row of a logical operand (one entry for a scalar or NULL). */
function truthOf(operand: Operand): Uint8Array {
  if (operand.kind === 'null') return new Uint8Array(1);
  return truthOfColumn(laneOf(operand, typeOf(operand, 'BOOL')).column);
}

function truthOfColumn(column: Column): Uint8Array {
  switch (column.type) {
    case 'BOOL':
    case 'CHAR':
      return truthOfNumbers(column.data, NULL_INT8);
    case 'SHORT':
      return truthOfNumbers(column.data, NULL_INT16);
    case 'INT':
      return truthOfNumbers(column.data, NULL_INT32);
    case 'FLOAT':
      return truthOfNumbers(column.data, NULL_FLOAT);
    case 'DOUBLE':
      return truthOfNumbers(column.data, NULL_DOUBLE);
    case 'LONG':
      return truthOfInt64(column.data);
    default:
      throw new AssertionFailure(`isLogical let ${column.type} through to truth`);
  }
}

type SmallNumbers = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** Non-zero, not null and not NaN (NaN !== NaN fails the `v === v` test). */
function truthOfNumbers(data: SmallNumbers, nullValue: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v !== 0 && v !== nullValue && v === v ? 1 : 0;
  }
  return out;
}

function truthOfInt64(data: BigInt64Array): Uint8Array {
  const halves = halvesOf(data);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const high = halves[2 * i + HIGH]!;
    const low = halves[2 * i + LOW]!;
    out[i] = (high | low) !== 0 && !(high === NULL_INT32 && low === 0) ? 1 : 0;
  }
  return out;
}
