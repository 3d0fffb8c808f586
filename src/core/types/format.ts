// Prints cell values DolphinDB's way (formatValue) and as literal text that parseLiteral reads
// back to the same typed value (formatLiteral). Instants are split into day and time of day
// with floor division, so those before 1970 print their true calendar date and wall-clock time.

import { assert, unreachable } from '../assert.ts';
import { civilFromDays } from './calendar.ts';
import { isNullValue } from './column-type.ts';
import type { CellValue, ColumnType } from './column-type.ts';
import { TYPED_NULL_LITERALS } from './literal.ts';

type ClockType = 'TIME' | 'SECOND' | 'NANOTIME' | 'DATETIME' | 'TIMESTAMP' | 'NANOTIMESTAMP';

/** Per clock type: nanoseconds per unit, fractional digits printed, and whether it has a date. */
const CLOCKS: Readonly<Record<ClockType, { unit: bigint; digits: number; dated: boolean }>> = {
  TIME: { unit: 1_000_000n, digits: 3, dated: false },
  SECOND: { unit: 1_000_000_000n, digits: 0, dated: false },
  NANOTIME: { unit: 1n, digits: 9, dated: false },
  DATETIME: { unit: 1_000_000_000n, digits: 0, dated: true },
  TIMESTAMP: { unit: 1_000_000n, digits: 3, dated: true },
  NANOTIMESTAMP: { unit: 1n, digits: 9, dated: true },
};

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_SECOND;
const MINUTES_PER_DAY = 1440;

/** A SYMBOL printable as `text (DolphinDB's symbol literal); others print as a STRING. */
const SIMPLE_SYMBOL = /^[\w.]*$/;

const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
};

/** The value as DolphinDB prints it in a table or console; null prints as ''. */
export function formatValue(type: ColumnType, value: CellValue): string {
  if (isNullValue(type, value)) return '';
  switch (type) {
    case 'BOOL':
      return numberOf(type, value) === 0 ? 'false' : 'true';
    case 'CHAR':
      return formatChar(numberOf(type, value));
    case 'SHORT':
    case 'INT':
      return String(numberOf(type, value));
    case 'LONG':
      return String(bigintOf(type, value));
    case 'FLOAT':
      return shortestFloat(numberOf(type, value));
    case 'DOUBLE':
      return String(numberOf(type, value));
    case 'DATE':
      return formatDate(numberOf(type, value));
    case 'MONTH':
      return formatMonth(numberOf(type, value));
    case 'MINUTE':
      return formatMinute(numberOf(type, value));
    case 'TIME':
    case 'SECOND':
    case 'DATETIME':
      return formatClock(type, BigInt(numberOf(type, value)));
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return formatClock(type, bigintOf(type, value));
    case 'SYMBOL':
    case 'STRING':
      return stringOf(type, value);
    default:
      return unreachable(type);
  }
}

/** Literal text that parseLiteral reads back as this type and value (see the module notes). */
export function formatLiteral(type: ColumnType, value: CellValue): string {
  if (isNullValue(type, value)) return nullLiteral(type);
  switch (type) {
    case 'CHAR':
      return `${numberOf(type, value)}c`;
    case 'SHORT':
      return `${numberOf(type, value)}h`;
    case 'LONG':
      return `${bigintOf(type, value)}l`;
    case 'FLOAT':
      return `${floatLiteral(numberOf(type, value))}f`;
    case 'DOUBLE':
      return doubleLiteral(numberOf(type, value));
    case 'SYMBOL':
      return symbolLiteral(stringOf(type, value));
    case 'STRING':
      return quoteString(stringOf(type, value));
    case 'BOOL':
    case 'INT':
    case 'DATE':
    case 'MONTH':
    case 'TIME':
    case 'MINUTE':
    case 'SECOND':
    case 'DATETIME':
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      // Their printed form is already unambiguous literal syntax.
      return formatValue(type, value);
    default:
      return unreachable(type);
  }
}

function nullLiteral(type: ColumnType): string {
  if (type === 'SYMBOL') return '`';
  if (type === 'STRING') return '""';
  return TYPED_NULL_LITERALS[type];
}

// ---- Numbers and text ----

/** Printable ASCII as 'c' (quote and backslash escaped), any other byte as its number. */
function formatChar(code: number): string {
  if (code < 32 || code > 126) return String(code);
  const char = String.fromCharCode(code);
  return char === "'" || char === '\\' ? `'\\${char}'` : `'${char}'`;
}

/** The shortest decimal that rounds back to the same float32 (at most 9 digits). */
function shortestFloat(value: number): string {
  const float = Math.fround(value);
  if (!Number.isFinite(float) || float === 0) return String(float);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(float.toPrecision(digits));
    if (Math.fround(candidate) === float) return String(candidate);
  }
  return String(Number(float.toPrecision(9)));
}

function floatLiteral(value: number): string {
  return Object.is(Math.fround(value), -0) ? '-0' : shortestFloat(value);
}

/** A DOUBLE always carries a '.' or exponent, so it does not read back as an INT. */
function doubleLiteral(value: number): string {
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return !Number.isFinite(value) || /[.e]/.test(text) ? text : `${text}.0`;
}

function symbolLiteral(text: string): string {
  return SIMPLE_SYMBOL.test(text) ? `\`${text}` : quoteString(text);
}

function quoteString(text: string): string {
  return `"${text.replace(/["\\\n\t\r]/g, (char) => STRING_ESCAPES[char] ?? char)}"`;
}

// ---- Temporal ----

/** yyyy.MM.dd of a day number. */
function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${formatYear(year)}.${pad(month, 2)}.${pad(day, 2)}`;
}

function formatMonth(months: number): string {
  const year = Math.floor(months / 12);
  return `${formatYear(year)}.${pad(months - year * 12 + 1, 2)}M`;
}

/** hh:mm followed by 'm'; values outside a day wrap around it. */
function formatMinute(minutes: number): string {
  const ofDay = floorMod(minutes, MINUTES_PER_DAY);
  return `${pad(Math.floor(ofDay / 60), 2)}:${pad(ofDay % 60, 2)}m`;
}

/** [date 'T'] hh:mm:ss[.fraction]; times of day outside a day wrap around it. */
function formatClock(type: ClockType, units: bigint): string {
  const { unit, digits, dated } = CLOCKS[type];
  const nanos = units * unit;
  const ofDay = ((nanos % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY;
  const time = formatTimeOfDay(ofDay, digits);
  if (!dated) return time;
  const days = Number((nanos - ofDay) / NS_PER_DAY);
  return `${formatDate(days)}T${time}`;
}

function formatTimeOfDay(nanos: bigint, digits: number): string {
  const seconds = Number(nanos / NS_PER_SECOND);
  const hms = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60]
    .map((field) => pad(field, 2))
    .join(':');
  if (digits === 0) return hms;
  return `${hms}.${pad(Number(nanos % NS_PER_SECOND), 9).slice(0, digits)}`;
}

function formatYear(year: number): string {
  return year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function floorMod(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}

// ---- Physical value checks: a wrong representation is a caller bug, not bad input ----

function numberOf(type: ColumnType, value: CellValue): number {
  assert(typeof value === 'number', `${type} value must be a number, got ${typeof value}`);
  return value;
}

function bigintOf(type: ColumnType, value: CellValue): bigint {
  assert(typeof value === 'bigint', `${type} value must be a bigint, got ${typeof value}`);
  return value;
}

function stringOf(type: ColumnType, value: CellValue): string {
  assert(typeof value === 'string', `${type} value must be a string, got ${typeof value}`);
  return value;
}
