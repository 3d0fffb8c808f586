// Batch inputs seen the way accumulators loop over them: physical cells by index (SYMBOL
// decoded once per batch) or arithmetic values as doubles. One conversion per batch keeps the
// per-row loops plain and free of per-type branches.

import { assert } from '../../core/assert.ts';
import { NULL_DOUBLE, nullOf } from '../../core/types/column-type.ts';
import type { CellValue } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { HIGH, LOW, halvesOf, int64ToNumber } from '../../core/types/int64-halves.ts';

/** The cells of `column` by row: typed arrays as they are, SYMBOL codes looked up. */
export function cellsOf(column: Column): ArrayLike<CellValue> {
  if (column.type !== 'SYMBOL') return column.data;
  const { codes, dictionary } = column.data;
  const out = new Array<string>(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = dictionary[codes[i] as number] as string;
  return out;
}

/** True when `value` is null: the type's sentinel, or NaN (a null for floats). */
export function isNullCell(value: CellValue, sentinel: CellValue): boolean {
  return value === sentinel || value !== value;
}

/**
 * The values of an arithmetic column as doubles, where a null is NaN or NULL_DOUBLE (test with
 * isNullDouble). DOUBLE data is returned as is, so the hot path copies nothing.
 */
export function doublesOf(column: Column): Float64Array {
  switch (column.type) {
    case 'DOUBLE':
      return column.data;
    case 'LONG':
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return int64Doubles(column.data);
    case 'SYMBOL':
    case 'STRING':
      assert(false, `doublesOf: ${column.type} is not arithmetic`);
      break;
    default:
      return smallDoubles(column.data, nullOf(column.type) as number);
  }
}

/** True when a value from doublesOf is null. */
export function isNullDouble(value: number): boolean {
  return value !== value || value === NULL_DOUBLE;
}

function smallDoubles(
  data: Int8Array | Int16Array | Int32Array | Float32Array,
  sentinel: number,
): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    out[i] = v === sentinel ? NaN : v;
  }
  return out;
}

function int64Doubles(data: BigInt64Array): Float64Array {
  const halves = halvesOf(data);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const high = halves[2 * i + HIGH] as number;
    const low = halves[2 * i + LOW] as number;
    // The int64 null is the only value with halves (−2^31, 0).
    out[i] = high === -2147483648 && low === 0 ? NaN : int64ToNumber(high, low);
  }
  return out;
}
