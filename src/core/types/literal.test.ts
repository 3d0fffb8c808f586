// Proves parseLiteral reads every DolphinDB literal form and rejects bad ones as INVALID_LITERAL,
// and that formatLiteral/formatValue print what DolphinDB does: golden tables plus fast-check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShoalError } from '../errors.ts';
import {
  COLUMN_TYPES,
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
  nullOf,
} from './column-type.ts';
import type { CellValue, ColumnType } from './column-type.ts';
import { formatLiteral, formatValue } from './format.ts';
import { MAX_VECTOR_LENGTH, parseLiteral } from './literal.ts';
import type { Literal } from './literal.ts';

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 per JS Date: an oracle independent of calendar.ts. */
function utcDays(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / MS_PER_DAY);
}

function scalar(type: ColumnType, value: CellValue): Literal {
  return { kind: 'scalar', scalar: { type, value } };
}

/** Asserts that parsing `text` fails with INVALID_LITERAL at `position`, message naming both. */
function expectInvalid(text: string, position: number, fragment: string): void {
  let caught: unknown;
  try {
    parseLiteral(text);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ShoalError);
  const error = caught as ShoalError;
  expect(error.kind).toBe('INVALID_LITERAL');
  expect(error.code).toBe('S00101');
  expect(error.message).toContain(JSON.stringify(text));
  expect(error.message).toContain(`at position ${position}:`);
  expect(error.message).toContain('expected');
  expect(error.message).toContain(fragment);
}

const DAY_2023_01_08 = utcDays(2023, 1, 8);
const NINE_THIRTY_S = 9 * 3600 + 30 * 60;

describe('parseLiteral scalars', () => {
  const cases: readonly (readonly [string, ColumnType, CellValue])[] = [
    ['2023.01.08', 'DATE', DAY_2023_01_08],
    ['1969.12.31', 'DATE', -1],
    ['0001.01.01', 'DATE', -719162],
    ['2024.02.29', 'DATE', utcDays(2024, 2, 29)],
    ['2023.01M', 'MONTH', 2023 * 12],
    ['2023.12M', 'MONTH', 2023 * 12 + 11],
    ['09:30:00.123', 'TIME', NINE_THIRTY_S * 1000 + 123],
    ['09:30:00.1', 'TIME', NINE_THIRTY_S * 1000 + 100],
    ['09:30:00', 'SECOND', NINE_THIRTY_S],
    ['09:30m', 'MINUTE', 570],
    ['23:59m', 'MINUTE', 1439],
    ['09:30:00.123456789', 'NANOTIME', BigInt(NINE_THIRTY_S) * 1_000_000_000n + 123_456_789n],
    ['09:30:00.1234', 'NANOTIME', BigInt(NINE_THIRTY_S) * 1_000_000_000n + 123_400_000n],
    ['2023.01.08T09:30:00', 'DATETIME', DAY_2023_01_08 * 86400 + NINE_THIRTY_S],
    ['2023.01.08 09:30:00', 'DATETIME', DAY_2023_01_08 * 86400 + NINE_THIRTY_S],
    ['1969.12.31T23:59:59', 'DATETIME', -1],
    ['2023.01.08T09:30:00.123', 'TIMESTAMP', BigInt(Date.UTC(2023, 0, 8, 9, 30, 0, 123))],
    ['1969.12.31T23:59:59.999', 'TIMESTAMP', -1n],
    [
      '2023.01.08T09:30:00.123456789',
      'NANOTIMESTAMP',
      BigInt(Date.UTC(2023, 0, 8, 9, 30)) * 1_000_000n + 123_456_789n,
    ],
    ['1970.01.01T00:00:00.00001', 'NANOTIMESTAMP', 10_000n],
    ['42', 'INT', 42],
    ['-7', 'INT', -7],
    ['007', 'INT', 7],
    ['2147483647', 'INT', 2147483647],
    ['2147483648', 'LONG', 2147483648n],
    ['-2147483648', 'LONG', -2147483648n],
    ['42l', 'LONG', 42n],
    ['-9223372036854775807l', 'LONG', -9223372036854775807n],
    ['5h', 'SHORT', 5],
    ['-32767h', 'SHORT', -32767],
    ['97c', 'CHAR', 97],
    ["'a'", 'CHAR', 97],
    ["'\\n'", 'CHAR', 10],
    ["'\\''", 'CHAR', 39],
    ['1.5', 'DOUBLE', 1.5],
    ['1e3', 'DOUBLE', 1000],
    ['-0.25', 'DOUBLE', -0.25],
    ['.5', 'DOUBLE', 0.5],
    ['1.', 'DOUBLE', 1],
    ['2.5E-3', 'DOUBLE', 0.0025],
    ['1.5f', 'FLOAT', 1.5],
    ['0.1f', 'FLOAT', Math.fround(0.1)],
    ['3f', 'FLOAT', 3],
    ['true', 'BOOL', 1],
    ['false', 'BOOL', 0],
    ['`sym', 'SYMBOL', 'sym'],
    ['`a.b_C9', 'SYMBOL', 'a.b_C9'],
    ['`', 'SYMBOL', ''],
    ['"str"', 'STRING', 'str'],
    ["'str'", 'STRING', 'str'],
    ["''", 'STRING', ''],
    ["'é'", 'STRING', 'é'],
    ['""', 'STRING', ''],
    ['"a\\"b\\\\c\\nd\\te"', 'STRING', 'a"b\\c\nd\te'],
    ["'it\\'s'", 'STRING', "it's"],
    ['"a:b..c"', 'STRING', 'a:b..c'],
    ['  42\t\n', 'INT', 42],
  ];
  it.each(cases)('%j is %s %s', (text, type, value) => {
    expect(parseLiteral(text)).toEqual(scalar(type, value));
  });
});

