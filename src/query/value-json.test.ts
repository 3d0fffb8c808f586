// Proves valueToJson gives programs plain JSON for every type and value kind: exact numbers or
// strings for 64-bit integers, DolphinDB text for temporals, null for nulls; goldens plus fast-check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
  NULL_TEXT,
  nullOf,
} from '../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import { columnFromValues } from '../core/types/column-ops.ts';
import { scalarValue, vectorValue } from './value.ts';
import type { Value } from './value.ts';
import { valueToJson } from './value-json.ts';

/** 2023.01.08 in days, and 09:30 of it in seconds since 1970. */
const DAY = 19365;
const SECONDS = 1673170200;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function scalar(type: ColumnType, value: CellValue): unknown {
  return valueToJson(scalarValue(type, value));
}

describe('valueToJson: scalars by type', () => {
  it('maps BOOL to booleans and small integers to numbers', () => {
    expect(scalar('BOOL', 1)).toBe(true);
    expect(scalar('BOOL', 0)).toBe(false);
    expect(scalar('CHAR', 97)).toBe(97);
    expect(scalar('SHORT', -300)).toBe(-300);
    expect(scalar('INT', 2147483647)).toBe(2147483647);
  });

  it('maps LONG to a number while safe, otherwise to its exact decimal string', () => {
    expect(scalar('LONG', 42n)).toBe(42);
    expect(scalar('LONG', SAFE)).toBe(Number.MAX_SAFE_INTEGER);
    expect(scalar('LONG', -SAFE)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(scalar('LONG', SAFE + 1n)).toBe('9007199254740992');
    expect(scalar('LONG', -SAFE - 1n)).toBe('-9007199254740992');
    expect(scalar('LONG', 9223372036854775807n)).toBe('9223372036854775807');
  });

  it('maps floats to numbers, FLOAT by its shortest decimal, NaN and infinities to null', () => {
    expect(scalar('FLOAT', Math.fround(0.1))).toBe(0.1);
    expect(scalar('DOUBLE', 10.5)).toBe(10.5);
    expect(scalar('DOUBLE', Number.NaN)).toBeNull();
    expect(scalar('FLOAT', Number.NaN)).toBeNull();
    expect(scalar('DOUBLE', Number.POSITIVE_INFINITY)).toBeNull();
    expect(scalar('DOUBLE', Number.NEGATIVE_INFINITY)).toBeNull();
  });

  it('maps temporal values to their DolphinDB text', () => {
    const ms = BigInt(SECONDS) * 1000n;
    expect(scalar('DATE', DAY)).toBe('2023.01.08');
    expect(scalar('MONTH', 2023 * 12)).toBe('2023.01M');
    expect(scalar('TIME', 34_200_000)).toBe('09:30:00.000');
    expect(scalar('MINUTE', 570)).toBe('09:30m');
    expect(scalar('SECOND', 34_200)).toBe('09:30:00');
    expect(scalar('DATETIME', SECONDS)).toBe('2023.01.08T09:30:00');
    expect(scalar('TIMESTAMP', ms)).toBe('2023.01.08T09:30:00.000');
    expect(scalar('NANOTIME', 34_200_000_000_001n)).toBe('09:30:00.000000001');
    expect(scalar('NANOTIMESTAMP', ms * 1_000_000n)).toBe('2023.01.08T09:30:00.000000000');
  });

  it('maps text to strings', () => {
    expect(scalar('SYMBOL', 'AAPL')).toBe('AAPL');
    expect(scalar('STRING', 'say "hi"')).toBe('say "hi"');
  });

  it('maps the null of every type to null', () => {
    const types: ColumnType[] = ['BOOL', 'CHAR', 'SHORT', 'INT', 'LONG', 'FLOAT', 'DOUBLE'];
    const temporal: ColumnType[] = ['DATE', 'MONTH', 'TIME', 'MINUTE', 'SECOND', 'DATETIME'];
    const more: ColumnType[] = ['TIMESTAMP', 'NANOTIME', 'NANOTIMESTAMP', 'SYMBOL', 'STRING'];
    for (const type of [...types, ...temporal, ...more]) {
      expect(scalar(type, nullOf(type)), type).toBeNull();
    }
    expect(valueToJson({ kind: 'null' })).toBeNull();
  });
});

describe('valueToJson: value kinds', () => {
  it('maps a table to row objects keyed in column order, nulls as null', () => {
    const value: Value = {
      kind: 'table',
      table: {
        names: ['sym', 'price', 'qty', 'big', 'date', 'flag'],
        columns: [
          columnFromValues('SYMBOL', ['AAPL', NULL_TEXT]),
          columnFromValues('DOUBLE', [10.5, NULL_DOUBLE]),
          columnFromValues('SHORT', [NULL_INT16, 7]),
          columnFromValues('LONG', [SAFE + 2n, NULL_INT64]),
          columnFromValues('DATE', [DAY, NULL_INT32]),
          columnFromValues('BOOL', [1, NULL_INT8]),
        ],
      },
    };
    const json = valueToJson(value);
    expect(json).toEqual([
      {
        sym: 'AAPL',
        price: 10.5,
        qty: null,
        big: '9007199254740993',
        date: '2023.01.08',
        flag: true,
      },
      { sym: null, price: null, qty: 7, big: null, date: null, flag: null },
    ]);
    expect(Object.keys((json as object[])[0] as object)).toEqual([
      'sym',
      'price',
      'qty',
      'big',
      'date',
      'flag',
    ]);
  });

  it('maps an empty table to an empty array', () => {
    const value: Value = {
      kind: 'table',
      table: { names: ['x'], columns: [columnFromValues('INT', [])] },
    };
    expect(valueToJson(value)).toEqual([]);
  });

  it('maps a vector to an array, nulls included', () => {
    expect(valueToJson(vectorValue(columnFromValues('INT', [1, NULL_INT32, 3])))).toEqual([
      1,
      null,
      3,
    ]);
    expect(valueToJson(vectorValue(columnFromValues('FLOAT', [1.5, NULL_FLOAT])))).toEqual([
      1.5,
      null,
    ]);
  });

  it('maps a pair to [a, b]', () => {
    const pair: Value = {
      kind: 'pair',
      first: { type: 'DATE', value: DAY },
      second: { type: 'DATE', value: NULL_INT32 },
    };
    expect(valueToJson(pair)).toEqual(['2023.01.08', null]);
  });

  it('maps a dictionary to an object; a __proto__ key stays an ordinary key', () => {
    const dict: Value = {
      kind: 'dictionary',
      keys: ['a', '__proto__'],
      values: [scalarValue('INT', 1), vectorValue(columnFromValues('LONG', [2n]))],
    };
    const json = valueToJson(dict) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['a', '__proto__']);
    expect(json['a']).toBe(1);
    expect(Object.getOwnPropertyDescriptor(json, '__proto__')?.value).toEqual([2]);
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
  });

  it('maps names and handles to their text, void to null', () => {
    expect(valueToJson({ kind: 'name', name: 'INT' })).toBe('INT');
    expect(valueToJson({ kind: 'database', path: 'dfs://db', scheme: null })).toBe('dfs://db');
    expect(valueToJson({ kind: 'tableHandle', database: 'dfs://db', table: 't' })).toBe(
      'dfs://db/t',
    );
    expect(valueToJson({ kind: 'void' })).toBeNull();
  });
});

