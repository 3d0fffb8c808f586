// Proves toColumn repeats scalars (SYMBOL as one dictionary entry), gives NULL as DOUBLE nulls,
// passes vectors of the right length through and rejects the rest: goldens on small values.

import { describe, expect, it } from 'vitest';
import { NULL_DOUBLE } from '../../core/types/column-type.ts';
import { columnValues } from '../../core/types/column-ops.ts';
import { toColumn } from './broadcast.ts';
import { AT, NULL, errorOf, sc, vec } from './test-support.ts';

describe('toColumn', () => {
  it('repeats a scalar of every physical form', () => {
    expect(columnValues(toColumn(sc('INT', 5), 3, AT))).toEqual([5, 5, 5]);
    expect(columnValues(toColumn(sc('LONG', 5n), 2, AT))).toEqual([5n, 5n]);
    expect(columnValues(toColumn(sc('STRING', 'a'), 2, AT))).toEqual(['a', 'a']);
    expect(toColumn(sc('DATE', 19000), 2, AT).type).toBe('DATE');
    const symbol = toColumn(sc('SYMBOL', 'x'), 4, AT);
    expect(symbol).toEqual({
      type: 'SYMBOL',
      data: { codes: new Int32Array(4), dictionary: ['x'] },
    });
  });

  it('gives NULL as a DOUBLE null column', () => {
    expect(toColumn(NULL, 2, AT)).toEqual({
      type: 'DOUBLE',
      data: new Float64Array([NULL_DOUBLE, NULL_DOUBLE]),
    });
  });

  it('passes a vector of the right length through, unchanged', () => {
    const value = vec('INT', [1, 2]);
    expect(value.kind === 'vector' && toColumn(value, 2, AT) === value.column).toBe(true);
  });

  it('rejects a vector of another length and values that are not one per row', () => {
    const wrong = errorOf(() => toColumn(vec('INT', [1, 2]), 3, AT));
    expect(wrong.kind).toBe('INVALID_ARGUMENT');
    expect(wrong.message).toMatch(/^line 3, column 7: an INT vector of 2 rows cannot stand for 3/);
    const table = errorOf(() =>
      toColumn({ kind: 'table', table: { names: [], columns: [] } }, 1, AT),
    );
    expect(table.kind).toBe('TYPE_MISMATCH');
    expect(table.position).toEqual({ line: 3, column: 7 });
  });
});