describe('parseLiteral nulls', () => {
  it('reads bare NULL as the untyped null', () => {
    expect(parseLiteral('NULL')).toEqual({ kind: 'null' });
    expect(parseLiteral(' NULL ')).toEqual({ kind: 'null' });
  });

  const cases: readonly (readonly [string, ColumnType, CellValue])[] = [
    ['00i', 'INT', NULL_INT32],
    ['00l', 'LONG', NULL_INT64],
    ['00h', 'SHORT', NULL_INT16],
    ['00f', 'FLOAT', NULL_FLOAT],
    ['00F', 'DOUBLE', NULL_DOUBLE],
    ['00d', 'DATE', NULL_INT32],
    ['00M', 'MONTH', NULL_INT32],
    ['00t', 'TIME', NULL_INT32],
    ['00m', 'MINUTE', NULL_INT32],
    ['00s', 'SECOND', NULL_INT32],
    ['00D', 'DATETIME', NULL_INT32],
    ['00T', 'TIMESTAMP', NULL_INT64],
    ['00n', 'NANOTIME', NULL_INT64],
    ['00N', 'NANOTIMESTAMP', NULL_INT64],
    ['00b', 'BOOL', NULL_INT8],
    ['00c', 'CHAR', NULL_INT8],
  ];
  it.each(cases)('%s is the null %s', (text, type, value) => {
    expect(parseLiteral(text)).toEqual(scalar(type, value));
  });
});

