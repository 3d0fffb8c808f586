// `is null` / `is not null`: BOOL 1 where an element is its type's null sentinel ('' for text;
// NaN counts as null for FLOAT and DOUBLE). The untyped NULL is null. A SYMBOL vector is tested
// once per dictionary entry.

import { unreachable } from '../../core/assert.ts';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT8,
} from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { HIGH, LOW, halvesOf } from '../../core/types/int64-halves.ts';
import type { Position } from '../ast.ts';
import type { Value } from '../value.ts';
import { laneOf, requireOperand, shapeOf, typeOf } from './operands.ts';
import { boolResult } from './results.ts';
import { spreadCodes } from './symbol-dictionary.ts';

/** `operand is [not] null` as BOOL: a vector for a vector, else a scalar. */
export function applyIsNull(operand: Value, negated: boolean, position: Position): Value {
  const x = requireOperand(operand, negated ? 'is not null' : 'is null', position);
  const flip = negated ? 1 : 0;
  const shape = shapeOf('is null', [x], position);
  if (x.kind === 'null') return boolResult(Int8Array.of(1 ^ flip), shape);
  return boolResult(nullFlags(laneOf(x, typeOf(x, 'INT')).column, flip), shape);
}

/** Per row: (element is null) xor flip. */
export function nullFlags(column: Column, flip: number): Int8Array {
  switch (column.type) {
    case 'BOOL':
    case 'CHAR':
      return numberNulls(column.data, NULL_INT8, flip);
    case 'SHORT':
      return numberNulls(column.data, NULL_INT16, flip);
    case 'INT':
    case 'DATE':
    case 'MONTH':
    case 'TIME':
    case 'MINUTE':
    case 'SECOND':
    case 'DATETIME':
      return numberNulls(column.data, NULL_INT32, flip);
    case 'FLOAT':
      return numberNulls(column.data, NULL_FLOAT, flip);
    case 'DOUBLE':
      return numberNulls(column.data, NULL_DOUBLE, flip);
    case 'LONG':
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return int64Nulls(column.data, flip);
    case 'STRING':
      return textNulls(column.data, flip);
    case 'SYMBOL': {
      const out = new Int8Array(column.data.codes.length);
      spreadCodes(column.data.codes, textNulls(column.data.dictionary, flip), out);
      return out;
    }
    default:
      return unreachable(column);
  }
}

type SmallNumbers = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

function numberNulls(data: SmallNumbers, nullValue: number, flip: number): Int8Array {
  const out = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = (v === nullValue || v !== v ? 1 : 0) ^ flip;
  }
  return out;
}

function int64Nulls(data: BigInt64Array, flip: number): Int8Array {
  const halves = halvesOf(data);
  const out = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    out[i] = (halves[2 * i + HIGH] === NULL_INT32 && halves[2 * i + LOW] === 0 ? 1 : 0) ^ flip;
  }
  return out;
}

function textNulls(data: readonly string[], flip: number): Int8Array {
  const out = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] === '' ? 1 : 0) ^ flip;
  return out;
}
