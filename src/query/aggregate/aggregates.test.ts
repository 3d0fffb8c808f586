// Proves each aggregate's value, result type, null handling and empty-input result, through
// the public API (batches → partials → merge), with hand-computed expectations.

import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../core/errors.ts';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
} from '../../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import { columnFromValues, columnValues } from '../../core/types/column-ops.ts';
import { columnLength } from '../../core/types/column.ts';
import type { Column } from '../../core/types/column.ts';
import { aggregateResultType, isAggregateName, mergePartials, PartialAggregator } from './index.ts';
import type { AggregateName, AggregateSpec } from './index.ts';

const AT = { line: 1, column: 8 };

function spec(name: AggregateName, inputType: ColumnType | null): AggregateSpec {
  return { name, inputType, position: AT };
}

/** One global aggregate over `batches` (each its own column), one partial per batch list. */
function globalResult(
  name: AggregateName,
  type: ColumnType,
  partials: readonly (readonly (readonly CellValue[])[])[],
): { readonly type: ColumnType; readonly value: CellValue } {
  const specs = [spec(name, type)];
  const built = partials.map((batches) => {
    const aggregator = new PartialAggregator([], specs);
    for (const values of batches) {
      aggregator.add([], [columnFromValues(type, values)], values.length);
    }
    return aggregator.finishPartial();
  });
  const { keys, values } = mergePartials([], specs, built);
  expect(keys).toEqual([]);
  const column = values[0] as Column;
  expect(columnLength(column)).toBe(1);
  return { type: column.type, value: columnValues(column)[0] as CellValue };
}

/** The aggregate over `values` in one batch of one partial. */
function over(name: AggregateName, type: ColumnType, values: readonly CellValue[]): CellValue {
  return globalResult(name, type, [[values]]).value;
}

