// Proves and/or/not and truthMask read BOOL and numbers as non-zero = true with null false,
// always give BOOL 0/1, broadcast scalars, and refuse temporal, text and mismatched lengths.

import { describe, expect, it } from 'vitest';
import { NULL_DOUBLE, NULL_INT32, NULL_INT64, NULL_INT8 } from '../../core/types/column-type.ts';
import { applyBinary, applyUnary } from './apply.ts';
import { truthMask } from './logic.ts';
import { AT, NULL, errorOf, sc, show, vec } from './test-support.ts';

const B = NULL_INT8;

describe('and / or / not', () => {
  const a = vec('BOOL', [1, 1, 0, B, B]);
  const b = vec('BOOL', [1, 0, 0, 1, B]);

  it('combine with null as false', () => {
    expect(show(applyBinary('and', a, b, AT))).toEqual({
      kind: 'vector',
      type: 'BOOL',
      cells: [1, 0, 0, 0, 0],
    });
    expect(show(applyBinary('or', a, b, AT)).cells).toEqual([1, 1, 0, 1, 0]);
    expect(show(applyUnary('not', a, AT)).cells).toEqual([0, 0, 1, 1, 1]);
  });

  it('read numbers as non-zero = true, NaN and nulls false', () => {
    const numbers = vec('DOUBLE', [0.5, 0, NULL_DOUBLE, Number.NaN]);
    expect(show(applyBinary('and', numbers, sc('INT', 7), AT)).cells).toEqual([1, 0, 0, 0]);
    const longs = vec('LONG', [2n ** 40n, 0n, NULL_INT64, -1n]);
    expect(show(applyBinary('or', longs, sc('BOOL', 0), AT)).cells).toEqual([1, 0, 0, 1]);
  });

  it('give scalars for scalars and treat NULL as false', () => {
    expect(show(applyBinary('or', sc('INT', 0), NULL, AT))).toEqual({
      kind: 'scalar',
      type: 'BOOL',
      cells: [0],
    });
    expect(show(applyUnary('not', NULL, AT))).toEqual({ kind: 'scalar', type: 'BOOL', cells: [1] });
  });

  it('refuse temporal and text operands', () => {
    const error = errorOf(() => applyBinary('and', vec('DATE', [1]), sc('BOOL', 1), AT));
    expect(error.kind).toBe('TYPE_MISMATCH');
    expect(error.message).toContain('cannot apply and to a DATE vector and a BOOL scalar');
    expect(errorOf(() => applyUnary('not', sc('STRING', 'a'), AT)).kind).toBe('TYPE_MISMATCH');
  });
});

describe('truthMask', () => {
  it('gives 1/0 per row of a vector, nulls 0', () => {
    expect(Array.from(truthMask(vec('INT', [3, 0, NULL_INT32]), 3, AT))).toEqual([1, 0, 0]);
  });

  it('broadcasts scalars and NULL', () => {
    expect(Array.from(truthMask(sc('BOOL', 1), 3, AT))).toEqual([1, 1, 1]);
    expect(Array.from(truthMask(NULL, 2, AT))).toEqual([0, 0]);
  });

  it('refuses other types, other values and other lengths', () => {
    expect(errorOf(() => truthMask(vec('SYMBOL', ['a']), 1, AT)).kind).toBe('TYPE_MISMATCH');
    expect(errorOf(() => truthMask({ kind: 'void' }, 1, AT)).kind).toBe('TYPE_MISMATCH');
    const length = errorOf(() => truthMask(vec('BOOL', [1, 0]), 3, AT));
    expect(length.kind).toBe('INVALID_ARGUMENT');
    expect(length.position).toEqual(AT);
  });
});
