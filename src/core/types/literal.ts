// DolphinDB literal syntax: a scalar (42, 1.5f, 2023.01.08, `sym, "str", 00i), a range a..b,
// a pair a:b, a symbol vector `a`b`c, or the untyped NULL. The scanner tries each token form
// at a position, most specific first, so 09:30:00 is a SECOND rather than the INT 9, and
// 2023.01.08 a DATE rather than the DOUBLE 2023.01.

import { assert } from '../assert.ts';
import { ShoalError } from '../errors.ts';
import { daysFromCivil, daysInMonth } from './calendar.ts';
import { COLUMN_TYPES, isNullValue, nullOf, physicalKind } from './column-type.ts';
import type { CellValue, ColumnType, PhysicalKind, Scalar, TextType } from './column-type.ts';

export type Literal =
  | { readonly kind: 'null' }
  | { readonly kind: 'scalar'; readonly scalar: Scalar }
  | { readonly kind: 'vector'; readonly type: ColumnType; readonly values: readonly CellValue[] }
  | { readonly kind: 'pair'; readonly first: Scalar; readonly second: Scalar };

import { MAX_VECTOR_LENGTH } from '../limits.ts';

export { MAX_VECTOR_LENGTH };

/** The typed-null literal of each non-text type, spelt as DolphinDB does. */
export const TYPED_NULL_LITERALS: { readonly [T in Exclude<ColumnType, TextType>]: string } = {
  BOOL: '00b',
  CHAR: '00c',
  SHORT: '00h',
  INT: '00i',
  LONG: '00l',
  FLOAT: '00f',
  DOUBLE: '00F',
  DATE: '00d',
  MONTH: '00M',
  TIME: '00t',
  MINUTE: '00m',
  SECOND: '00s',
  DATETIME: '00D',
  TIMESTAMP: '00T',
  NANOTIME: '00n',
  NANOTIMESTAMP: '00N',
};

const NULL_TYPE_BY_LETTER: ReadonlyMap<string, ColumnType> = new Map(
  COLUMN_TYPES.flatMap((type) =>
    type === 'SYMBOL' || type === 'STRING'
      ? []
      : [[TYPED_NULL_LITERALS[type].slice(2), type] as const],
  ),
);

const INTEGER_SUFFIX_TYPES: ReadonlyMap<string, ColumnType> = new Map([
  ['l', 'LONG'],
  ['h', 'SHORT'],
  ['c', 'CHAR'],
]);

/** Largest magnitude of each integer family; one more negative is the null sentinel. */
const INTEGER_LIMITS: Partial<Record<PhysicalKind, bigint>> = {
  int8: 127n,
  int16: 32767n,
  int32: 2147483647n,
  int64: 9223372036854775807n,
};

type ClockType = 'SECOND' | 'TIME' | 'NANOTIME' | 'DATETIME' | 'TIMESTAMP' | 'NANOTIMESTAMP';
const NS_PER_UNIT: Readonly<Record<ClockType, bigint>> = {
  SECOND: 1_000_000_000n,
  TIME: 1_000_000n,
  NANOTIME: 1n,
  DATETIME: 1_000_000_000n,
  TIMESTAMP: 1_000_000n,
  NANOTIMESTAMP: 1n,
};
const NS_PER_DAY = 86_400_000_000_000n;

const RANGE_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>([
  'CHAR',
  'SHORT',
  'INT',
  'LONG',
  'DATE',
  'MONTH',
  'TIME',
  'MINUTE',
  'SECOND',
  'DATETIME',
  'TIMESTAMP',
  'NANOTIME',
  'NANOTIMESTAMP',
]);

const EXPECTED_LITERAL =
  'a literal: 42, 42l, 5h, 97c, 1.5, 1e3, 1.5f, true, \'a\', "text", `sym, 2023.01.08, ' +
  '2023.01M, 09:30:00.123, 09:30m, 09:30:00, 2023.01.08T09:30:00, a typed null such as 00i, ' +
  'NULL, a range a..b, a pair a:b or a symbol vector `a`b';
