// Proves GroupIndex gives dense first-seen ids that stay stable across batches: by value for
// every key type (SYMBOL by text whatever the batch's dictionary), nulls as their own group.

import { describe, expect, it } from 'vitest';
import { AssertionFailure } from '../../core/assert.ts';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT64,
} from '../../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import { columnFromValues, columnValues } from '../../core/types/column-ops.ts';
import type { Column } from '../../core/types/column.ts';
import { GroupIndex } from './index.ts';

/** A SYMBOL column over an explicit dictionary (entries may go unused). */
function symbols(dictionary: readonly string[], codes: readonly number[]): Column {
  return { type: 'SYMBOL', data: { codes: Int32Array.from(codes), dictionary } };
}

function ids(index: GroupIndex, keys: readonly Column[], rows: number): number[] {
  return Array.from(index.assign(keys, rows));
}

describe('no keys', () => {
  it('is one global group, present before any row', () => {
    const index = new GroupIndex([]);
    expect(index.size).toBe(1);
    expect(index.keyColumns()).toEqual([]);
    expect(ids(index, [], 3)).toEqual([0, 0, 0]);
    expect(index.size).toBe(1);
  });
});

describe('one key', () => {
  it.each<readonly [ColumnType, readonly CellValue[], readonly CellValue[], readonly number[]]>([
    ['INT', [7, NULL_INT32, 7, -1], [7, NULL_INT32, -1], [0, 1, 0, 2]],
    ['SHORT', [NULL_INT16, 3, NULL_INT16], [NULL_INT16, 3], [0, 1, 0]],
    ['BOOL', [1, 0, 1], [1, 0], [0, 1, 0]],
    ['LONG', [2n ** 62n, NULL_INT64, 2n ** 62n], [2n ** 62n, NULL_INT64], [0, 1, 0]],
    ['TIMESTAMP', [5n, 6n, 5n], [5n, 6n], [0, 1, 0]],
    ['STRING', ['b', '', 'a', 'b'], ['b', '', 'a'], [0, 1, 2, 0]],
    ['FLOAT', [1.5, NaN, NULL_FLOAT, 1.5], [1.5, NULL_FLOAT], [0, 1, 1, 0]],
  ])('%s keys group by value in first-seen order', (type, values, distinct, expected) => {
    const index = new GroupIndex([type]);
    expect(ids(index, [columnFromValues(type, values)], values.length)).toEqual(expected);
    expect(index.size).toBe(distinct.length);
    expect(columnValues(index.keyColumns()[0] as Column)).toEqual(distinct);
  });

  it('puts NaN with the DOUBLE null, and −0 with 0 (reported as 0)', () => {
    const index = new GroupIndex(['DOUBLE']);
    const keys = [columnFromValues('DOUBLE', [NaN, -0, NULL_DOUBLE, 0, 2.5])];
    expect(ids(index, keys, 5)).toEqual([0, 1, 0, 1, 2]);
    const distinct = columnValues(index.keyColumns()[0] as Column);
    expect(distinct).toEqual([NULL_DOUBLE, 0, 2.5]);
    expect(Object.is(distinct[1], 0)).toBe(true);
  });

  it('keeps ids across batches and only reads the first `rows` rows', () => {
    const index = new GroupIndex(['INT']);
    expect(ids(index, [columnFromValues('INT', [3, 4])], 2)).toEqual([0, 1]);
    expect(ids(index, [columnFromValues('INT', [5, 4, 3, 99])], 3)).toEqual([2, 1, 0]);
    expect(index.size).toBe(3);
  });
});

