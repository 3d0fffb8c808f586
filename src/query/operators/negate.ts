// Unary minus on numbers. The type is kept (it cannot overflow: each integer type's minimum is
// its null, so every other value has a negation), except BOOL, which negates as INT. A null
// stays null; -NULL is NULL. Temporal and text values are TYPE_MISMATCH.

import { AssertionFailure } from '../../core/assert.ts';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
} from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import type { Position } from '../ast.ts';
import type { Value } from '../value.ts';
import { int32Array } from './domain-arrays.ts';
import { laneOf, mismatch, requireOperand, shapeOf } from './operands.ts';
import { isNumericType } from './promote-types.ts';
import { UNTYPED_NULL, resultValue } from './results.ts';

/** -operand: a numeric vector or scalar of the same type (BOOL gives INT), NULL for NULL. */
export function applyNegate(operand: Value, position: Position): Value {
  const x = requireOperand(operand, '-', position);
  if (x.kind === 'null') return UNTYPED_NULL;
  const lane = laneOf(x, x.kind === 'scalar' ? x.type : x.column.type);
  if (!isNumericType(lane.column.type)) {
    return mismatch(
      '-',
      [x],
      position,
      'unary - takes numbers (BOOL, CHAR, SHORT, INT, LONG, FLOAT, DOUBLE)',
    );
  }
  return resultValue(negateColumn(lane.column), shapeOf('-', [x], position));
}

function negateColumn(column: Column): Column {
  switch (column.type) {
    case 'BOOL':
      return { type: 'INT', data: negateNumbers(int32Array(column), NULL_INT32) };
    case 'CHAR':
      return { type: column.type, data: negateNumbers(column.data, NULL_INT8) };
    case 'SHORT':
      return { type: column.type, data: negateNumbers(column.data, NULL_INT16) };
    case 'INT':
      return { type: column.type, data: negateNumbers(column.data, NULL_INT32) };
    case 'FLOAT':
      return { type: column.type, data: negateNumbers(column.data, NULL_FLOAT) };
    case 'DOUBLE':
      return { type: column.type, data: negateNumbers(column.data, NULL_DOUBLE) };
    case 'LONG':
      return { type: column.type, data: negateInt64(column.data) };
    default:
      throw new AssertionFailure(`isNumericType let ${column.type} through to negation`);
  }
}

type SmallNumbers = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** -x per element into a new array of the same kind; `nullValue` (and NaN) stay as they are. */
function negateNumbers<T extends SmallNumbers>(data: T, nullValue: number): T {
  const out = data.slice() as T;
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (v !== nullValue) out[i] = -v;
  }
  return out;
}

function negateInt64(data: BigInt64Array): BigInt64Array {
  const out = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v === NULL_INT64 ? v : -v;
  }
  return out;
}