describe('parseLiteral vectors and pairs', () => {
  it('reads an integer range inclusively', () => {
    const literal = parseLiteral('0..4999');
    expect(literal.kind === 'vector' && literal.type).toBe('INT');
    const values = literal.kind === 'vector' ? literal.values : [];
    expect(values).toHaveLength(5000);
    expect(values[0]).toBe(0);
    expect(values[4999]).toBe(4999);
  });

  it('reads a reverse range as descending', () => {
    expect(parseLiteral('3..-1')).toEqual({
      kind: 'vector',
      type: 'INT',
      values: [3, 2, 1, 0, -1],
    });
    expect(parseLiteral('2l..1l')).toEqual({ kind: 'vector', type: 'LONG', values: [2n, 1n] });
    expect(parseLiteral('5..5')).toEqual({ kind: 'vector', type: 'INT', values: [5] });
  });

  it('reads a DATE range of a whole year', () => {
    const literal = parseLiteral('2023.01.01..2023.12.31');
    const first = utcDays(2023, 1, 1);
    expect(literal).toEqual({
      kind: 'vector',
      type: 'DATE',
      values: Array.from({ length: 365 }, (_, i) => first + i),
    });
  });

  it('reads MONTH, MINUTE and TIMESTAMP ranges by one unit', () => {
    const months = Array.from({ length: 12 }, (_, i) => 2023 * 12 + i);
    expect(parseLiteral('2023.01M..2023.12M')).toEqual({
      kind: 'vector',
      type: 'MONTH',
      values: months,
    });
    expect(parseLiteral('09:30m..09:32m')).toEqual({
      kind: 'vector',
      type: 'MINUTE',
      values: [570, 571, 572],
    });
    const ms = BigInt(Date.UTC(2023, 0, 8, 9, 30));
    expect(parseLiteral('2023.01.08T09:30:00.000..2023.01.08T09:30:00.002')).toEqual({
      kind: 'vector',
      type: 'TIMESTAMP',
      values: [ms, ms + 1n, ms + 2n],
    });
  });

  it('allows exactly MAX_VECTOR_LENGTH elements', () => {
    const literal = parseLiteral(`1..${MAX_VECTOR_LENGTH}`);
    expect(literal.kind === 'vector' && literal.values.length).toBe(MAX_VECTOR_LENGTH);
  });

  it('reads symbol vectors', () => {
    expect(parseLiteral('`a`b`c')).toEqual({
      kind: 'vector',
      type: 'SYMBOL',
      values: ['a', 'b', 'c'],
    });
    expect(parseLiteral('`a..`b')).toEqual({
      kind: 'vector',
      type: 'SYMBOL',
      values: ['a..', 'b'],
    });
    expect(parseLiteral('`x``y')).toEqual({
      kind: 'vector',
      type: 'SYMBOL',
      values: ['x', '', 'y'],
    });
  });

  it('reads pairs of one type', () => {
    expect(parseLiteral('1:0')).toEqual({
      kind: 'pair',
      first: { type: 'INT', value: 1 },
      second: { type: 'INT', value: 0 },
    });
    expect(parseLiteral('2023.01.01:2023.02.01')).toEqual({
      kind: 'pair',
      first: { type: 'DATE', value: utcDays(2023, 1, 1) },
      second: { type: 'DATE', value: utcDays(2023, 2, 1) },
    });
    expect(parseLiteral('09:30:00:10:00:00')).toEqual({
      kind: 'pair',
      first: { type: 'SECOND', value: NINE_THIRTY_S },
      second: { type: 'SECOND', value: 36000 },
    });
    expect(parseLiteral('00i:5')).toEqual({
      kind: 'pair',
      first: { type: 'INT', value: NULL_INT32 },
      second: { type: 'INT', value: 5 },
    });
  });
});

describe('parseLiteral errors', () => {
  const cases: readonly (readonly [string, number, string])[] = [
    ['', 0, 'the text is empty'],
    ['   ', 0, 'the text is empty'],
    ['@', 0, 'unexpected "@"'],
    ['null', 0, 'unexpected "n"'],
    ['42x', 2, 'unexpected "x"'],
    [' 42 x', 3, 'unexpected " "'],
    ['2023.13.01', 5, 'month 13 is out of range'],
    ['2023.00.01', 5, 'month 0 is out of range'],
    ['2023.02.29', 8, 'day 29 is out of range; expected a day from 1 to 28'],
    ['2023.04.31', 8, 'day 31 is out of range'],
    ['2023.00M', 5, 'month 0 is out of range'],
    ['2023.1M', 6, 'unexpected "M"'],
    ['24:00:00', 0, 'hour 24 is out of range'],
    ['09:60m', 3, 'minute 60 is out of range'],
    ['09:30:60', 6, 'second 60 is out of range'],
    ['09:30:00.1234567890', 9, 'at most 9 fractional digits'],
    ['2023.01.08T25:00:00', 11, 'hour 25 is out of range'],
    ['2023.01.08T09:30:00.1234567890', 20, 'at most 9 fractional digits'],
    ['2023.01.08T', 10, 'unexpected "T"'],
    ['1901.12.13T20:45:52', 0, 'outside the DATETIME range'],
    ['2262.04.11T23:47:16.854775808', 0, 'outside the NANOTIMESTAMP range'],
    ['1.5l', 0, 'has a fraction or exponent'],
    ['1e3h', 0, 'has a fraction or exponent'],
    ['128c', 0, '128 is out of range for CHAR'],
    ['32768h', 0, '32768 is out of range for SHORT'],
    ['9223372036854775808', 0, 'out of range for LONG'],
    ['-9223372036854775808l', 0, 'out of range for LONG'],
    ['1e400', 0, 'the value overflows DOUBLE'],
    ['1e39f', 0, 'the value overflows FLOAT'],
    ['1e', 1, 'unexpected "e"'],
    ['"abc', 0, 'the quoted text is not closed'],
    ['\'abc"', 0, "expected a closing '"],
    ['"a\\qb"', 2, 'unknown escape'],
    ['"a"b', 3, 'unexpected "b"'],
    ['1..', 3, 'unexpected end of text'],
    ['1.5..3.5', 3, 'a range of DOUBLE is not allowed'],
    ['true..false', 4, 'a range of BOOL is not allowed'],
    ['`a:1', 2, 'the pair sides are SYMBOL and INT'],
    ['1..2l', 1, 'the range bounds are INT and LONG'],
    ['2023.01.01..2023.12M', 10, 'the range bounds are DATE and MONTH'],
    ['00i..5', 3, 'a range bound is null'],
    [`0..${MAX_VECTOR_LENGTH}`, 1, `more than the limit of ${MAX_VECTOR_LENGTH}`],
    ['2023.01.01T00:00:00.000..2023.01.02T00:00:00.000', 23, 'more than the limit'],
    ['1:2l', 1, 'the pair sides are INT and LONG'],
    ['1:2:3', 3, 'expected the end of the text'],
    ['1..2..3', 4, 'expected the end of the text'],
    ['`a`b c', 4, 'unexpected " "'],
    ['`a`b:`c', 4, 'unexpected ":"'],
    ['`a-b', 2, 'unexpected "-"'],
    ['NULL:1', 0, 'unexpected "N"'],
    ['"x":`x', 3, 'the pair sides are STRING and SYMBOL'],
  ];
  it.each(cases)('%j fails at %i: %s', (text, position, fragment) => {
    expectInvalid(text, position, fragment);
  });

  it('shortens a long offending text in the message', () => {
    const text = `"${'x'.repeat(200)}`;
    expect(() => parseLiteral(text)).toThrow(
      `invalid literal ${JSON.stringify(text.slice(0, 77) + '...')}`,
    );
  });
});

