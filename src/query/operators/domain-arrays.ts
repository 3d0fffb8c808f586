// Columns read as the array of a domain (promote-types.ts): 32-bit ints, 64-bit ints, doubles
// or strings. A column already in that form is returned as is (no copy); others convert in one
// loop, mapping each type's null sentinel to the domain's, so loops test one null per domain.

import { AssertionFailure, assert } from '../../core/assert.ts';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT8,
} from '../../core/types/column-type.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { HIGH, LOW, halvesOf, int64ToNumber } from '../../core/types/int64-halves.ts';
import { convertTemporalColumn } from '../../core/types/temporal-convert.ts';
import { isTemporalType } from './promote-types.ts';

const INT32_MAX = 2147483647;

/**
 * `column` as 32-bit ints. A LONG narrows (temporal arithmetic reads an offset in the width of
 * the temporal type): a value outside the INT range reads as null. Floats and text are a bug.
 */
export function int32Array(column: Column): Int32Array {
  const data = column.data;
  if (data instanceof Int32Array) return data;
  if (data instanceof Int8Array) return widenInt32(data, NULL_INT8);
  if (data instanceof Int16Array) return widenInt32(data, NULL_INT16);
  assert(data instanceof BigInt64Array, `${column.type} has no 32-bit integer form`);
  return narrowInt64(data);
}

function widenInt32(data: Int8Array | Int16Array, nullValue: number): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v === nullValue ? NULL_INT32 : v;
  }
  return out;
}

function narrowInt64(data: BigInt64Array): Int32Array {
  const halves = halvesOf(data);
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = int64ToNumber(halves[2 * i + HIGH]!, halves[2 * i + LOW]!);
    out[i] = v > NULL_INT32 && v <= INT32_MAX ? v : NULL_INT32;
  }
  return out;
}

/** `column` as 64-bit ints: smaller integers widen through the halves, with no bigint per row. */
export function int64Array(column: Column): BigInt64Array {
  const data = column.data;
  if (data instanceof BigInt64Array) return data;
  assert(
    data instanceof Int8Array || data instanceof Int16Array || data instanceof Int32Array,
    `${column.type} has no 64-bit integer form`,
  );
  const nullValue =
    data instanceof Int8Array ? NULL_INT8 : data instanceof Int16Array ? NULL_INT16 : NULL_INT32;
  const out = new BigInt64Array(data.length);
  const halves = halvesOf(out);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // The int64 null is the int32 null in the high half over a zero low half.
    halves[2 * i + HIGH] = v === nullValue ? NULL_INT32 : v < 0 ? -1 : 0;
    halves[2 * i + LOW] = v === nullValue ? 0 : v;
  }
  return out;
}

/** `column` as doubles; a DOUBLE column is returned as is, so its NaNs remain (loops treat NaN as null). */
export function float64Array(column: Column): Float64Array {
  switch (column.type) {
    case 'DOUBLE':
      return column.data;
    case 'LONG':
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return int64ToDouble(column.data);
    case 'SYMBOL':
    case 'STRING':
      return noForm(column.type, 'numeric');
    default:
      return smallToDouble(column.data);
  }
}

function smallToDouble(data: Int8Array | Int16Array | Int32Array | Float32Array): Float64Array {
  const nullValue =
    data instanceof Int8Array
      ? NULL_INT8
      : data instanceof Int16Array
        ? NULL_INT16
        : data instanceof Int32Array
          ? NULL_INT32
          : NULL_FLOAT;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v === nullValue || v !== v ? NULL_DOUBLE : v;
  }
  return out;
}

function int64ToDouble(data: BigInt64Array): Float64Array {
  const halves = halvesOf(data);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const high = halves[2 * i + HIGH]!;
    const low = halves[2 * i + LOW]!;
    out[i] = high === NULL_INT32 && low === 0 ? NULL_DOUBLE : int64ToNumber(high, low);
  }
  return out;
}

/** A domain asked of a column that has no such form: the type rules were broken. */
function noForm(type: ColumnType, form: string): never {
  throw new AssertionFailure(`${type} has no ${form} form`);
}

/** `column` as strings: a SYMBOL column is decoded (one pointer per row, no string copies). */
export function textArray(column: Column): readonly string[] {
  if (column.type === 'STRING') return column.data;
  assert(column.type === 'SYMBOL', `${column.type} has no text form`);
  const { codes, dictionary } = column.data;
  const out = new Array<string>(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = dictionary[codes[i]!]!;
  return out;
}

/**
 * `column` in the temporal type `type` when both are temporal and differ (DATE values compared
 * with a DATETIME become midnights); any other column is returned unchanged.
 */
export function inTemporalType(column: Column, type: ColumnType): Column {
  if (column.type === type || !isTemporalType(column.type) || !isTemporalType(type)) return column;
  return convertTemporalColumn(column, type);
}
