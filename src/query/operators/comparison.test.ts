// Proves comparisons follow DolphinDB: nulls smallest and equal to each other (BOOL 0/1, never
// null), numbers by value, temporal types converted to the finer one, text by code units,
// SYMBOL through its dictionary in either operand order: goldens through applyBinary.

import { describe, expect, it } from 'vitest';
import { NULL_DOUBLE, NULL_FLOAT, NULL_INT32, NULL_INT64 } from '../../core/types/column-type.ts';
import type { ComparisonOperator } from './promote-types.ts';
import { applyBinary } from './apply.ts';
import { AT, NULL, errorOf, sc, show, vec } from './test-support.ts';
import type { Value } from '../value.ts';

const N = NULL_INT32;

function flags(op: ComparisonOperator, left: Value, right: Value): readonly unknown[] {
  const result = show(applyBinary(op, left, right, AT));
  expect(result.type).toBe('BOOL');
  return result.cells;
}

describe('comparisons of numbers', () => {
  const a = vec('INT', [1, 2, 3, N, N]);
  const b = vec('INT', [2, 2, 2, N, 0]);

  it('gives each operator with nulls smallest and equal', () => {
    expect(flags('==', a, b)).toEqual([0, 1, 0, 1, 0]);
    expect(flags('!=', a, b)).toEqual([1, 0, 1, 0, 1]);
    expect(flags('<', a, b)).toEqual([1, 0, 0, 0, 1]);
    expect(flags('<=', a, b)).toEqual([1, 1, 0, 1, 1]);
    expect(flags('>', a, b)).toEqual([0, 0, 1, 0, 0]);
    expect(flags('>=', a, b)).toEqual([0, 1, 1, 1, 0]);
  });

  it('compares a vector with a scalar on either side', () => {
    expect(flags('<', a, sc('INT', 2))).toEqual([1, 0, 0, 1, 1]);
    expect(flags('<', sc('INT', 2), a)).toEqual([0, 0, 1, 0, 0]);
    expect(show(applyBinary('>=', sc('INT', 2), sc('INT', 2), AT))).toEqual({
      kind: 'scalar',
      type: 'BOOL',
      cells: [1],
    });
  });

  it('compares INT with DOUBLE by value, NaN and every null alike', () => {
    const doubles = vec('DOUBLE', [1.5, 2, NULL_DOUBLE, Number.NaN, -1e300]);
    const ints = vec('INT', [1, 2, N, N, N]);
    expect(flags('==', ints, doubles)).toEqual([0, 1, 1, 1, 0]);
    expect(flags('<', ints, doubles)).toEqual([1, 0, 0, 0, 1]);
    expect(flags('==', vec('FLOAT', [NULL_FLOAT, 0.5]), vec('DOUBLE', [Number.NaN, 0.5]))).toEqual([
      1, 1,
    ]);
  });

  it('compares LONG exactly, and with DOUBLE through Number', () => {
    const longs = vec('LONG', [2n ** 62n, -(2n ** 62n), NULL_INT64, 5n, -1n]);
    expect(flags('<', longs, sc('LONG', 0n))).toEqual([0, 1, 1, 0, 1]);
    expect(flags('>', longs, sc('LONG', -1n))).toEqual([1, 0, 0, 1, 0]);
    expect(flags('==', longs, sc('LONG', 5n))).toEqual([0, 0, 0, 1, 0]);
    expect(flags('<', sc('LONG', 4294967296n), sc('LONG', 4294967297n))).toEqual([1]);
    expect(flags('<', sc('LONG', 4294967295n), sc('LONG', 4294967296n))).toEqual([1]);
    expect(flags('>', longs, sc('DOUBLE', 4.5))).toEqual([1, 0, 0, 1, 0]);
    expect(flags('==', longs, vec('INT', [0, 0, N, 5, -1]))).toEqual([0, 0, 1, 1, 1]);
  });
});