const EXPECTED_AFTER_SCALAR =
  "the end of the text, '..' (a range), ':' (a pair) or '`' (a symbol vector)";

/** The text being parsed; `body` is it without trailing whitespace, so no token runs past. */
interface Source {
  readonly text: string;
  readonly body: string;
}

/** A scanned scalar and the position just after it. */
interface Token {
  readonly scalar: Scalar;
  readonly end: number;
}

/** Parses one DolphinDB literal; throws ShoalError INVALID_LITERAL naming text and position. */
export function parseLiteral(text: string): Literal {
  const body = text.trimEnd();
  const start = body.length - body.trimStart().length;
  const src: Source = { text, body };
  if (start === body.length) fail(src, start, 'the text is empty', EXPECTED_LITERAL);
  if (body.slice(start) === 'NULL') return { kind: 'null' };
  return completeLiteral(src, scanScalar(src, start));
}

/** Reads what may follow a first scalar: nothing, a range, a pair or more symbols. */
function completeLiteral(src: Source, first: Token): Literal {
  const pos = first.end;
  if (pos === src.body.length) return { kind: 'scalar', scalar: first.scalar };
  if (src.body.startsWith('..', pos)) {
    return rangeLiteral(src, pos, first.scalar, scanLast(src, pos + 2));
  }
  if (src.body[pos] === ':') return pairLiteral(src, pos, first.scalar, scanLast(src, pos + 1));
  if (src.body[pos] === '`' && first.scalar.type === 'SYMBOL') return symbolVector(src, first);
  return fail(src, pos, unexpected(src, pos), EXPECTED_AFTER_SCALAR);
}

/** Scans a scalar that must end the text. */
function scanLast(src: Source, pos: number): Scalar {
  const token = scanScalar(src, pos);
  if (token.end !== src.body.length) {
    fail(src, token.end, unexpected(src, token.end), 'the end of the text');
  }
  return token.scalar;
}

function rangeLiteral(src: Source, pos: number, from: Scalar, to: Scalar): Literal {
  const { type } = from;
  if (to.type !== type) {
    fail(src, pos, `the range bounds are ${type} and ${to.type}`, 'two bounds of the same type');
  }
  if (!RANGE_TYPES.has(type)) {
    fail(src, pos, `a range of ${type} is not allowed`, 'integer or temporal range bounds');
  }
  if (isNullValue(type, from.value) || isNullValue(type, to.value)) {
    fail(src, pos, 'a range bound is null', 'non-null range bounds');
  }
  return { kind: 'vector', type, values: rangeValues(src, pos, from.value, to.value) };
}

/** Every value from `from` to `to` inclusive, by one unit, descending when `to` < `from`. */
function rangeValues(src: Source, pos: number, from: CellValue, to: CellValue): CellValue[] {
  const low = BigInt(from);
  const high = BigInt(to);
  const length = (high >= low ? high - low : low - high) + 1n;
  checkLength(src, pos, length);
  const step = high >= low ? 1 : -1;
  if (typeof from === 'bigint') {
    return Array.from({ length: Number(length) }, (_, i) => from + BigInt(i * step));
  }
  const start = Number(from);
  return Array.from({ length: Number(length) }, (_, i) => start + i * step);
}

function checkLength(src: Source, pos: number, length: bigint): void {
  if (length > BigInt(MAX_VECTOR_LENGTH)) {
    fail(
      src,
      pos,
      `the vector would have ${length} elements, more than the limit of ${MAX_VECTOR_LENGTH}`,
      `at most ${MAX_VECTOR_LENGTH} elements`,
    );
  }
}

function pairLiteral(src: Source, pos: number, first: Scalar, second: Scalar): Literal {
  if (first.type !== second.type) {
    fail(src, pos, `the pair sides are ${first.type} and ${second.type}`, 'two of the same type');
  }
  return { kind: 'pair', first, second };
}

