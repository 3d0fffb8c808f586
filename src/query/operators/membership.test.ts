// Proves `in` converts the list to the operand's comparison type and matches nulls to nulls for
// vectors, scalars, pairs, tuples and NULL lists, and `between` is inclusive with the comparison
// rules; both negate and refuse what they cannot compare: goldens.

import { describe, expect, it } from 'vitest';
import { NULL_DOUBLE, NULL_INT32, NULL_INT64 } from '../../core/types/column-type.ts';
import type { Value } from '../value.ts';
import { applyBetween, applyIn } from './membership.ts';
import { AT, NULL, errorOf, sc, show, vec } from './test-support.ts';

const N = NULL_INT32;

function inFlags(operand: Value, list: Value, negated = false): readonly unknown[] {
  const result = show(applyIn(operand, list, negated, AT));
  expect(result.type).toBe('BOOL');
  return result.cells;
}

describe('in', () => {
  it('looks up INT values in a vector, nulls matching nulls', () => {
    const xs = vec('INT', [1, 2, 3, N]);
    expect(inFlags(xs, vec('INT', [3, 1]))).toEqual([1, 0, 1, 0]);
    expect(inFlags(xs, vec('INT', [2, N]))).toEqual([0, 1, 0, 1]);
    expect(inFlags(xs, vec('INT', [3, 1]), true)).toEqual([0, 1, 0, 1]);
    expect(inFlags(xs, NULL)).toEqual([0, 0, 0, 1]);
  });

  it('takes a scalar, a pair and a tuple as the list', () => {
    const xs = vec('INT', [1, 2, 3]);
    expect(inFlags(xs, sc('INT', 2))).toEqual([0, 1, 0]);
    const pair: Value = {
      kind: 'pair',
      first: { type: 'INT', value: 1 },
      second: { type: 'INT', value: 3 },
    };
    expect(inFlags(xs, pair)).toEqual([1, 0, 1]);
    expect(inFlags(xs, { kind: 'tuple', elements: [sc('INT', 2), sc('DOUBLE', 3)] })).toEqual([
      0, 1, 1,
    ]);
  });

  it('converts to the common type: INT in DOUBLE, SHORT in LONG, DATE in DATETIME', () => {
    expect(inFlags(vec('INT', [2, 3]), vec('DOUBLE', [2.0, 2.5]))).toEqual([1, 0]);
    expect(inFlags(vec('SHORT', [5, 6]), vec('LONG', [6n, 2n ** 40n]))).toEqual([0, 1]);
    const day = 19365;
    expect(inFlags(sc('DATE', day), vec('DATETIME', [day * 86400]))).toEqual([1]);
    expect(inFlags(sc('DATE', day), vec('DATETIME', [day * 86400 + 1]))).toEqual([0]);
  });

  it('looks up LONG and DOUBLE values, NaN as null', () => {
    expect(inFlags(vec('LONG', [1n, NULL_INT64, 7n]), vec('LONG', [7n, NULL_INT64]))).toEqual([
      0, 1, 1,
    ]);
    expect(inFlags(vec('DOUBLE', [Number.NaN, 0.5, -0]), vec('DOUBLE', [NULL_DOUBLE, 0]))).toEqual([
      1, 0, 1,
    ]);
  });

  it('looks up SYMBOL and STRING values, a SYMBOL once per dictionary entry', () => {
    const symbols = vec('SYMBOL', ['a', 'b', '', 'a']);
    expect(inFlags(symbols, vec('STRING', ['a', '']))).toEqual([1, 0, 1, 1]);
    expect(inFlags(vec('STRING', ['x', 'y']), vec('SYMBOL', ['y']))).toEqual([0, 1]);
    expect(show(applyIn(sc('SYMBOL', 'b'), symbols, false, AT))).toEqual({
      kind: 'scalar',
      type: 'BOOL',
      cells: [1],
    });
  });

  it('looks up a SYMBOL row by row when its dictionary outgrows the rows', () => {
    const wide: Value = {
      kind: 'vector',
      column: { type: 'SYMBOL', data: { codes: Int32Array.of(2, 0), dictionary: ['a', 'b', 'c'] } },
    };
    expect(inFlags(wide, vec('STRING', ['c']))).toEqual([1, 0]);
  });

  it('gives a scalar for a scalar operand, whatever the list', () => {
    expect(show(applyIn(NULL, vec('INT', [1, N]), false, AT))).toEqual({
      kind: 'scalar',
      type: 'BOOL',
      cells: [1],
    });
  });

  it('refuses lists it cannot compare with the operand, and other values', () => {
    const error = errorOf(() => applyIn(vec('INT', [1]), vec('STRING', ['1']), false, AT));
    expect(error.kind).toBe('TYPE_MISMATCH');
    expect(error.message).toContain('cannot apply in to an INT vector and a STRING vector');
    const table = errorOf(() =>
      applyIn(sc('INT', 1), { kind: 'table', table: { names: [], columns: [] } }, true, AT),
    );
    expect(table.message).toContain('not in needs a vector, a scalar or a pair');
  });
});

describe('between', () => {
  function between(x: Value, low: Value, high: Value, negated = false): readonly unknown[] {
    return show(applyBetween(x, low, high, negated, AT)).cells;
  }

  it('is inclusive at both ends', () => {
    const xs = vec('INT', [0, 1, 2, 3, 4, N]);
    expect(between(xs, sc('INT', 1), sc('INT', 3))).toEqual([0, 1, 1, 1, 0, 0]);
    expect(between(xs, sc('INT', 1), sc('INT', 3), true)).toEqual([1, 0, 0, 0, 1, 1]);
  });

  it('uses the comparison rules: nulls smallest, numbers mixed, DATE against DATETIME', () => {
    expect(between(vec('INT', [N, 1]), NULL, sc('INT', 0))).toEqual([1, 0]);
    expect(between(vec('DOUBLE', [1.5, 2.5]), sc('INT', 1), sc('INT', 2))).toEqual([1, 0]);
    const day = 19365;
    const seconds = vec('DATETIME', [day * 86400 - 1, day * 86400, (day + 1) * 86400]);
    expect(between(seconds, sc('DATE', day), sc('DATE', day + 1))).toEqual([0, 1, 1]);
  });

  it('takes vector bounds row by row, and text through SYMBOL dictionaries', () => {
    const xs = vec('INT', [5, 5, 5]);
    expect(between(xs, vec('INT', [1, 6, 5]), vec('INT', [9, 9, 5]))).toEqual([1, 0, 1]);
    const symbols = vec('SYMBOL', ['apple', 'kiwi', 'zebra', '']);
    expect(between(symbols, sc('STRING', 'b'), sc('STRING', 'l'))).toEqual([0, 1, 0, 0]);
  });

  it('gives a scalar for scalars and refuses mismatches and unequal lengths', () => {
    expect(show(applyBetween(sc('INT', 2), sc('INT', 1), sc('INT', 3), false, AT))).toEqual({
      kind: 'scalar',
      type: 'BOOL',
      cells: [1],
    });
    const error = errorOf(() =>
      applyBetween(sc('STRING', 'a'), sc('INT', 1), sc('INT', 2), false, AT),
    );
    expect(error.message).toContain('cannot apply between to a STRING scalar and an INT scalar');
    expect(
      errorOf(() => applyBetween(vec('INT', [1]), vec('INT', [1, 2]), sc('INT', 2), false, AT))
        .kind,
    ).toBe('INVALID_ARGUMENT');
  });
});