describe('names and result types', () => {
  it('knows the ten aggregates, case-sensitively', () => {
    expect(isAggregateName('nunique')).toBe(true);
    expect(isAggregateName('Sum')).toBe(false);
    expect(isAggregateName('median')).toBe(false);
  });

  it.each<readonly [AggregateName, ColumnType | null, ColumnType]>([
    ['count', null, 'LONG'],
    ['count', 'SYMBOL', 'LONG'],
    ['sum', 'BOOL', 'LONG'],
    ['sum', 'INT', 'LONG'],
    ['sum', 'LONG', 'LONG'],
    ['sum', 'FLOAT', 'DOUBLE'],
    ['sum', 'DOUBLE', 'DOUBLE'],
    ['avg', 'SHORT', 'DOUBLE'],
    ['std', 'LONG', 'DOUBLE'],
    ['var', 'FLOAT', 'DOUBLE'],
    ['min', 'SYMBOL', 'SYMBOL'],
    ['max', 'TIMESTAMP', 'TIMESTAMP'],
    ['first', 'STRING', 'STRING'],
    ['last', 'DATE', 'DATE'],
    ['nunique', 'DOUBLE', 'LONG'],
  ])('%s(%s) is %s', (name, inputType, result) => {
    expect(aggregateResultType(spec(name, inputType))).toBe(result);
  });

  it.each<readonly [AggregateName, ColumnType]>([
    ['sum', 'SYMBOL'],
    ['avg', 'STRING'],
    ['std', 'DATE'],
    ['var', 'TIMESTAMP'],
    ['sum', 'NANOTIME'],
  ])('%s(%s) is TYPE_MISMATCH at the call position', (name, inputType) => {
    const attempt = (): unknown => aggregateResultType(spec(name, inputType));
    expect(attempt).toThrow(/^line 1, column 8: .*numeric column/);
    try {
      attempt();
    } catch (error) {
      expect(isShoalError(error, 'TYPE_MISMATCH')).toBe(true);
      expect(isShoalError(error) && error.position).toEqual(AT);
    }
    expect(() => new PartialAggregator([], [spec(name, inputType)])).toThrow(/numeric column/);
  });

  it('rejects * for every aggregate but count, as INVALID_ARGUMENT', () => {
    try {
      aggregateResultType(spec('sum', null));
      expect.unreachable();
    } catch (error) {
      expect(isShoalError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toMatch(/sum\(\*\) is not defined: only count takes \*/);
    }
  });
});

describe('count', () => {
  it('count(*) counts rows, nulls included; count(x) only non-null x', () => {
    const values = [1.5, NULL_DOUBLE, NaN, 0];
    const specs = [spec('count', null), spec('count', 'DOUBLE')];
    const aggregator = new PartialAggregator([], specs);
    aggregator.add([], [null, columnFromValues('DOUBLE', values)], values.length);
    const { values: out } = mergePartials([], specs, [aggregator.finishPartial()]);
    expect(out.map((c) => columnValues(c))).toEqual([[4n], [2n]]);
  });

  it.each<readonly [ColumnType, readonly CellValue[], bigint]>([
    ['SYMBOL', ['a', '', 'b', ''], 2n],
    ['STRING', ['', 'x'], 1n],
    ['LONG', [NULL_INT64, 5n, -1n], 2n],
    ['FLOAT', [NULL_FLOAT, 1, NaN], 1n],
    ['BOOL', [0, NULL_INT8, 1], 2n],
  ])('count(%s) skips that type’s null', (type, values, expected) => {
    expect(over('count', type, values)).toBe(expected);
  });
});

describe('sum', () => {
  it('sums integers into an exact LONG, ignoring nulls', () => {
    expect(over('sum', 'INT', [1, NULL_INT32, -5, 2147483647])).toBe(2147483643n);
    expect(over('sum', 'BOOL', [1, 0, 1, NULL_INT8])).toBe(2n);
  });

  it('keeps LONG sums exact past 2^53, across halves and partials', () => {
    const big = 2n ** 60n + 12345n;
    const result = globalResult('sum', 'LONG', [[[big, -3n]], [[big, NULL_INT64], [big]]]);
    expect(result).toEqual({ type: 'LONG', value: 3n * big - 3n });
  });

  it('wraps LONG overflow modulo 2^64, as int64 addition does', () => {
    expect(over('sum', 'LONG', [2n ** 62n, 2n ** 62n, 2n ** 62n, 2n ** 62n, 7n])).toBe(7n);
  });

  it('stays exact when one batch holds more rows than a double can sum exactly', () => {
    const rows = (1 << 21) + 3;
    const values = new Int32Array(rows).fill(2147483647);
    const specs = [spec('sum', 'INT')];
    const aggregator = new PartialAggregator([], specs);
    aggregator.add([], [{ type: 'INT', data: values }], rows);
    const { values: out } = mergePartials([], specs, [aggregator.finishPartial()]);
    expect(columnValues(out[0] as Column)).toEqual([BigInt(rows) * 2147483647n]);
  });

  it('sums FLOAT and DOUBLE into a DOUBLE, NaN counting as null', () => {
    expect(globalResult('sum', 'FLOAT', [[[1.5, NULL_FLOAT, 2.25]]])).toEqual({
      type: 'DOUBLE',
      value: 3.75,
    });
    expect(over('sum', 'DOUBLE', [0.5, NaN, NULL_DOUBLE, -2])).toBe(-1.5);
  });

  it('is null, not zero, when every value is null', () => {
    expect(over('sum', 'INT', [NULL_INT32, NULL_INT32])).toBe(NULL_INT64);
    expect(over('sum', 'DOUBLE', [NaN])).toBe(NULL_DOUBLE);
    expect(globalResult('sum', 'LONG', [[[NULL_INT64]], [[0n, NULL_INT64]]]).value).toBe(0n);
  });
});

describe('avg', () => {
  it('averages any arithmetic type as a DOUBLE over non-null values', () => {
    expect(globalResult('avg', 'INT', [[[1, 2], [NULL_INT32]], [[6]]])).toEqual({
      type: 'DOUBLE',
      value: 3,
    });
    expect(over('avg', 'LONG', [10n, NULL_INT64, 20n])).toBe(15);
    expect(over('avg', 'DOUBLE', [1, NaN, 2])).toBe(1.5);
    expect(over('avg', 'SHORT', [-32767, 32767])).toBe(0);
  });

  it('is null over only nulls', () => {
    expect(over('avg', 'FLOAT', [NULL_FLOAT])).toBe(NULL_DOUBLE);
  });
});

describe('min and max', () => {
  it('skip nulls and NaN; -Infinity is a value', () => {
    const values = [NULL_DOUBLE, 3, NaN, -Infinity, 7];
    expect(over('min', 'DOUBLE', values)).toBe(-Infinity);
    expect(over('max', 'DOUBLE', values)).toBe(7);
    expect(over('max', 'INT', [NULL_INT32, -4, -9])).toBe(-4);
    expect(over('min', 'FLOAT', [NULL_FLOAT, 2.5, -1.25])).toBe(-1.25);
    expect(over('max', 'BOOL', [0, NULL_INT8, 1])).toBe(1);
  });

  it('order text by string order, across batches with different dictionaries', () => {
    const partials = [
      [['pear', '', 'apple']],
      [
        ['zebra', 'Apple'],
        ['', 'mango'],
      ],
    ];
    expect(globalResult('min', 'SYMBOL', partials)).toEqual({ type: 'SYMBOL', value: 'Apple' });
    expect(globalResult('max', 'SYMBOL', partials)).toEqual({ type: 'SYMBOL', value: 'zebra' });
    expect(globalResult('min', 'STRING', partials)).toEqual({ type: 'STRING', value: 'Apple' });
    expect(over('max', 'STRING', ['ab', 'abc', 'a'])).toBe('abc');
  });

  it('order temporal values by time and keep the type', () => {
    // DATE is days since 1970, TIMESTAMP ms since 1970, NANOTIMESTAMP ns.
    expect(globalResult('min', 'DATE', [[[19000, NULL_INT32, 18000]], [[18500]]])).toEqual({
      type: 'DATE',
      value: 18000,
    });
    const stamps = [1_700_000_000_000n, NULL_INT64, 1_600_000_000_000n];
    expect(globalResult('max', 'TIMESTAMP', [[stamps]])).toEqual({
      type: 'TIMESTAMP',
      value: 1_700_000_000_000n,
    });
    expect(over('min', 'NANOTIMESTAMP', [NULL_INT64, -5n, 2n ** 62n])).toBe(-5n);
  });

  it('are null over only nulls', () => {
    expect(over('min', 'SYMBOL', ['', ''])).toBe('');
    expect(over('max', 'LONG', [NULL_INT64])).toBe(NULL_INT64);
    expect(over('max', 'DOUBLE', [NaN])).toBe(NULL_DOUBLE);
  });
});

describe('first and last', () => {
  it('return the first and last element as is, null or not', () => {
    expect(over('first', 'INT', [NULL_INT32, 5, 6])).toBe(NULL_INT32);
    expect(over('last', 'INT', [5, 6, NULL_INT32])).toBe(NULL_INT32);
    expect(over('first', 'SYMBOL', ['', 'b'])).toBe('');
    expect(over('last', 'STRING', ['a', 'b'])).toBe('b');
  });

  it('follow batch order within a partial and the given order across partials', () => {
    const partials = [[[3n], [4n]], [], [[5n, 6n]]];
    expect(globalResult('first', 'TIMESTAMP', partials)).toEqual({ type: 'TIMESTAMP', value: 3n });
    expect(globalResult('last', 'TIMESTAMP', partials)).toEqual({ type: 'TIMESTAMP', value: 6n });
    expect(globalResult('first', 'SYMBOL', [[], [['x']], [['y']]]).value).toBe('x');
    expect(globalResult('last', 'SYMBOL', [[['x']], [['y']], [[]]]).value).toBe('y');
  });

  it('keep a first null over a later partial’s value', () => {
    expect(globalResult('first', 'DOUBLE', [[[NULL_DOUBLE]], [[1]]]).value).toBe(NULL_DOUBLE);
    expect(globalResult('last', 'DOUBLE', [[[1]], [[NULL_DOUBLE]]]).value).toBe(NULL_DOUBLE);
  });
});

describe('std and var', () => {
  const values = [2, 4, 4, 4, 5, 5, 7, 9];

  it('are the sample versions (n − 1), ignoring nulls', () => {
    expect(over('var', 'DOUBLE', [...values, NULL_DOUBLE, NaN])).toBeCloseTo(32 / 7, 12);
    expect(over('std', 'INT', [...values, NULL_INT32])).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('merge partials to the same value (Chan’s formula)', () => {
    const split = [[[2, 4], [4]], [[4, 5, 5]], [], [[7, 9]]];
    expect(globalResult('var', 'DOUBLE', split).value).toBeCloseTo(32 / 7, 12);
  });

  it('stay accurate on large values with a small spread', () => {
    const shifted = values.map((v) => 1e9 + v);
    expect(
      globalResult('var', 'DOUBLE', [[shifted.slice(0, 3)], [shifted.slice(3)]]).value,
    ).toBeCloseTo(32 / 7, 6);
  });

  it('are null for fewer than two non-null values', () => {
    expect(over('var', 'DOUBLE', [3, NULL_DOUBLE])).toBe(NULL_DOUBLE);
    expect(over('std', 'LONG', [])).toBe(NULL_DOUBLE);
    expect(over('var', 'INT', [1, 1])).toBe(0);
  });
});

describe('nunique', () => {
  it('counts distinct non-null values, across batches and partials', () => {
    expect(
      globalResult('nunique', 'SYMBOL', [
        [
          ['a', 'b', ''],
          ['b', 'c'],
        ],
        [['a', 'd']],
      ]),
    ).toEqual({
      type: 'LONG',
      value: 4n,
    });
    expect(over('nunique', 'DOUBLE', [1, 1, NaN, NULL_DOUBLE, 0, -0])).toBe(2n);
    expect(over('nunique', 'LONG', [2n ** 62n, 2n ** 62n, NULL_INT64])).toBe(1n);
    expect(over('nunique', 'INT', [NULL_INT32])).toBe(0n);
  });

  it('keeps its state as (group id, value) pairs, not one row per group', () => {
    const specs = [spec('nunique', 'STRING')];
    const aggregator = new PartialAggregator(['INT'], specs);
    const keys = [columnFromValues('INT', [7, 8, 7, 7])];
    aggregator.add(keys, [columnFromValues('STRING', ['x', 'y', 'z', 'x'])], 4);
    const partial = aggregator.finishPartial();
    const [owners, values] = partial.states[0] as readonly Column[];
    expect(owners?.type).toBe('INT');
    expect(columnValues(owners as Column)).toEqual([0, 0, 1]);
    expect(columnValues(values as Column)).toEqual(['x', 'z', 'y']);
  });
});

describe('empty input', () => {
  const cases: readonly (readonly [AggregateName, ColumnType | null, CellValue])[] = [
    ['count', null, 0n],
    ['count', 'INT', 0n],
    ['sum', 'INT', NULL_INT64],
    ['sum', 'DOUBLE', NULL_DOUBLE],
    ['avg', 'LONG', NULL_DOUBLE],
    ['min', 'SYMBOL', ''],
    ['max', 'DATE', NULL_INT32],
    ['first', 'FLOAT', NULL_FLOAT],
    ['last', 'STRING', ''],
    ['std', 'DOUBLE', NULL_DOUBLE],
    ['var', 'INT', NULL_DOUBLE],
    ['nunique', 'LONG', 0n],
  ];

  it('a global aggregation over no rows and no partials yields one row: count 0, others null', () => {
    const specs = cases.map(([name, type]) => spec(name, type));
    for (const partials of [[], [new PartialAggregator([], specs).finishPartial()]]) {
      const { keys, values } = mergePartials([], specs, partials);
      expect(keys).toEqual([]);
      expect(values.map((c) => columnValues(c))).toEqual(cases.map(([, , v]) => [v]));
      expect(values.map((c) => c.type)).toEqual(specs.map(aggregateResultType));
    }
  });

  it('a grouped aggregation over no rows yields no groups', () => {
    const specs = cases.map(([name, type]) => spec(name, type));
    const aggregator = new PartialAggregator(['SYMBOL'], specs);
    aggregator.add(
      [columnFromValues('SYMBOL', [])],
      specs.map((s) => (s.inputType === null ? null : columnFromValues(s.inputType, []))),
      0,
    );
    const { keys, values } = mergePartials(['SYMBOL'], specs, [aggregator.finishPartial()]);
    expect(keys.map(columnLength)).toEqual([0]);
    expect(values.map(columnLength)).toEqual(specs.map(() => 0));
  });
});

describe('grouped aggregation', () => {
  it('folds per group in first-seen order and merges partials by key', () => {
    const specs = [spec('sum', 'INT'), spec('avg', 'DOUBLE'), spec('count', null)];
    const first = new PartialAggregator(['SYMBOL'], specs);
    first.add(
      [columnFromValues('SYMBOL', ['B', 'A', 'B'])],
      [columnFromValues('INT', [1, 2, 3]), columnFromValues('DOUBLE', [1, 2, 3]), null],
      3,
    );
    const second = new PartialAggregator(['SYMBOL'], specs);
    second.add(
      [columnFromValues('SYMBOL', ['C', 'A'])],
      [columnFromValues('INT', [10, NULL_INT32]), columnFromValues('DOUBLE', [5, 6]), null],
      2,
    );
    const { keys, values } = mergePartials(['SYMBOL'], specs, [
      first.finishPartial(),
      second.finishPartial(),
    ]);
    expect(columnValues(keys[0] as Column)).toEqual(['B', 'A', 'C']);
    expect(values.map((c) => columnValues(c))).toEqual([
      [4n, 2n, 10n],
      [2, 4, 5],
      [2n, 2n, 1n],
    ]);
  });

  it('finishPartial is a snapshot: adding may go on', () => {
    const specs = [spec('sum', 'LONG')];
    const aggregator = new PartialAggregator([], specs);
    aggregator.add([], [columnFromValues('LONG', [1n])], 1);
    const early = aggregator.finishPartial();
    aggregator.add([], [columnFromValues('LONG', [2n])], 1);
    const late = aggregator.finishPartial();
    expect(columnValues(mergePartials([], specs, [early]).values[0] as Column)).toEqual([1n]);
    expect(columnValues(mergePartials([], specs, [late]).values[0] as Column)).toEqual([3n]);
  });

  it('emits plain state columns of the documented types', () => {
    const specs: AggregateSpec[] = [
      spec('count', null),
      spec('sum', 'INT'),
      spec('sum', 'FLOAT'),
      spec('avg', 'INT'),
      spec('min', 'SYMBOL'),
      spec('first', 'DATE'),
      spec('std', 'DOUBLE'),
      spec('nunique', 'LONG'),
    ];
    const partial = new PartialAggregator([], specs).finishPartial();
    expect(partial.states.map((columns) => columns.map((c) => c.type))).toEqual([
      ['LONG'],
      ['LONG', 'LONG'],
      ['DOUBLE', 'LONG'],
      ['DOUBLE', 'LONG'],
      ['SYMBOL'],
      ['DATE', 'BOOL'],
      ['LONG', 'DOUBLE', 'DOUBLE'],
      ['INT', 'LONG'],
    ]);
  });
});
