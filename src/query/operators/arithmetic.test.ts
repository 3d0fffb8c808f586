// Proves + - * / % follow DolphinDB: null in → null out, 32/64-bit wrap-around, floor division,
// mod with the divisor's sign, null on zero divisors, temporal and text rules, and the errors:
// goldens on small vectors and scalars through applyBinary.

import { describe, expect, it } from 'vitest';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
} from '../../core/types/column-type.ts';
import { applyBinary } from './apply.ts';
import { AT, NULL, errorOf, sc, show, vec } from './test-support.ts';

const N = NULL_INT32;
const NL = NULL_INT64;

describe('INT arithmetic', () => {
  const a = vec('INT', [7, -7, 7, -7, N, 5]);
  const b = vec('INT', [3, 3, -3, -3, 1, 0]);

  it('adds, subtracts and multiplies with nulls', () => {
    expect(show(applyBinary('+', a, b, AT))).toEqual({
      kind: 'vector',
      type: 'INT',
      cells: [10, -4, 4, -10, null, 5],
    });
    expect(show(applyBinary('-', a, b, AT)).cells).toEqual([4, -10, 10, -4, null, 5]);
    expect(show(applyBinary('*', a, b, AT)).cells).toEqual([21, -21, -21, 21, null, 0]);
  });

  it('divides by flooring and gives null for a zero divisor', () => {
    expect(show(applyBinary('/', a, b, AT)).cells).toEqual([2, -3, -3, 2, null, null]);
  });

  it('takes the mod with the sign of the divisor', () => {
    expect(show(applyBinary('%', a, b, AT)).cells).toEqual([1, 2, -2, -1, null, null]);
    expect(show(applyBinary('%', sc('INT', -7), sc('INT', 3), AT))).toEqual({
      kind: 'scalar',
      type: 'INT',
      cells: [2],
    });
  });

  it('wraps around 32 bits', () => {
    expect(show(applyBinary('+', sc('INT', 2147483647), sc('INT', 2), AT)).cells).toEqual([
      -2147483647,
    ]);
    expect(show(applyBinary('*', sc('INT', 65536), sc('INT', 65537), AT)).cells).toEqual([65536]);
  });

  it('widens BOOL, CHAR and SHORT to INT, keeping their nulls', () => {
    const result = applyBinary('+', vec('CHAR', [1, NULL_INT8]), vec('SHORT', [300, 1]), AT);
    expect(show(result)).toEqual({ kind: 'vector', type: 'INT', cells: [301, null] });
    expect(show(applyBinary('+', sc('BOOL', 1), sc('BOOL', 1), AT)).type).toBe('INT');
  });
});

describe('LONG arithmetic', () => {
  it('computes exactly in 64 bits, with floor division and mod by the divisor sign', () => {
    const a = vec('LONG', [9007199254740993n, -7n, -7n, NL, 7n]);
    const b = vec('INT', [2, 3, 3, 1, 0]);
    expect(show(applyBinary('+', a, b, AT))).toEqual({
      kind: 'vector',
      type: 'LONG',
      cells: [9007199254740995n, -4n, -4n, null, 7n],
    });
    expect(show(applyBinary('/', a, b, AT)).cells).toEqual([
      4503599627370496n,
      -3n,
      -3n,
      null,
      null,
    ]);
    expect(show(applyBinary('%', a, b, AT)).cells).toEqual([1n, 2n, 2n, null, null]);
  });

  it('wraps around 64 bits', () => {
    const max = 9223372036854775807n;
    expect(show(applyBinary('+', sc('LONG', max), sc('LONG', 2n), AT)).cells).toEqual([
      -9223372036854775807n,
    ]);
  });
});

describe('DOUBLE and FLOAT arithmetic', () => {
  it('mixes integers and doubles as DOUBLE, null and NaN in giving null out', () => {
    const a = vec('DOUBLE', [1.5, NULL_DOUBLE, Number.NaN, -7.5]);
    const b = vec('INT', [2, 2, 2, N]);
    expect(show(applyBinary('*', a, b, AT))).toEqual({
      kind: 'vector',
      type: 'DOUBLE',
      cells: [3, null, null, null],
    });
    const raw = applyBinary('*', a, b, AT);
    expect(raw.kind === 'vector' && Array.from(raw.column.data as Float64Array)).toEqual([
      3,
      NULL_DOUBLE,
      NULL_DOUBLE,
      NULL_DOUBLE,
    ]);
  });

  it('divides exactly, null on zero, and mods with the sign of the divisor', () => {
    const a = vec('DOUBLE', [7, 7, -7.5, 7.5]);
    const b = vec('DOUBLE', [2, 0, 2, -2]);
    expect(show(applyBinary('/', a, b, AT)).cells).toEqual([3.5, null, -3.75, -3.75]);
    expect(show(applyBinary('%', a, b, AT)).cells).toEqual([1, null, 0.5, -0.5]);
    expect(show(applyBinary('/', sc('INT', 7), sc('DOUBLE', 2), AT)).cells).toEqual([3.5]);
  });

  it('keeps FLOAT op FLOAT as FLOAT, with FLOAT nulls', () => {
    const result = applyBinary('+', vec('FLOAT', [1.5, NULL_FLOAT]), sc('FLOAT', 1), AT);
    expect(show(result)).toEqual({ kind: 'vector', type: 'FLOAT', cells: [2.5, null] });
    expect(show(applyBinary('+', sc('FLOAT', 1.5), sc('INT', 1), AT)).type).toBe('DOUBLE');
  });

  it('mixes LONG and DOUBLE as DOUBLE', () => {
    expect(show(applyBinary('-', sc('LONG', 10n), sc('DOUBLE', 0.5), AT))).toEqual({
      kind: 'scalar',
      type: 'DOUBLE',
      cells: [9.5],
    });
  });
});

