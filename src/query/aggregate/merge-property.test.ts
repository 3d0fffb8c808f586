// Proves that splitting rows into partials and batches never changes a result: for random rows,
// random partials (row order kept within each) and random batch cuts, mergePartials equals one
// batch of all rows and a naive per-group computation (std/var within 1e-9 relative). fast-check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NULL_DOUBLE,
  NULL_INT32,
  NULL_INT64,
  isNullValue,
  nullOf,
} from '../../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import { columnFromValues, columnValues } from '../../core/types/column-ops.ts';
import type { Column } from '../../core/types/column.ts';
import { mergePartials, PartialAggregator } from './index.ts';
import type { AggregateName, AggregateSpec, PartialAggregate } from './index.ts';

const FIELDS = {
  sym: 'SYMBOL',
  int: 'INT',
  dbl: 'DOUBLE',
  long: 'LONG',
  ts: 'TIMESTAMP',
  dkey: 'DOUBLE',
} as const satisfies Record<string, ColumnType>;
type Field = keyof typeof FIELDS;
type Row = Readonly<Record<Field, CellValue>>;

const SYMBOLS = ['IBM', 'AAPL', 'MSFT', ''];

const rowArbitrary: fc.Arbitrary<Row> = fc.record({
  sym: fc.constantFrom(...SYMBOLS),
  int: fc.constantFrom(1, 2, 3, -2147483647, 2147483647, NULL_INT32),
  // Quarters of small magnitude: every sum is exact in any order, so sums compare exactly.
  dbl: fc.oneof(
    fc.integer({ min: -400, max: 400 }).map((k) => k / 4),
    fc.constantFrom(NaN, NULL_DOUBLE, -0, 0),
  ),
  long: fc.oneof(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), fc.constant(NULL_INT64)),
  ts: fc.oneof(fc.bigInt({ min: 0n, max: 20n }), fc.constant(NULL_INT64)),
  dkey: fc.constantFrom(0.5, -0, 0, NaN, NULL_DOUBLE),
});

const KEY_SETS: readonly (readonly Field[])[] = [
  [],
  ['sym'],
  ['int'],
  ['dkey'],
  ['long'],
  ['sym', 'int'],
  ['dkey', 'sym', 'ts'],
];

const AGGREGATES: readonly (readonly [AggregateName, Field | null])[] = [
  ['count', null],
  ['count', 'sym'],
  ['count', 'dbl'],
  ['sum', 'int'],
  ['sum', 'dbl'],
  ['sum', 'long'],
  ['avg', 'dbl'],
  ['avg', 'int'],
  ['std', 'dbl'],
  ['var', 'dbl'],
  ['var', 'int'],
  ['min', 'sym'],
  ['max', 'sym'],
  ['min', 'dbl'],
  ['max', 'dbl'],
  ['max', 'long'],
  ['min', 'ts'],
  ['max', 'ts'],
  ['first', 'dbl'],
  ['last', 'dbl'],
  ['first', 'sym'],
  ['last', 'ts'],
  ['nunique', 'sym'],
  ['nunique', 'dbl'],
  ['nunique', 'long'],
];

const SPECS: readonly AggregateSpec[] = AGGREGATES.map(([name, field]) => ({
  name,
  inputType: field === null ? null : FIELDS[field],
  position: { line: 1, column: 1 },
}));

/** A batch's column of `field`; SYMBOL gets a dictionary of its own (rotated, one entry unused). */
function batchColumn(field: Field, rows: readonly Row[], batchNo: number): Column {
  const values = rows.map((row) => row[field]);
  if (FIELDS[field] !== 'SYMBOL') return columnFromValues(FIELDS[field], values);
  const domain = [...SYMBOLS, 'unused'];
  const dictionary = domain.map((_, i) => domain[(i + batchNo) % domain.length] as string);
  const codes = Int32Array.from(values, (v) => dictionary.indexOf(v as string));
  return { type: 'SYMBOL', data: { codes, dictionary } };
}

function partialOf(keys: readonly Field[], batches: readonly (readonly Row[])[]): PartialAggregate {
  const aggregator = new PartialAggregator(
    keys.map((k) => FIELDS[k]),
    SPECS,
  );
  batches.forEach((rows, batchNo) => {
    const inputs = AGGREGATES.map(([, f]) => (f === null ? null : batchColumn(f, rows, batchNo)));
    aggregator.add(
      keys.map((k) => batchColumn(k, rows, batchNo)),
      inputs,
      rows.length,
    );
  });
  return aggregator.finishPartial();
}

interface Result {
  readonly keys: readonly (readonly CellValue[])[];
  readonly values: readonly (readonly CellValue[])[];
}

function aggregate(
  keys: readonly Field[],
  partials: readonly (readonly (readonly Row[])[])[],
): Result {
  const merged = mergePartials(
    keys.map((k) => FIELDS[k]),
    SPECS,
    partials.map((batches) => partialOf(keys, batches)),
  );
  return { keys: merged.keys.map(columnValues), values: merged.values.map(columnValues) };
}