/** Reads `a`b`c after its first symbol. */
function symbolVector(src: Source, first: Token): Literal {
  const values: CellValue[] = [first.scalar.value];
  let pos = first.end;
  while (pos < src.body.length) {
    const match = matchAt(SYMBOL_PATTERN, src.body, pos);
    if (match === null) fail(src, pos, unexpected(src, pos), "'`' and a symbol, or the end");
    values.push(group(match, 1));
    pos += match[0].length;
  }
  checkLength(src, first.end, BigInt(values.length));
  return { kind: 'vector', type: 'SYMBOL', values };
}

// ---- Scalars ----

type Build = (match: RegExpExecArray, src: Source, pos: number) => Scalar;

const SYMBOL_PATTERN = /`([\w.]*)/y;

/** Token forms, most specific first; every pattern is sticky (matches only at lastIndex). */
const RULES: readonly (readonly [RegExp, Build])[] = [
  [/(\d{4})\.(\d{2})\.(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/y, buildDateTime],
  [/(\d{4})\.(\d{2})M/y, buildMonth],
  [/(\d{4})\.(\d{2})\.(\d{2})/y, buildDate],
  [/(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/y, buildClock],
  [/(\d{2}):(\d{2})m/y, buildMinute],
  [/00([bchilfFdMtmsDTnN])/y, buildTypedNull],
  // A '.' followed by another '.' starts a range, so 0..9 is not the DOUBLE 0. and .9.
  [/(-?(?:\d+(?:\.(?!\.)\d*)?|\.\d+)(?:[eE][+-]?\d+)?)([lhcf]?)/y, buildNumber],
  [/true|false/y, (match) => ({ type: 'BOOL', value: match[0] === 'true' ? 1 : 0 })],
  [SYMBOL_PATTERN, (match) => ({ type: 'SYMBOL', value: group(match, 1) })],
];

/** Scans the scalar starting at `pos`, or fails naming what was expected there. */
function scanScalar(src: Source, pos: number): Token {
  const quoted = scanQuoted(src, pos);
  if (quoted !== undefined) return quoted;
  for (const [pattern, build] of RULES) {
    const match = matchAt(pattern, src.body, pos);
    if (match !== null) return { scalar: build(match, src, pos), end: pos + match[0].length };
  }
  return fail(src, pos, unexpected(src, pos), EXPECTED_LITERAL);
}

function matchAt(pattern: RegExp, body: string, pos: number): RegExpExecArray | null {
  pattern.lastIndex = pos;
  return pattern.exec(body);
}

/** Capture group `index`, '' when it did not take part in the match. */
function group(match: RegExpExecArray, index: number): string {
  return match[index] ?? '';
}

function groupNumber(match: RegExpExecArray, index: number): number {
  return Number(group(match, index));
}

function buildTypedNull(match: RegExpExecArray): Scalar {
  const type = NULL_TYPE_BY_LETTER.get(group(match, 1));
  assert(type !== undefined, `typed null pattern matched an unknown letter in ${match[0]}`);
  return { type, value: nullOf(type) };
}

function buildNumber(match: RegExpExecArray, src: Source, pos: number): Scalar {
  const digits = group(match, 1);
  const suffix = group(match, 2);
  if (suffix === 'f') return finiteScalar(src, pos, 'FLOAT', Math.fround(Number(digits)));
  const isInteger = !/[.eE]/.test(digits);
  if (suffix === '') {
    if (!isInteger) return finiteScalar(src, pos, 'DOUBLE', Number(digits));
    const value = BigInt(digits);
    return integerScalar(src, pos, fitsKind('int32', value) ? 'INT' : 'LONG', value);
  }
  const type = INTEGER_SUFFIX_TYPES.get(suffix);
  assert(type !== undefined, `number pattern matched an unknown suffix in ${match[0]}`);
  if (!isInteger) {
    fail(
      src,
      pos,
      `${type} ${match[0]} has a fraction or exponent`,
      `an integer before '${suffix}'`,
    );
  }
  return integerScalar(src, pos, type, BigInt(digits));
}

/** An integer-family scalar, failing when `value` is outside the type (or its null). */
function integerScalar(src: Source, pos: number, type: ColumnType, value: bigint): Scalar {
  const kind = physicalKind(type);
  if (!fitsKind(kind, value)) {
    const limit = INTEGER_LIMITS[kind] ?? 0n;
    fail(src, pos, `${value} is out of range for ${type}`, `a ${type} from -${limit} to ${limit}`);
  }
  return { type, value: kind === 'int64' ? value : Number(value) };
}

function fitsKind(kind: PhysicalKind, value: bigint): boolean {
  const limit = INTEGER_LIMITS[kind];
  assert(limit !== undefined, `fitsKind called with non-integer family ${kind}`);
  return value <= limit && value >= -limit;
}

function finiteScalar(src: Source, pos: number, type: ColumnType, value: number): Scalar {
  if (!Number.isFinite(value)) fail(src, pos, `the value overflows ${type}`, `a finite ${type}`);
  return { type, value };
}

// ---- Quoted text ----

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["'", "'"],
  ['\\', '\\'],
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
]);
const ESCAPES_TEXT = 'one of the escapes \\" \\\' \\\\ \\n \\t \\r';

/** "text" is a STRING; 'a' is a CHAR when it holds one ASCII character, else a STRING. */
function scanQuoted(src: Source, pos: number): Token | undefined {
  const quote = src.body.charAt(pos);
  if (quote !== '"' && quote !== "'") return undefined;
  const { text, end } = readQuoted(src, pos, quote);
  const code = text.charCodeAt(0);
  if (quote === "'" && text.length === 1 && code < 128) {
    return { scalar: { type: 'CHAR', value: code }, end };
  }
  return { scalar: { type: 'STRING', value: text }, end };
}

/** The unescaped text between the quote at `pos` and its closing quote. */
function readQuoted(src: Source, pos: number, quote: string): { text: string; end: number } {
  let text = '';
  for (let i = pos + 1; i < src.body.length; i++) {
    const char = src.body.charAt(i);
    if (char === quote) return { text, end: i + 1 };
    if (char !== '\\') {
      text += char;
      continue;
    }
    const escaped = ESCAPES.get(src.body.charAt(i + 1));
    if (escaped === undefined) {
      fail(src, i, `unknown escape ${JSON.stringify(src.body.slice(i, i + 2))}`, ESCAPES_TEXT);
    }
    text += escaped;
    i++;
  }
  return fail(src, pos, 'the quoted text is not closed', `a closing ${quote}`);
}

// ---- Temporal ----

function buildDate(match: RegExpExecArray, src: Source, pos: number): Scalar {
  return { type: 'DATE', value: civilDays(match, src, pos) };
}

function buildMonth(match: RegExpExecArray, src: Source, pos: number): Scalar {
  const month = checkField(src, pos + 5, 'month', groupNumber(match, 2), 1, 12);
  return { type: 'MONTH', value: groupNumber(match, 1) * 12 + month - 1 };
}

function buildMinute(match: RegExpExecArray, src: Source, pos: number): Scalar {
  const hour = checkField(src, pos, 'hour', groupNumber(match, 1), 0, 23);
  const minute = checkField(src, pos + 3, 'minute', groupNumber(match, 2), 0, 59);
  return { type: 'MINUTE', value: hour * 60 + minute };
}

/** hh:mm:ss is a SECOND, with 1–3 fractional digits a TIME, with 4–9 a NANOTIME. */
function buildClock(match: RegExpExecArray, src: Source, pos: number): Scalar {
  const nanos = clockNanos(match, 1, src, pos);
  const type = byPrecision(src, pos + 9, group(match, 4), TIME_OF_DAY_TYPES);
  return clockScalar(src, pos, type, nanos);
}

/** Date and time: a DATETIME, with 1–3 fractional digits a TIMESTAMP, with 4–9 a NANOTIMESTAMP. */
function buildDateTime(match: RegExpExecArray, src: Source, pos: number): Scalar {
  const days = civilDays(match, src, pos);
  const nanos = BigInt(days) * NS_PER_DAY + clockNanos(match, 4, src, pos + 11);
  const type = byPrecision(src, pos + 20, group(match, 7), INSTANT_TYPES);
  return clockScalar(src, pos, type, nanos);
}

/** Instants a 32-bit DATETIME or 64-bit NANOTIMESTAMP can hold (the minimum is null). */
const INSTANT_RANGES: Partial<Record<ClockType, string>> = {
  DATETIME: '1901.12.13T20:45:53 to 2038.01.19T03:14:07',
  NANOTIMESTAMP: '1677.09.21T00:12:43.145224193 to 2262.04.11T23:47:16.854775807',
};

function clockScalar(src: Source, pos: number, type: ClockType, nanos: bigint): Scalar {
  // Exact: the fraction has no more digits than the unit resolves.
  const value = nanos / NS_PER_UNIT[type];
  const range = INSTANT_RANGES[type];
  if (range !== undefined && !fitsKind(physicalKind(type), value)) {
    fail(src, pos, `the instant is outside the ${type} range`, `a ${type} from ${range}`);
  }
  return integerScalar(src, pos, type, value);
}

/** By fractional digits: none, 1–3 (milliseconds), 4–9 (nanoseconds). */
const TIME_OF_DAY_TYPES = ['SECOND', 'TIME', 'NANOTIME'] as const;
const INSTANT_TYPES = ['DATETIME', 'TIMESTAMP', 'NANOTIMESTAMP'] as const;

/** The type of `types` that the number of fractional digits selects. */
function byPrecision<T extends ClockType>(
  src: Source,
  pos: number,
  fraction: string,
  types: readonly [T, T, T],
): T {
  if (fraction.length > 9) {
    fail(src, pos, `${fraction.length} fractional digits`, 'at most 9 fractional digits');
  }
  if (fraction.length === 0) return types[0];
  return fraction.length <= 3 ? types[1] : types[2];
}

/** Days since 1970.01.01 of the yyyy.MM.dd in groups 1–3, checking month and day. */
function civilDays(match: RegExpExecArray, src: Source, pos: number): number {
  const year = groupNumber(match, 1);
  const month = checkField(src, pos + 5, 'month', groupNumber(match, 2), 1, 12);
  const lastDay = daysInMonth(year, month);
  const day = checkField(src, pos + 8, 'day', groupNumber(match, 3), 1, lastDay);
  return daysFromCivil(year, month, day);
}

/** Nanoseconds since midnight of hh:mm:ss[.fraction] in groups first…first+3. */
function clockNanos(match: RegExpExecArray, first: number, src: Source, pos: number): bigint {
  const hour = checkField(src, pos, 'hour', groupNumber(match, first), 0, 23);
  const minute = checkField(src, pos + 3, 'minute', groupNumber(match, first + 1), 0, 59);
  const second = checkField(src, pos + 6, 'second', groupNumber(match, first + 2), 0, 59);
  const fraction = group(match, first + 3)
    .slice(0, 9)
    .padEnd(9, '0');
  return BigInt(hour * 3600 + minute * 60 + second) * 1_000_000_000n + BigInt(fraction);
}

function checkField(
  src: Source,
  pos: number,
  field: string,
  value: number,
  low: number,
  high: number,
): number {
  if (value < low || value > high) {
    fail(src, pos, `${field} ${value} is out of range`, `a ${field} from ${low} to ${high}`);
  }
  return value;
}

// ---- Errors ----

function unexpected(src: Source, pos: number): string {
  if (pos >= src.body.length) return 'unexpected end of text';
  return `unexpected ${JSON.stringify(src.body.charAt(pos))}`;
}

/** Throws INVALID_LITERAL: the text (shortened if long), the position, problem and expectation. */
function fail(src: Source, pos: number, problem: string, expected: string): never {
  const shown = src.text.length > 80 ? `${src.text.slice(0, 77)}...` : src.text;
  throw new ShoalError(
    'INVALID_LITERAL',
    `invalid literal ${JSON.stringify(shown)} at position ${pos}: ${problem}; expected ${expected}`,
  );
}
