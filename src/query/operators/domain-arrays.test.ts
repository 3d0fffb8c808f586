// Proves columns read as domain arrays keep values and map every type's null to the domain's
// (widening, narrowing, to doubles, SYMBOL decoding, temporal conversion): goldens per form.

import { describe, expect, it } from 'vitest';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
} from '../../core/types/column-type.ts';
import { columnFromValues } from '../../core/types/column-ops.ts';
import {
  float64Array,
  inTemporalType,
  int32Array,
  int64Array,
  textArray,
} from './domain-arrays.ts';

describe('domain arrays', () => {
  it('widen small integers to 32 bits, nulls to the INT null', () => {
    expect(Array.from(int32Array(columnFromValues('CHAR', [-1, NULL_INT8])))).toEqual([
      -1,
      NULL_INT32,
    ]);
    expect(Array.from(int32Array(columnFromValues('SHORT', [300, NULL_INT16])))).toEqual([
      300,
      NULL_INT32,
    ]);
  });

  it('return a column already in the form as is', () => {
    const ints = columnFromValues('INT', [1]);
    expect(int32Array(ints)).toBe(ints.data);
    const doubles = columnFromValues('DOUBLE', [1]);
    expect(float64Array(doubles)).toBe(doubles.data);
  });

  it('narrow a LONG to 32 bits, a value outside INT reading as null', () => {
    const longs = columnFromValues('LONG', [
      -5n,
      2n ** 31n,
      -(2n ** 31n),
      2n ** 31n - 1n,
      NULL_INT64,
    ]);
    expect(Array.from(int32Array(longs))).toEqual([
      -5,
      NULL_INT32,
      NULL_INT32,
      2147483647,
      NULL_INT32,
    ]);
  });

  it('widen to 64 bits through the halves, negatives and nulls included', () => {
    const ints = columnFromValues('INT', [-1, 7, NULL_INT32, -2147483647]);
    expect(Array.from(int64Array(ints))).toEqual([-1n, 7n, NULL_INT64, -2147483647n]);
    expect(Array.from(int64Array(columnFromValues('BOOL', [1, NULL_INT8])))).toEqual([
      1n,
      NULL_INT64,
    ]);
  });

  it('read every number form as doubles with the DOUBLE null', () => {
    const longs = columnFromValues('LONG', [-(2n ** 40n) - 1n, NULL_INT64]);
    expect(Array.from(float64Array(longs))).toEqual([-(2 ** 40) - 1, NULL_DOUBLE]);
    const floats = columnFromValues('FLOAT', [0.5, NULL_FLOAT, Number.NaN]);
    expect(Array.from(float64Array(floats))).toEqual([0.5, NULL_DOUBLE, NULL_DOUBLE]);
    expect(Array.from(float64Array(columnFromValues('SHORT', [NULL_INT16, 2])))).toEqual([
      NULL_DOUBLE,
      2,
    ]);
  });

  it('decode SYMBOL to strings and convert temporal types only between temporal types', () => {
    expect(textArray(columnFromValues('SYMBOL', ['b', 'a', 'b']))).toEqual(['b', 'a', 'b']);
    const dates = columnFromValues('DATE', [1, NULL_INT32]);
    expect(Array.from(inTemporalType(dates, 'DATETIME').data as Int32Array)).toEqual([
      86400,
      NULL_INT32,
    ]);
    expect(inTemporalType(dates, 'INT')).toBe(dates);
  });
});
