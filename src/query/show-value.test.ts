// Proves showValue prints every value kind in DolphinDB's console style: aligned tables with
// nulls as blank cells and a truncation line, vectors, pairs, dictionaries; goldens plus fast-check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionFailure } from '../core/assert.ts';
import {
  NULL_DOUBLE,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
  NULL_TEXT,
} from '../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { columnFromValues } from '../core/types/column-ops.ts';
import { formatValue } from '../core/types/format.ts';
import { DEFAULT_MAX_SHOWN_ROWS, showValue } from './show-value.ts';
import { scalarValue, vectorValue } from './value.ts';
import type { Value } from './value.ts';

/** 2023.01.08 in days since 1970.01.01. */
const DAY = 19365;

function table(columns: Readonly<Record<string, Column>>): Value {
  return { kind: 'table', table: { names: Object.keys(columns), columns: Object.values(columns) } };
}

function vector(type: ColumnType, values: readonly CellValue[]): Value {
  return vectorValue(columnFromValues(type, values));
}

function ints(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** sym, price, qty, date, flag: mixed types, a null in every column. */
const MIXED = table({
  sym: columnFromValues('SYMBOL', ['AAPL', 'IBM', NULL_TEXT]),
  price: columnFromValues('DOUBLE', [10.5, NULL_DOUBLE, 3]),
  qty: columnFromValues('INT', [100, 2000, NULL_INT32]),
  date: columnFromValues('DATE', [DAY, DAY + 1, NULL_INT32]),
  flag: columnFromValues('BOOL', [1, 0, NULL_INT8]),
});

describe('showValue: tables', () => {
  it('aligns columns to their widest cell or name, nulls blank, trailing spaces trimmed', () => {
    expect(showValue(MIXED)).toBe(
      [
        'sym  price qty  date       flag',
        '---- ----- ---- ---------- -----',
        'AAPL 10.5  100  2023.01.08 true',
        'IBM        2000 2023.01.09 false',
        '     3',
      ].join('\n'),
    );
  });

  it('prints temporal and text cells as DolphinDB literals without quotes', () => {
    const ts = BigInt(DAY) * 86_400_000n + 34_200_000n;
    const value = table({
      ts: columnFromValues('TIMESTAMP', [ts, NULL_INT64]),
      note: columnFromValues('STRING', ['say "hi"', 'x']),
    });
    expect(showValue(value)).toBe(
      [
        'ts                      note',
        '----------------------- --------',
        '2023.01.08T09:30:00.000 say "hi"',
        '                        x',
      ].join('\n'),
    );
  });

  it('prints the first maxRows rows, then how many there were', () => {
    const value = table({ n: columnFromValues('INT', ints(5)) });
    expect(showValue(value, { maxRows: 2 })).toBe(
      ['n', '-', '0', '1', '[5 rows, showing the first 2]'].join('\n'),
    );
  });

  it('prints no footer when the rows fit exactly', () => {
    const value = table({ n: columnFromValues('INT', ints(3)) });
    expect(showValue(value, { maxRows: 3 })).toBe(['n', '-', '0', '1', '2'].join('\n'));
  });

  it('shows at most 50 rows by default, and sizes columns by the rows shown', () => {
    const values = ints(60).map((i) => (i < 50 ? 7 : 123456789));
    const lines = showValue(table({ n: columnFromValues('INT', values) })).split('\n');
    expect(DEFAULT_MAX_SHOWN_ROWS).toBe(50);
    expect(lines).toHaveLength(2 + 50 + 1);
    expect(lines[1]).toBe('-');
    expect(lines.at(-1)).toBe('[60 rows, showing the first 50]');
  });

  it('prints an empty table as header, dashes and [0 rows]', () => {
    const value = table({
      sym: columnFromValues('SYMBOL', []),
      price: columnFromValues('DOUBLE', []),
    });
    expect(showValue(value)).toBe(['sym price', '--- -----', '[0 rows]'].join('\n'));
  });

  it('rejects a maxRows that is not a whole number as a caller bug', () => {
    expect(() => showValue(MIXED, { maxRows: -1 })).toThrow(AssertionFailure);
    expect(() => showValue(MIXED, { maxRows: 1.5 })).toThrow(AssertionFailure);
  });

  it('keeps every cell under its column name (property)', () => {
    const cellText = fc.stringMatching(/^[A-Za-z0-9]{0,12}$/);
    const shape = fc.record({
      rows: fc.integer({ min: 0, max: 30 }),
      maxRows: fc.integer({ min: 0, max: 40 }),
      widths: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 5 }),
    });
    fc.assert(
      fc.property(
        shape,
        fc.infiniteStream(cellText),
        fc.infiniteStream(fc.integer()),
        (s, texts, numbers) => {
          const names = s.widths.map((width, c) => `c${c}`.padEnd(width, 'x'));
          const columns = names.map((_, c) =>
            c % 2 === 0
              ? columnFromValues('STRING', [...texts.take(s.rows)])
              : columnFromValues('INT', [...numbers.take(s.rows)]),
          );
          const lines = showValue(
            { kind: 'table', table: { names, columns } },
            { maxRows: s.maxRows },
          ).split('\n');
          const shown = Math.min(s.rows, s.maxRows);
          const footer = s.rows === 0 || s.rows > s.maxRows ? 1 : 0;
          expect(lines).toHaveLength(2 + shown + footer);
          const dashes = (lines[1] as string).split(' ');
          const starts = dashes.map(
            (_, c) => dashes.slice(0, c).join(' ').length + (c > 0 ? 1 : 0),
          );
          for (let row = 0; row < shown; row++) {
            const line = lines[row + 2] as string;
            expect(line).toBe(line.trimEnd());
            columns.forEach((column, c) => {
              const start = starts[c] as number;
              const end = start + (dashes[c] as string).length;
              const cell =
                column.type === 'STRING'
                  ? column.data[row]
                  : formatValue(column.type, (column.data as Int32Array)[row] as number);
              expect(line.slice(start, end).trimEnd()).toBe(cell);
              expect(line.charAt(end)).toMatch(/^ ?$/);
            });
          }
        },
      ),
    );
  });
});