describe('formatValue and formatLiteral golden', () => {
  const cases: readonly (readonly [ColumnType, CellValue, string, string])[] = [
    ['DATE', DAY_2023_01_08, '2023.01.08', '2023.01.08'],
    ['DATE', -1, '1969.12.31', '1969.12.31'],
    ['MONTH', 2023 * 12, '2023.01M', '2023.01M'],
    ['TIME', NINE_THIRTY_S * 1000 + 123, '09:30:00.123', '09:30:00.123'],
    ['MINUTE', 570, '09:30m', '09:30m'],
    ['SECOND', NINE_THIRTY_S, '09:30:00', '09:30:00'],
    [
      'DATETIME',
      DAY_2023_01_08 * 86400 + NINE_THIRTY_S,
      '2023.01.08T09:30:00',
      '2023.01.08T09:30:00',
    ],
    ['DATETIME', -1, '1969.12.31T23:59:59', '1969.12.31T23:59:59'],
    [
      'TIMESTAMP',
      BigInt(Date.UTC(2023, 0, 8, 9, 30, 0, 123)),
      '2023.01.08T09:30:00.123',
      '2023.01.08T09:30:00.123',
    ],
    ['TIMESTAMP', -1n, '1969.12.31T23:59:59.999', '1969.12.31T23:59:59.999'],
    ['NANOTIME', 34_200_123_456_789n, '09:30:00.123456789', '09:30:00.123456789'],
    ['NANOTIMESTAMP', -1n, '1969.12.31T23:59:59.999999999', '1969.12.31T23:59:59.999999999'],
    ['BOOL', 1, 'true', 'true'],
    ['BOOL', 0, 'false', 'false'],
    ['CHAR', 97, "'a'", '97c'],
    ['CHAR', 39, "'\\''", '39c'],
    ['CHAR', 10, '10', '10c'],
    ['CHAR', -5, '-5', '-5c'],
    ['SHORT', 5, '5', '5h'],
    ['INT', -7, '-7', '-7'],
    ['LONG', 5n, '5', '5l'],
    ['FLOAT', Math.fround(1.1), '1.1', '1.1f'],
    ['FLOAT', Math.fround(16777217), '16777216', '16777216f'],
    ['FLOAT', -0, '0', '-0f'],
    ['DOUBLE', 1, '1', '1.0'],
    ['DOUBLE', 0.1, '0.1', '0.1'],
    ['DOUBLE', -0, '0', '-0.0'],
    ['DOUBLE', 1e21, '1e+21', '1e+21'],
    ['SYMBOL', 'sym', 'sym', '`sym'],
    ['SYMBOL', 'a b', 'a b', '"a b"'],
    ['STRING', 'say "hi"\n', 'say "hi"\n', '"say \\"hi\\"\\n"'],
  ];
  it.each(cases)('%s %s prints as %j and literal %j', (type, value, printed, literal) => {
    expect(formatValue(type, value)).toBe(printed);
    expect(formatLiteral(type, value)).toBe(literal);
  });

  it('prints every null as empty, and as a literal that reads back as that typed null', () => {
    for (const type of COLUMN_TYPES) {
      expect(formatValue(type, nullOf(type))).toBe('');
      expect(parseLiteral(formatLiteral(type, nullOf(type)))).toEqual(scalar(type, nullOf(type)));
    }
  });
});

