// Proves isNull flags each type's sentinel (and NaN for floats), '' for text through SYMBOL
// dictionaries, the untyped NULL, and negates for `is not null`: goldens over every type.

import { describe, expect, it } from 'vitest';
import { COLUMN_TYPES, nullOf } from '../../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import { applyIsNull } from './nulls.ts';
import { AT, NULL, errorOf, sc, show, vec } from './test-support.ts';

/** A non-null physical value of `type`. */
function someValue(type: ColumnType): CellValue {
  const sentinel = nullOf(type);
  if (typeof sentinel === 'bigint') return 1n;
  return typeof sentinel === 'string' ? 'x' : 1;
}

describe('applyIsNull', () => {
  it.each(COLUMN_TYPES)('flags the null of %s in vectors and scalars', (type) => {
    const values = vec(type, [someValue(type), nullOf(type), someValue(type)]);
    expect(show(applyIsNull(values, false, AT))).toEqual({
      kind: 'vector',
      type: 'BOOL',
      cells: [0, 1, 0],
    });
    expect(show(applyIsNull(values, true, AT)).cells).toEqual([1, 0, 1]);
    expect(show(applyIsNull(sc(type, nullOf(type)), false, AT))).toEqual({
      kind: 'scalar',
      type: 'BOOL',
      cells: [1],
    });
  });

  it('counts NaN as null for FLOAT and DOUBLE', () => {
    expect(show(applyIsNull(vec('DOUBLE', [Number.NaN, 0]), false, AT)).cells).toEqual([1, 0]);
    expect(show(applyIsNull(vec('FLOAT', [Number.NaN, 0]), false, AT)).cells).toEqual([1, 0]);
  });

  it('flags the untyped NULL and refuses other values', () => {
    expect(show(applyIsNull(NULL, false, AT)).cells).toEqual([1]);
    expect(show(applyIsNull(NULL, true, AT)).cells).toEqual([0]);
    expect(errorOf(() => applyIsNull({ kind: 'void' }, false, AT)).kind).toBe('TYPE_MISMATCH');
  });
});