describe('comparisons of temporal values', () => {
  it('converts a DATE to the DATETIME of its midnight', () => {
    const day = 19365; // 2023.01.08
    const seconds = vec('DATETIME', [day * 86400 - 1, day * 86400, day * 86400 + 1, N]);
    expect(flags('<', seconds, sc('DATE', day))).toEqual([1, 0, 0, 1]);
    expect(flags('==', sc('DATE', day), seconds)).toEqual([0, 1, 0, 0]);
    expect(flags('>=', seconds, NULL)).toEqual([1, 1, 1, 1]);
  });

  it('compares MONTH with DATE at the first of the month, and ticks with integers', () => {
    expect(flags('==', sc('MONTH', 2023 * 12), sc('DATE', 19358))).toEqual([1]);
    expect(flags('>', vec('DATE', [1, 2, N]), sc('INT', 1))).toEqual([0, 1, 0]);
    expect(flags('<', vec('DATE', [1, 2]), sc('LONG', 2n))).toEqual([1, 0]);
  });

  it('refuses pairs that would lose the order, and text', () => {
    expect(errorOf(() => applyBinary('<', sc('DATETIME', 1), sc('TIME', 1), AT)).kind).toBe(
      'TYPE_MISMATCH',
    );
    const text = errorOf(() => applyBinary('==', vec('DATE', [1]), sc('STRING', '2023'), AT));
    expect(text.message).toContain('cannot apply == to a DATE vector and a STRING scalar');
  });
});

describe('comparisons of text', () => {
  it('compares strings by code units, the null string first', () => {
    const strings = vec('STRING', ['b', 'a', '', 'B', 'ba']);
    expect(flags('<', strings, sc('STRING', 'b'))).toEqual([0, 1, 1, 1, 0]);
    expect(flags('==', strings, NULL)).toEqual([0, 0, 1, 0, 0]);
  });

  it('gives the same answers through a SYMBOL dictionary, on either side', () => {
    const symbols = vec('SYMBOL', ['b', 'a', '', 'b', 'c']);
    expect(flags('==', symbols, sc('SYMBOL', 'b'))).toEqual([1, 0, 0, 1, 0]);
    expect(flags('>', symbols, sc('STRING', 'a'))).toEqual([1, 0, 0, 1, 1]);
    expect(flags('>', sc('STRING', 'a'), symbols)).toEqual([0, 0, 1, 0, 0]);
    expect(flags('<=', symbols, vec('SYMBOL', ['a', 'a', 'z', 'b', 'b']))).toEqual([0, 1, 1, 1, 0]);
    expect(flags('==', symbols, vec('STRING', ['b', 'x', '', 'x', 'c']))).toEqual([1, 0, 1, 0, 1]);
  });

  it('gives the same answers row by row when the dictionary outgrows the rows', () => {
    const wide: Value = {
      kind: 'vector',
      column: {
        type: 'SYMBOL',
        data: { codes: Int32Array.of(3, 0), dictionary: ['b', 'x', 'y', 'a'] },
      },
    };
    expect(flags('<', wide, sc('STRING', 'b'))).toEqual([1, 0]);
    expect(flags('==', sc('SYMBOL', 'b'), wide)).toEqual([0, 1]);
  });

  it('refuses text with a number', () => {
    const error = errorOf(() => applyBinary('<', vec('SYMBOL', ['a']), sc('INT', 1), AT));
    expect(error.kind).toBe('TYPE_MISMATCH');
    expect(error.message).toMatch(
      /^line 3, column 7: cannot apply < to a SYMBOL vector and an INT/,
    );
  });
});

describe('comparison shapes', () => {
  it('compares two NULLs as equal nulls', () => {
    expect(flags('==', NULL, NULL)).toEqual([1]);
    expect(flags('<', NULL, NULL)).toEqual([0]);
  });

  it('refuses vectors of different lengths', () => {
    expect(errorOf(() => applyBinary('==', vec('INT', [1]), vec('INT', [1, 2]), AT)).kind).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
