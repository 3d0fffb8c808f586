// Proves Arrow tables become Shoal columns: any Shoal table survives toArrowTable, Arrow IPC and
// columnsFromArrow bit-exact (fast-check over every type); plain Arrow types map as documented
// with Arrow nulls as sentinels; dictionaries of any index width and several record batches
// decode; a slice of a table gives exactly its rows; unsupported types and mismatched metadata
// are INVALID_ARGUMENT.

import {
  Bool,
  Dictionary,
  Field,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  LargeUtf8,
  Schema,
  Table as ArrowTable,
  Uint32,
  Utf8,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import type { DataType } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
} from '../core/types/column-type.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import type { Column } from '../core/types/column.ts';
import { ALL_TYPES, cellArbitrary, expectSameColumn } from '../net/net-test-support.ts';
import { columnsFromArrow, toArrowTable } from './arrow-columns.ts';

function refused(table: ArrowTable, text: string): void {
  let error: unknown = null;
  try {
    columnsFromArrow(table);
  } catch (e) {
    error = e;
  }
  expect(isShoalError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
  expect((error as Error).message).toContain(text);
}

function plain(name: string, values: readonly unknown[], type: DataType): ArrowTable {
  return new ArrowTable({ [name]: vectorFromArray(values as unknown[], type) });
}

const tableArbitrary = fc.integer({ min: 0, max: 30 }).chain((rows) =>
  fc.array(
    fc
      .constantFrom(...ALL_TYPES)
      .chain((type) =>
        fc
          .array(cellArbitrary(type), { minLength: rows, maxLength: rows })
          .map((cells) => columnFromValues(type, cells)),
      ),
    { minLength: 1, maxLength: 4 },
  ),
);

describe('Arrow tables to Shoal columns', () => {
  it('round-trips every Shoal table through toArrowTable, IPC and columnsFromArrow', () => {
    fc.assert(
      fc.property(tableArbitrary, (columns) => {
        const names = columns.map((_, i) => `col${i}`);
        const arrow = tableFromIPC(tableToIPC(toArrowTable({ names, columns })));
        const back = columnsFromArrow(arrow);
        expect(back.map((c) => c.name)).toEqual(names);
        back.forEach((c, i) => expectSameColumn(c.column, columns[i] as Column));
      }),
      { numRuns: 200 },
    );
  });

  it('takes exactly the rows of a slice of a table', () => {
    const sliced = tableArbitrary.chain((columns) => {
      const rows = columnValues(columns[0] as Column).length;
      return fc.tuple(
        fc.constant(columns),
        fc.integer({ min: 0, max: rows }),
        fc.integer({ min: 0, max: rows }),
      );
    });
    fc.assert(
      fc.property(sliced, ([columns, a, b]) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const names = columns.map((_, i) => `col${i}`);
        const back = columnsFromArrow(toArrowTable({ names, columns }).slice(from, to));
        back.forEach(({ column }, i) => {
          const whole = columns[i] as Column;
          expect(column.type).toBe(whole.type);
          expect(columnValues(column)).toEqual(columnValues(whole).slice(from, to));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('takes the rows and nulls of a slice of plain Arrow columns', () => {
    const table = new ArrowTable({
      i: vectorFromArray([1, null, 3, 4, null], new Int32()),
      t: vectorFromArray(['a', 'b', null, 'd', 'e'], new Utf8()),
      y: vectorFromArray(['x', 'y', 'z', null, 'x'], new Dictionary(new Utf8(), new Int32())),
    }).slice(1, 4);
    expect(columnsFromArrow(table).map((c) => columnValues(c.column))).toEqual([
      [NULL_INT32, 3, 4],
      ['b', '', 'd'],
      ['y', 'z', ''],
    ]);
  });

  it('maps plain Arrow types to Shoal types, Arrow nulls to null sentinels', () => {
    const table = new ArrowTable({
      c: vectorFromArray([1, null], new Int8()),
      s: vectorFromArray([2, null], new Int16()),
      i: vectorFromArray([3, null], new Int32()),
      l: vectorFromArray([4n, null], new Int64()),
      f: vectorFromArray([0.5, null], new Float32()),
      d: vectorFromArray([1.25, null], new Float64()),
      b: vectorFromArray([true, null], new Bool()),
      t: vectorFromArray(['x', null], new Utf8()),
      y: vectorFromArray(['IBM', null], new Dictionary(new Utf8(), new Int32())),
    });
    const columns = columnsFromArrow(table);
    expect(columns.map((c) => [c.name, c.column.type])).toEqual([
      ['c', 'CHAR'],
      ['s', 'SHORT'],
      ['i', 'INT'],
      ['l', 'LONG'],
      ['f', 'FLOAT'],
      ['d', 'DOUBLE'],
      ['b', 'BOOL'],
      ['t', 'STRING'],
      ['y', 'SYMBOL'],
    ]);
    expect(columns.map((c) => columnValues(c.column))).toEqual([
      [1, NULL_INT8],
      [2, NULL_INT16],
      [3, NULL_INT32],
      [4n, NULL_INT64],
      [0.5, NULL_FLOAT],
      [1.25, NULL_DOUBLE],
      [1, NULL_INT8],
      ['x', ''],
      ['IBM', ''],
    ]);
  });

  it('decodes dictionaries of any index width, and several record batches as one column', () => {
    for (const index of [new Int8(), new Int16(), new Int32(), new Uint32()]) {
      const table = plain('y', ['b', 'a', 'b', 'c'], new Dictionary(new Utf8(), index));
      expect(columnValues((columnsFromArrow(table)[0] as { column: Column }).column)).toEqual([
        'b',
        'a',
        'b',
        'c',
      ]);
    }
    const batches = plain('y', ['p', 'q'], new Dictionary(new Utf8(), new Int32())).concat(
      plain('y', ['r', 'p'], new Dictionary(new Utf8(), new Int32())),
    );
    expect(batches.batches).toHaveLength(2);
    const [column] = columnsFromArrow(batches);
    expect(column?.column.type).toBe('SYMBOL');
    expect(columnValues(column?.column as Column)).toEqual(['p', 'q', 'r', 'p']);
  });

  it('takes a declared shoal.type over an Arrow type of the same form', () => {
    const data = vectorFromArray([19359, 19360], new Int32());
    const field = new Field('d', new Int32(), false, new Map([['shoal.type', 'DATE']]));
    const [column] = columnsFromArrow(new ArrowTable(new Schema([field]), { d: data }));
    expect(column?.column.type).toBe('DATE');
    const wrong = new Field('d', new Float64(), false, new Map([['shoal.type', 'DATE']]));
    const doubles = vectorFromArray([1.5], new Float64());
    refused(new ArrowTable(new Schema([wrong]), { d: doubles }), 'shoal.type=DATE');
  });

  it('refuses Arrow types Shoal does not have, naming the column', () => {
    refused(plain('u', [1], new Uint32()), 'Arrow column u');
    refused(plain('h', [1], new Float16()), 'Arrow column h');
    refused(plain('w', ['x'], new LargeUtf8()), 'Arrow column w');
  });
});
