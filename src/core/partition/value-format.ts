// Printing physical values for partition keys (compact, no separators: 20230108, 202301M) and
// for messages (readable DolphinDB literals: 2023.01.08, 2023.01M, 13:30:10.008). A small local
// printer: keys must never change once written, so they do not follow a shared formatter.

import { unreachable } from '../assert.ts';
import { civilFromDays } from '../types/calendar.ts';
import { isNullValue } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';

const NANOS_PER_DAY = 86_400_000_000_000n;

/** Nanoseconds per tick of the time-bearing types, and the digits of their fraction of a second. */
const TIME_UNITS = {
  TIME: { nanos: 1_000_000n, fraction: 3 },
  SECOND: { nanos: 1_000_000_000n, fraction: 0 },
  MINUTE: { nanos: 60_000_000_000n, fraction: 0 },
  NANOTIME: { nanos: 1n, fraction: 9 },
  DATETIME: { nanos: 1_000_000_000n, fraction: 0 },
  TIMESTAMP: { nanos: 1_000_000n, fraction: 3 },
  NANOTIMESTAMP: { nanos: 1n, fraction: 9 },
} as const;

type Style = 'compact' | 'readable';

/**
 * The readable literal of a physical value of `type`, as DolphinDB prints it (2023.01.08,
 * 2023.01M, 2023.01.08T13:30:10, 13:30m, true); text in double quotes; a null as `null`.
 */
export function formatCell(type: ColumnType, value: CellValue): string {
  if (isNullValue(type, value)) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return formatPhysical(type, value, 'readable');
}

/**
 * The compact form of a non-null physical value of `type`, for partition keys: temporal values
 * as fixed-width digit groups after the year (20230108, 202301M, 20230108T133010, 1330m),
 * BOOL 0/1, numbers in decimal, text as is (keys sanitise it). Distinct values of one type
 * print distinct strings.
 */
export function formatCellCompact(type: ColumnType, value: CellValue): string {
  if (typeof value === 'string') return value;
  return formatPhysical(type, value, 'compact');
}

function formatPhysical(type: ColumnType, value: number | bigint, style: Style): string {
  switch (type) {
    case 'BOOL':
      return style === 'readable' ? (value === 1 ? 'true' : 'false') : String(value);
    case 'CHAR':
    case 'SHORT':
    case 'INT':
    case 'LONG':
    case 'FLOAT':
    case 'DOUBLE':
    case 'SYMBOL':
    case 'STRING':
      return String(value);
    case 'DATE':
      return formatDate(Number(value), style);
    case 'MONTH':
      return formatMonth(Number(value), style);
    case 'TIME':
    case 'SECOND':
    case 'MINUTE':
    case 'NANOTIME':
      return formatTimeOfDay(BigInt(value) * TIME_UNITS[type].nanos, type, style);
    case 'DATETIME':
    case 'TIMESTAMP':
    case 'NANOTIMESTAMP':
      return formatInstant(BigInt(value) * TIME_UNITS[type].nanos, type, style);
    default:
      return unreachable(type);
  }
}

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

/** The year with at least four digits; a sign before them when negative. */
function formatYear(year: number): string {
  return (year < 0 ? '-' : '') + pad(Math.abs(year), 4);
}

function formatDate(days: number, style: Style): string {
  const { year, month, day } = civilFromDays(days);
  const sep = style === 'readable' ? '.' : '';
  return `${formatYear(year)}${sep}${pad(month, 2)}${sep}${pad(day, 2)}`;
}

function formatMonth(months: number, style: Style): string {
  const year = Math.floor(months / 12);
  const sep = style === 'readable' ? '.' : '';
  return `${formatYear(year)}${sep}${pad(months - year * 12 + 1, 2)}M`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

function formatInstant(nanos: bigint, type: keyof typeof TIME_UNITS, style: Style): string {
  const days = floorDiv(nanos, NANOS_PER_DAY);
  const time = formatTimeOfDay(nanos - days * NANOS_PER_DAY, type, style);
  return `${formatDate(Number(days), style)}T${time}`;
}

/**
 * HH:mm:ss[.fff] (readable) or HHmmss[fff] (compact) of nanoseconds since midnight; MINUTE as
 * HH:mmm / HHmmm. Out-of-day values keep their sign and hours beyond 23, so they stay distinct.
 */
function formatTimeOfDay(nanos: bigint, type: keyof typeof TIME_UNITS, style: Style): string {
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  const hours = abs / 3_600_000_000_000n;
  const minutes = (abs / 60_000_000_000n) % 60n;
  const sep = style === 'readable' ? ':' : '';
  if (type === 'MINUTE') return `${sign}${pad(hours, 2)}${sep}${pad(minutes, 2)}m`;
  const seconds = (abs / 1_000_000_000n) % 60n;
  const { nanos: unit, fraction } = TIME_UNITS[type];
  const base = `${sign}${pad(hours, 2)}${sep}${pad(minutes, 2)}${sep}${pad(seconds, 2)}`;
  if (fraction === 0) return base;
  const fractionDigits = pad((abs % 1_000_000_000n) / unit, fraction);
  return `${base}${style === 'readable' ? '.' : ''}${fractionDigits}`;
}
