// Physical values as partition schemes hold them: which are valid, their canonical form (so equal
// values are identical Map keys) and their order.

import { assert } from '../assert.ts';
import { isNullValue, physicalKind } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';

const INT_RANGES = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
} as const;

/**
 * True when `value` is a non-null physical value of `type`: the right JS type, in the type's
 * range, BOOL 0 or 1, and for floats not NaN (NaN equals nothing, so it could never be found).
 */
export function isValidCell(type: ColumnType, value: CellValue): boolean {
  const kind = physicalKind(type);
  switch (kind) {
    case 'int8':
    case 'int16':
    case 'int32': {
      const [min, max] = INT_RANGES[kind];
      const inRange =
        typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
      if (type === 'BOOL') return value === 0 || value === 1;
      return inRange && !isNullValue(type, value);
    }
    case 'int64':
      return (
        typeof value === 'bigint' && BigInt.asIntN(64, value) === value && !isNullValue(type, value)
      );
    case 'float32':
    case 'float64':
      return typeof value === 'number' && !Number.isNaN(value) && !isNullValue(type, value);
    case 'text':
      return typeof value === 'string' && value !== '';
  }
}

/** The canonical form of a physical value of `type`: FLOAT values rounded to float32, −0 as 0. */
export function normalizeCell(type: ColumnType, value: CellValue): CellValue {
  if (typeof value !== 'number') return value;
  const v = physicalKind(type) === 'float32' ? Math.fround(value) : value;
  return v === 0 ? 0 : v;
}

/** Orders two physical values of one type: numerically, or by UTF-16 code units for text. */
export function compareCells(a: CellValue, b: CellValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  assert(false, `compareCells: values of different physical kinds: ${String(a)}, ${String(b)}`);
}

/** True when `value` has the JS type of `type`'s physical values (number, bigint or string). */
export function hasPhysicalForm(type: ColumnType, value: CellValue): boolean {
  switch (physicalKind(type)) {
    case 'int64':
      return typeof value === 'bigint';
    case 'text':
      return typeof value === 'string';
    default:
      return typeof value === 'number';
  }
}
