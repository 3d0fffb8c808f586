import { describe, expect, it } from 'vitest';
import { columnValues, compactSymbols, takeRows } from './column-ops.ts';
import type { Column } from './column.ts';

describe('compactSymbols', () => {
  const dictionary = Array.from({ length: 5000 }, (_, i) => `S${i}`);
  const large: Column = {
    type: 'SYMBOL',
    data: { codes: Int32Array.from({ length: 5000 }, (_, i) => i), dictionary },
  };

  it('cuts the dictionary of a few rows taken from a large column to the symbols they use', () => {
    const few = takeRows(large, Uint32Array.of(4999, 7, 4999));
    const compact = compactSymbols(few);
    expect(compact.type === 'SYMBOL' && compact.data.dictionary).toEqual(['S4999', 'S7']);
    expect(columnValues(compact)).toEqual(columnValues(few));
  });

  it('leaves a column whose dictionary is no larger than its rows, and other types, as they are', () => {
    expect(compactSymbols(large)).toBe(large);
    const ints: Column = { type: 'INT', data: Int32Array.of(1, 2) };
    expect(compactSymbols(ints)).toBe(ints);
  });
});