describe('showValue: vectors', () => {
  it('prints numbers comma-separated with nulls as empty elements', () => {
    expect(showValue(vector('INT', [1, NULL_INT32, 3]))).toBe('[1,,3]');
    expect(showValue(vector('DOUBLE', [1.5, NULL_DOUBLE]))).toBe('[1.5,]');
    expect(showValue(vector('LONG', [NULL_INT64]))).toBe('[]');
    expect(showValue(vector('INT', []))).toBe('[]');
  });

  it('quotes STRING and SYMBOL elements, escaping quotes; the empty (null) text shows as ""', () => {
    expect(showValue(vector('SYMBOL', ['AAPL', 'IBM']))).toBe('["AAPL","IBM"]');
    expect(showValue(vector('STRING', ['a,b', 'say "hi"', NULL_TEXT]))).toBe(
      '["a,b","say \\"hi\\"",""]',
    );
  });

  it('prints temporal, BOOL and CHAR elements as their literals', () => {
    expect(showValue(vector('DATE', [DAY, DAY + 1]))).toBe('[2023.01.08,2023.01.09]');
    expect(showValue(vector('MONTH', [2023 * 12]))).toBe('[2023.01M]');
    expect(showValue(vector('BOOL', [1, 0, NULL_INT8]))).toBe('[true,false,]');
    expect(showValue(vector('CHAR', [97, 98]))).toBe("['a','b']");
  });

  it('prints the first 100 elements of a longer vector, then ...', () => {
    const first100 = ints(100).join(',');
    expect(showValue(vector('INT', ints(100)))).toBe(`[${first100}]`);
    expect(showValue(vector('INT', ints(101)))).toBe(`[${first100},...]`);
    expect(showValue(vector('INT', ints(100_000)))).toBe(`[${first100},...]`);
  });
});

describe('showValue: other kinds', () => {
  it('prints scalars with formatValue, text unquoted, and nulls as the empty string', () => {
    expect(showValue(scalarValue('INT', 42))).toBe('42');
    expect(showValue(scalarValue('FLOAT', Math.fround(0.1)))).toBe('0.1');
    expect(showValue(scalarValue('STRING', 'AAPL'))).toBe('AAPL');
    expect(showValue(scalarValue('DATETIME', 1673170200))).toBe('2023.01.08T09:30:00');
    expect(showValue(scalarValue('INT', NULL_INT32))).toBe('');
    expect(showValue({ kind: 'null' })).toBe('');
  });

  it('prints a pair as `a : b`', () => {
    const pair: Value = {
      kind: 'pair',
      first: { type: 'INT', value: 1 },
      second: { type: 'INT', value: 3 },
    };
    expect(showValue(pair)).toBe('1 : 3');
    const dates: Value = {
      kind: 'pair',
      first: { type: 'DATE', value: DAY },
      second: { type: 'DATE', value: DAY + 7 },
    };
    expect(showValue(dates)).toBe('2023.01.08 : 2023.01.15');
  });

  it('prints a dictionary as one key->value line per entry', () => {
    const dict: Value = {
      kind: 'dictionary',
      keys: ['a', 'b', 'c'],
      values: [scalarValue('INT', 1), vector('INT', [1, 2]), scalarValue('STRING', 'x')],
    };
    expect(showValue(dict)).toBe('a->1\nb->[1,2]\nc->x');
    expect(showValue({ kind: 'dictionary', keys: [], values: [] })).toBe('');
  });

  it('prints names, handles and void', () => {
    expect(showValue({ kind: 'name', name: 'VALUE' })).toBe('VALUE');
    expect(showValue({ kind: 'database', path: 'dfs://db', scheme: null })).toBe('dfs://db');
    expect(showValue({ kind: 'tableHandle', database: 'dfs://db', table: 't' })).toBe('dfs://db/t');
    expect(showValue({ kind: 'void' })).toBe('');
  });
});