// ---- Properties ----

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MIN_DAY = -719162; // 0001.01.01
const MAX_DAY = 2932896; // 9999.12.31

function orNull(type: ColumnType, values: fc.Arbitrary<CellValue>): fc.Arbitrary<CellValue> {
  return fc.oneof(fc.constant(nullOf(type)), values);
}

const int = (min: number, max: number): fc.Arbitrary<CellValue> => fc.integer({ min, max });
const big = (min: bigint, max: bigint): fc.Arbitrary<CellValue> => fc.bigInt({ min, max });

/** Physical values of every type over its whole printable range; null included. */
const VALUES: Readonly<Record<ColumnType, fc.Arbitrary<CellValue>>> = {
  BOOL: fc.constantFrom(0, 1, NULL_INT8),
  CHAR: int(-128, 127),
  SHORT: int(-32768, 32767),
  INT: int(INT32_MIN, INT32_MAX),
  LONG: big(INT64_MIN, INT64_MAX),
  FLOAT: orNull('FLOAT', fc.float({ noNaN: true, noDefaultInfinity: true })),
  DOUBLE: orNull('DOUBLE', fc.double({ noNaN: true, noDefaultInfinity: true })),
  DATE: orNull('DATE', int(MIN_DAY, MAX_DAY)),
  MONTH: orNull('MONTH', int(0, 9999 * 12 + 11)),
  TIME: orNull('TIME', int(0, MS_PER_DAY - 1)),
  MINUTE: orNull('MINUTE', int(0, 1439)),
  SECOND: orNull('SECOND', int(0, 86399)),
  DATETIME: int(INT32_MIN, INT32_MAX),
  TIMESTAMP: orNull(
    'TIMESTAMP',
    big(BigInt(MIN_DAY * MS_PER_DAY), BigInt((MAX_DAY + 1) * MS_PER_DAY) - 1n),
  ),
  NANOTIME: orNull('NANOTIME', big(0n, 86_400_000_000_000n - 1n)),
  NANOTIMESTAMP: big(INT64_MIN, INT64_MAX),
  SYMBOL: fc.stringMatching(/^[\w.]*$/),
  STRING: fc.string({ unit: 'binary' }),
};

describe('round trip properties', () => {
  it.each(COLUMN_TYPES)('parseLiteral(formatLiteral(%s, v)) is v', (type) => {
    fc.assert(
      fc.property(VALUES[type], (value) => {
        expect(parseLiteral(formatLiteral(type, value))).toEqual(scalar(type, value));
      }),
      { numRuns: 500 },
    );
  });

  it('formatValue of a DATE agrees with the UTC fields of JS Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_DAY, max: MAX_DAY }), (days) => {
        const date = new Date(days * MS_PER_DAY);
        expect(formatValue('DATE', days)).toBe(dateFields(date));
      }),
      { numRuns: 2000 },
    );
  });

  it('formatValue of a DATETIME agrees with the UTC fields of JS Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: INT32_MIN + 1, max: INT32_MAX }), (seconds) => {
        const date = new Date(seconds * 1000);
        const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
          .map((field) => pad(field, 2))
          .join(':');
        expect(formatValue('DATETIME', seconds)).toBe(`${dateFields(date)}T${time}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('a range holds every unit between its bounds, in their order', () => {
    fc.assert(
      fc.property(
        int(MIN_DAY + 400, MAX_DAY - 400),
        fc.integer({ min: -400, max: 400 }),
        (from, span) => {
          const to = Number(from) + span;
          const literal = parseLiteral(
            `${formatLiteral('DATE', from)}..${formatLiteral('DATE', to)}`,
          );
          const step = span >= 0 ? 1 : -1;
          const values = Array.from(
            { length: Math.abs(span) + 1 },
            (_, i) => Number(from) + i * step,
          );
          expect(literal).toEqual({ kind: 'vector', type: 'DATE', values });
        },
      ),
    );
  });
});

function dateFields(date: Date): string {
  const fields = [
    pad(date.getUTCFullYear(), 4),
    pad(date.getUTCMonth() + 1, 2),
    pad(date.getUTCDate(), 2),
  ];
  return fields.join('.');
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