describe('temporal arithmetic', () => {
  it('moves a temporal value by an integer count of its ticks', () => {
    const days = vec('DATE', [19365, N]);
    expect(show(applyBinary('+', days, sc('INT', 1), AT))).toEqual({
      kind: 'vector',
      type: 'DATE',
      cells: [19366, null],
    });
    expect(show(applyBinary('+', sc('INT', 2), days, AT)).cells).toEqual([19367, null]);
    expect(show(applyBinary('-', sc('TIMESTAMP', 1000n), sc('INT', 1), AT))).toEqual({
      kind: 'scalar',
      type: 'TIMESTAMP',
      cells: [999n],
    });
    expect(show(applyBinary('+', sc('DATETIME', 100), sc('LONG', 5n), AT)).cells).toEqual([105]);
  });

  it('reads a LONG offset outside the 32-bit range as null for a 32-bit temporal type', () => {
    expect(show(applyBinary('+', sc('DATE', 1), sc('LONG', 2n ** 40n), AT)).cells).toEqual([null]);
  });

  it('subtracts two values of one temporal type to INT or LONG', () => {
    expect(show(applyBinary('-', vec('DATE', [19365, N]), sc('DATE', 19000), AT))).toEqual({
      kind: 'vector',
      type: 'INT',
      cells: [365, null],
    });
    expect(show(applyBinary('-', sc('NANOTIMESTAMP', 5n), sc('NANOTIMESTAMP', 7n), AT))).toEqual({
      kind: 'scalar',
      type: 'LONG',
      cells: [-2n],
    });
  });

  it('refuses other temporal arithmetic', () => {
    for (const [op, left, right] of [
      ['+', sc('DATE', 1), sc('DATE', 1)],
      ['-', sc('INT', 1), sc('DATE', 1)],
      ['*', sc('DATE', 1), sc('INT', 2)],
      ['-', sc('DATE', 1), sc('DATETIME', 1)],
      ['+', sc('DATE', 1), sc('DOUBLE', 1)],
    ] as const) {
      expect(errorOf(() => applyBinary(op, left, right, AT)).kind).toBe('TYPE_MISMATCH');
    }
  });
});

describe('text concatenation', () => {
  it('concatenates STRING and SYMBOL into STRING, the null string adding nothing', () => {
    const strings = vec('STRING', ['a', '', 'c']);
    expect(show(applyBinary('+', strings, sc('STRING', '!'), AT))).toEqual({
      kind: 'vector',
      type: 'STRING',
      cells: ['a!', '!', 'c!'],
    });
    const symbols = vec('SYMBOL', ['x', 'y', 'x', '']);
    expect(show(applyBinary('+', symbols, sc('STRING', '1'), AT)).cells).toEqual([
      'x1',
      'y1',
      'x1',
      '1',
    ]);
    expect(show(applyBinary('+', sc('SYMBOL', '>'), symbols, AT)).cells).toEqual([
      '>x',
      '>y',
      '>x',
      '>',
    ]);
    expect(show(applyBinary('+', symbols, vec('SYMBOL', ['1', '2', '3', '4']), AT))).toEqual({
      kind: 'vector',
      type: 'STRING',
      cells: ['x1', 'y2', 'x3', '4'],
    });
  });
});

describe('untyped NULL', () => {
  it('acts as a null of the other side’s type', () => {
    expect(show(applyBinary('+', vec('INT', [1, 2]), NULL, AT))).toEqual({
      kind: 'vector',
      type: 'INT',
      cells: [null, null],
    });
    expect(show(applyBinary('*', NULL, sc('DOUBLE', 2), AT))).toEqual({
      kind: 'scalar',
      type: 'DOUBLE',
      cells: [null],
    });
    expect(show(applyBinary('+', sc('DATE', 5), NULL, AT)).type).toBe('DATE');
    expect(show(applyBinary('-', sc('DATE', 5), NULL, AT)).type).toBe('INT');
    expect(applyBinary('+', NULL, NULL, AT)).toEqual({ kind: 'null' });
  });
});

describe('arithmetic errors', () => {
  it('refuses text with a number, naming both operands', () => {
    const error = errorOf(() => applyBinary('+', sc('STRING', 'a'), sc('INT', 1), AT));
    expect(error.kind).toBe('TYPE_MISMATCH');
    expect(error.position).toEqual(AT);
    expect(error.message).toMatch(
      /^line 3, column 7: cannot apply \+ to a STRING scalar and an INT scalar: /,
    );
    const vector = errorOf(() => applyBinary('*', vec('SYMBOL', ['a']), sc('INT', 2), AT));
    expect(vector.message).toContain('cannot apply * to a SYMBOL vector and an INT scalar');
    expect(errorOf(() => applyBinary('-', sc('STRING', 'a'), sc('STRING', 'b'), AT)).kind).toBe(
      'TYPE_MISMATCH',
    );
  });

  it('refuses vectors of different lengths', () => {
    const error = errorOf(() => applyBinary('+', vec('INT', [1, 2]), vec('INT', [1, 2, 3]), AT));
    expect(error.kind).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('vectors of different lengths (2 and 3)');
  });

  it('refuses values that are not operands', () => {
    const error = errorOf(() =>
      applyBinary('+', { kind: 'table', table: { names: [], columns: [] } }, sc('INT', 1), AT),
    );
    expect(error.kind).toBe('TYPE_MISMATCH');
    expect(error.message).toContain('cannot apply + to a table');
  });
});
