// Proves unary minus negates numbers keeping their type (BOOL becomes INT), keeps nulls, and
// refuses temporal and text values: goldens through applyUnary.

import { describe, expect, it } from 'vitest';
import {
  NULL_DOUBLE,
  NULL_INT16,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
} from '../../core/types/column-type.ts';
import { applyUnary } from './apply.ts';
import { AT, NULL, errorOf, sc, show, vec } from './test-support.ts';

describe('unary minus', () => {
  it('negates each numeric type, keeping it and its nulls', () => {
    expect(show(applyUnary('-', vec('INT', [1, -2, NULL_INT32]), AT))).toEqual({
      kind: 'vector',
      type: 'INT',
      cells: [-1, 2, null],
    });
    expect(show(applyUnary('-', vec('CHAR', [127, NULL_INT8]), AT))).toEqual({
      kind: 'vector',
      type: 'CHAR',
      cells: [-127, null],
    });
    expect(show(applyUnary('-', vec('SHORT', [5, NULL_INT16]), AT)).cells).toEqual([-5, null]);
    expect(show(applyUnary('-', vec('LONG', [5n, NULL_INT64]), AT)).cells).toEqual([-5n, null]);
    expect(show(applyUnary('-', vec('DOUBLE', [1.5, NULL_DOUBLE]), AT)).cells).toEqual([
      -1.5,
      null,
    ]);
    expect(show(applyUnary('-', sc('FLOAT', 2), AT))).toEqual({
      kind: 'scalar',
      type: 'FLOAT',
      cells: [-2],
    });
  });

  it('negates BOOL as INT and NULL as NULL', () => {
    expect(show(applyUnary('-', vec('BOOL', [1, 0, NULL_INT8]), AT))).toEqual({
      kind: 'vector',
      type: 'INT',
      cells: [-1, 0, null],
    });
    expect(applyUnary('-', NULL, AT)).toEqual({ kind: 'null' });
  });

  it('refuses SYMBOL, STRING and temporal values', () => {
    const error = errorOf(() => applyUnary('-', vec('SYMBOL', ['a']), AT));
    expect(error.kind).toBe('TYPE_MISMATCH');
    expect(error.message).toMatch(/^line 3, column 7: cannot apply - to a SYMBOL vector: /);
    expect(errorOf(() => applyUnary('-', sc('STRING', 'a'), AT)).kind).toBe('TYPE_MISMATCH');
    expect(errorOf(() => applyUnary('-', sc('DATE', 1), AT)).kind).toBe('TYPE_MISMATCH');
  });
});