describe('valueToJson: properties', () => {
  it('keeps every LONG exact: a safe number or a string that parses back to it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: NULL_INT64 + 1n, max: 2n ** 63n - 1n }), (value) => {
        const json = scalar('LONG', value);
        const inRange = value >= -SAFE && value <= SAFE;
        expect(typeof json).toBe(inRange ? 'number' : 'string');
        expect(BigInt(json as number | string)).toBe(value);
      }),
    );
  });

  it('survives JSON.stringify and JSON.parse unchanged', () => {
    const doubles = fc.oneof(fc.double(), fc.constant(NULL_DOUBLE));
    const longs = fc.bigInt({ min: NULL_INT64, max: 2n ** 63n - 1n });
    fc.assert(
      fc.property(fc.array(fc.tuple(doubles, longs, fc.string())), (rows) => {
        const value: Value = {
          kind: 'table',
          table: {
            names: ['d', 'l', 's'],
            columns: [
              columnFromValues(
                'DOUBLE',
                rows.map(([d]) => d),
              ),
              columnFromValues(
                'LONG',
                rows.map(([, l]) => l),
              ),
              columnFromValues(
                'STRING',
                rows.map(([, , s]) => s),
              ),
            ],
          },
        };
        const json = valueToJson(value);
        expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      }),
    );
  });
});