// ---- the naive reference: group rows by normalised key, then compute each aggregate directly.

function isNull(type: ColumnType, value: CellValue): boolean {
  return isNullValue(type, value) || (typeof value === 'number' && Number.isNaN(value));
}

function naive(keys: readonly Field[], rows: readonly Row[]): Result {
  const groups = new Map<string, { keys: CellValue[]; rows: Row[] }>();
  if (keys.length === 0) groups.set('', { keys: [], rows: [] });
  for (const row of rows) {
    // NaN is the DOUBLE null; −0 is the key 0.
    const cells = keys.map((k) =>
      isNull(FIELDS[k], row[k]) ? nullOf(FIELDS[k]) : row[k] === 0 ? 0 : row[k],
    );
    const id = cells.map((c) => `${typeof c}:${String(c)}`).join('|');
    let group = groups.get(id);
    if (group === undefined) groups.set(id, (group = { keys: cells, rows: [] }));
    group.rows.push(row);
  }
  const list = [...groups.values()];
  return {
    keys: keys.map((_, k) => list.map((g) => g.keys[k] as CellValue)),
    values: AGGREGATES.map(([name, field]) =>
      list.map((g) =>
        field === null
          ? BigInt(g.rows.length)
          : naiveValue(
              name,
              FIELDS[field],
              g.rows.map((r) => r[field]),
            ),
      ),
    ),
  };
}

function naiveValue(name: AggregateName, type: ColumnType, all: readonly CellValue[]): CellValue {
  const values = all.filter((v) => !isNull(type, v));
  const numbers = values.map(Number);
  const total = numbers.reduce((s, v) => s + v, 0);
  const mean = total / numbers.length;
  const variance = numbers.reduce((s, v) => s + (v - mean) ** 2, 0) / (numbers.length - 1);
  switch (name) {
    case 'count':
      return BigInt(values.length);
    case 'sum':
      if (values.length === 0) return type === 'DOUBLE' ? NULL_DOUBLE : NULL_INT64;
      if (type === 'DOUBLE') return total;
      return BigInt.asIntN(
        64,
        values.reduce<bigint>((s, v) => s + BigInt(v), 0n),
      );
    case 'avg':
      return values.length === 0 ? NULL_DOUBLE : mean;
    case 'std':
    case 'var':
      if (values.length < 2) return NULL_DOUBLE;
      return name === 'std' ? Math.sqrt(variance) : variance;
    case 'min':
    case 'max': {
      let best = nullOf(type);
      for (const v of values) {
        if (best === nullOf(type) || (name === 'min' ? v < best : v > best)) best = v;
      }
      return best;
    }
    case 'first':
      return all.length === 0 ? nullOf(type) : (all[0] as CellValue);
    case 'last':
      return all.length === 0 ? nullOf(type) : (all[all.length - 1] as CellValue);
    case 'nunique':
      return BigInt(new Set(values).size);
  }
}

function expectSame(actual: Result, expected: Result): void {
  expect(actual.keys.length).toBe(expected.keys.length);
  actual.keys.forEach((column, k) => expectCells(column, expected.keys[k] ?? [], false));
  AGGREGATES.forEach(([name], a) => {
    const approximate = name === 'std' || name === 'var';
    expectCells(actual.values[a] ?? [], expected.values[a] ?? [], approximate, name);
  });
}

function expectCells(
  actual: readonly CellValue[],
  expected: readonly CellValue[],
  approximate: boolean,
  what = 'key',
): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] as CellValue;
    if (Object.is(a, e)) return;
    if (approximate && typeof a === 'number' && typeof e === 'number') {
      expect(Math.abs(a - e), `${what} row ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(
        1e-9 * Math.max(Math.abs(a), Math.abs(e)),
      );
      return;
    }
    expect.fail(`${what} row ${i}: ${String(a)} (${typeof a}) is not ${String(e)} (${typeof e})`);
  });
}

describe('partials and batches', () => {
  it('merge to the result of all rows at once, and of a naive computation', () => {
    const placed = fc.array(fc.tuple(rowArbitrary, fc.nat(3), fc.boolean()), { maxLength: 80 });
    fc.assert(
      fc.property(fc.constantFrom(...KEY_SETS), placed, (keys, rows) => {
        // Partial p holds its rows in input order; a true flag starts a new batch there.
        const partials = [0, 1, 2, 3].map((p) => {
          const batches: Row[][] = [];
          for (const [row, partial, cut] of rows) {
            if (partial !== p) continue;
            if (cut || batches.length === 0) batches.push([]);
            batches[batches.length - 1]?.push(row);
          }
          return batches;
        });
        const inOrder = partials.flat(2);
        const split = aggregate(keys, partials);
        expectSame(split, aggregate(keys, [[inOrder]]));
        expectSame(split, naive(keys, inOrder));
      }),
      { numRuns: 300 },
    );
  });
});
