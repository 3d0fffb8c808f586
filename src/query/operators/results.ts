// Operator results as Values: a vector over the computed column, or the scalar of its one row
// when no operand was a vector.

import { assert } from '../../core/assert.ts';
import { physicalKind } from '../../core/types/column-type.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { cellAt } from '../../core/types/column-ops.ts';
import { scalarValue, vectorValue } from '../value.ts';
import type { Value } from '../value.ts';
import type { Shape } from './operands.ts';

/** The typed arrays number results are computed in. */
export type NumberData = Int8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

const DATA_KIND = new Map<unknown, string>([
  [Int8Array, 'int8'],
  [Int32Array, 'int32'],
  [BigInt64Array, 'int64'],
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
]);

/** `data` as a column of `type`, whose physical form it must have (else a broken invariant). */
export function numberColumn(type: ColumnType, data: NumberData): Column {
  const kind = DATA_KIND.get(data.constructor);
  assert(kind === physicalKind(type), `${type} cannot hold a ${data.constructor.name}`);
  return { type, data } as Column;
}

/** `column` as the result of `shape`: the vector, or the scalar of its first row. */
export function resultValue(column: Column, shape: Shape): Value {
  return shape.vector ? vectorValue(column) : scalarValue(column.type, cellAt(column, 0));
}

/** BOOL flags as the result of `shape`. */
export function boolResult(flags: Int8Array, shape: Shape): Value {
  return resultValue({ type: 'BOOL', data: flags }, shape);
}

/** DolphinDB's untyped NULL, the result of arithmetic on two of them. */
export const UNTYPED_NULL: Value = { kind: 'null' };