describe('SYMBOL keys', () => {
  it('match by text across batches with different dictionaries', () => {
    const index = new GroupIndex(['SYMBOL']);
    expect(ids(index, [symbols(['IBM', 'AAPL', 'unused'], [1, 0, 1])], 3)).toEqual([0, 1, 0]);
    expect(ids(index, [symbols(['MSFT', 'IBM', 'AAPL'], [0, 2, 1])], 3)).toEqual([2, 0, 1]);
    expect(ids(index, [symbols(['', 'MSFT'], [1, 0, 0])], 3)).toEqual([2, 3, 3]);
    expect(columnValues(index.keyColumns()[0] as Column)).toEqual(['AAPL', 'IBM', 'MSFT', '']);
  });

  it('number groups by first row, not by dictionary order', () => {
    const index = new GroupIndex(['SYMBOL']);
    expect(ids(index, [symbols(['a', 'b', 'c'], [2, 0])], 2)).toEqual([0, 1]);
    expect(columnValues(index.keyColumns()[0] as Column)).toEqual(['c', 'a']);
  });

  it('reuse one dictionary across batches, picking up codes first seen later', () => {
    const dictionary = ['x', 'y', 'z'];
    const index = new GroupIndex(['SYMBOL']);
    expect(ids(index, [symbols(dictionary, [0, 0])], 2)).toEqual([0, 0]);
    expect(ids(index, [symbols(dictionary, [2, 0, 1])], 3)).toEqual([1, 0, 2]);
  });
});

describe('several keys', () => {
  it('group SYMBOL tuples by text from batches with different dictionaries', () => {
    const index = new GroupIndex(['SYMBOL', 'SYMBOL', 'INT']);
    const batch1 = [
      symbols(['A', 'B'], [0, 0, 1, 0]),
      symbols(['x', 'y', 'zz'], [0, 1, 0, 0]),
      columnFromValues('INT', [1, 1, 1, 2]),
    ];
    expect(ids(index, batch1, 4)).toEqual([0, 1, 2, 3]);
    const batch2 = [
      symbols(['B', '', 'A'], [2, 0, 1, 2]),
      symbols(['y', 'x'], [0, 1, 1, 1]),
      columnFromValues('INT', [1, 1, NULL_INT32, 2]),
    ];
    expect(ids(index, batch2, 4)).toEqual([1, 2, 4, 3]);
    expect(index.keyColumns().map((c) => columnValues(c))).toEqual([
      ['A', 'A', 'B', 'A', ''],
      ['x', 'y', 'x', 'x', 'x'],
      [1, 1, 1, 2, NULL_INT32],
    ]);
  });

  it('do not confuse tuples whose parts would concatenate alike', () => {
    const text = new GroupIndex(['STRING', 'STRING']);
    const keys = [columnFromValues('STRING', ['a,', 'a']), columnFromValues('STRING', ['b', ',b'])];
    expect(ids(text, keys, 2)).toEqual([0, 1]);
    // Values 0…11 get ids 0…11 per column; (1, 11) and (11, 1) must stay two groups.
    const numbers = new GroupIndex(['INT', 'INT']);
    const counting = Array.from({ length: 12 }, (_, i) => i);
    const a = columnFromValues('INT', [...counting, 1, 11]);
    const b = columnFromValues('INT', [...counting, 11, 1]);
    expect(ids(numbers, [a, b], 14).slice(12)).toEqual([12, 13]);
  });

  it('grow past their first allocation', () => {
    const index = new GroupIndex(['INT', 'LONG']);
    const n = 1000;
    const a = columnFromValues(
      'INT',
      Array.from({ length: n }, (_, i) => i % 10),
    );
    const b = columnFromValues(
      'LONG',
      Array.from({ length: n }, (_, i) => BigInt(i % 100)),
    );
    const assigned = ids(index, [a, b], n);
    expect(index.size).toBe(100);
    expect(assigned.slice(100, 103)).toEqual([0, 1, 2]);
    const [ka, kb] = index.keyColumns().map((c) => columnValues(c));
    expect(ka?.[57]).toBe(7);
    expect(kb?.[57]).toBe(57n);
  });
});

describe('misuse', () => {
  it('asserts on the wrong number or type of key columns', () => {
    const index = new GroupIndex(['INT']);
    expect(() => index.assign([], 0)).toThrow(AssertionFailure);
    expect(() => index.assign([columnFromValues('LONG', [1n])], 1)).toThrow(AssertionFailure);
    expect(() => index.assign([columnFromValues('INT', [1])], 2)).toThrow(AssertionFailure);
  });
});
