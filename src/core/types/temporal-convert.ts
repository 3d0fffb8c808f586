// Conversion between temporal types, as DolphinDB applies it when a column is partitioned by a
// scheme of another temporal type (a DATETIME column under a DATE scheme, a TIMESTAMP column
// under a MONTH scheme, ...). Narrowing floors, so a value lands in the period that holds it,
// also before 1970; widening scales to the start of the period.
//
// Each supported pair is a short plan of steps on tick counts, applied exactly with bigint for
// single values and, for columns, with doubles on the hot path: 1.2M-row columns convert in one
// loop with no per-row allocation. 64-bit cells are read as two 32-bit halves, never as bigint,
// unless a value is too large for exact double arithmetic (then that row alone takes the exact path).

import { ShoalError } from '../errors.ts';
import { unreachable } from '../assert.ts';
import { daysFromCivil, monthOfDays } from './calendar.ts';
import type { Column } from './column.ts';
import {
  NULL_INT32,
  NULL_INT64,
  isNullValue,
  nullOf,
  physicalKind,
  type CellValue,
  type ColumnType,
  type Int32Type,
  type Int64Type,
} from './column-type.ts';
import { HIGH, LOW, TWO_32, halvesOf } from './int64-halves.ts';

const NANOS_PER_DAY = 86_400_000_000_000;

/** A temporal type's family and, except for MONTH, the length of its tick in nanoseconds. */
type TemporalInfo =
  | { readonly family: 'month' }
  | { readonly family: 'instant' | 'time-of-day'; readonly nanos: number };

function temporalInfo(type: ColumnType): TemporalInfo | undefined {
  switch (type) {
    case 'MONTH':
      return { family: 'month' };
    case 'DATE':
      return { family: 'instant', nanos: NANOS_PER_DAY };
    case 'DATETIME':
      return { family: 'instant', nanos: 1_000_000_000 };
    case 'TIMESTAMP':
      return { family: 'instant', nanos: 1_000_000 };
    case 'NANOTIMESTAMP':
      return { family: 'instant', nanos: 1 };
    case 'TIME':
      return { family: 'time-of-day', nanos: 1_000_000 };
    case 'SECOND':
      return { family: 'time-of-day', nanos: 1_000_000_000 };
    case 'MINUTE':
      return { family: 'time-of-day', nanos: 60_000_000_000 };
    case 'NANOTIME':
      return { family: 'time-of-day', nanos: 1 };
    case 'BOOL':
    case 'CHAR':
    case 'SHORT':
    case 'INT':
    case 'LONG':
    case 'FLOAT':
    case 'DOUBLE':
    case 'SYMBOL':
    case 'STRING':
      return undefined;
    default:
      return unreachable(type);
  }
}

/** One step of a conversion plan on tick counts. Divisions floor; `mod` is non-negative. */
type Step =
  | { readonly op: 'mul' | 'div' | 'mod'; readonly by: number }
  | { readonly op: 'month-to-days' }
  | { readonly op: 'days-to-month' };

/** The steps converting `from` ticks into `to` ticks, or undefined for an unsupported pair. */
function planConversion(from: ColumnType, to: ColumnType): readonly Step[] | undefined {
  if (from === to) return [];
  const a = temporalInfo(from);
  const b = temporalInfo(to);
  if (a === undefined || b === undefined) return undefined;
  if (a.family === 'month') {
    const rest = planConversion('DATE', to);
    return rest && [{ op: 'month-to-days' }, ...rest];
  }
  if (b.family === 'month') {
    const head = planConversion(from, 'DATE');
    return head && [...head, { op: 'days-to-month' }];
  }
  if (a.family === b.family) return rescale(a.nanos, b.nanos);
  // The time within the day; a DATE has none, and a time of day has no date.
  if (a.family === 'instant' && from !== 'DATE') {
    return [{ op: 'mod', by: NANOS_PER_DAY / a.nanos }, ...rescale(a.nanos, b.nanos)];
  }
  return undefined;
}

function rescale(fromNanos: number, toNanos: number): readonly Step[] {
  if (fromNanos > toNanos) return [{ op: 'mul', by: fromNanos / toNanos }];
  if (fromNanos < toNanos) return [{ op: 'div', by: toNanos / fromNanos }];
  return [];
}

function requirePlan(from: ColumnType, to: ColumnType): readonly Step[] {
  const steps = planConversion(from, to);
  if (steps === undefined) {
    throw new ShoalError(
      'TYPE_MISMATCH',
      `cannot convert ${from} to ${to}: only conversions between temporal types that keep ` +
        `the date or the time of day are supported`,
    );
  }
  return steps;
}

/** True when `from` values convert to `to` (always true when the types are equal). */
export function canConvertTemporal(from: ColumnType, to: ColumnType): boolean {
  return planConversion(from, to) !== undefined;
}

/**
 * True when the conversion from `from` to `to` exists and never reverses order (a ≤ b implies
 * f(a) ≤ f(b)): every supported pair except an instant to its time of day.
 */
export function isMonotoneTemporalConversion(from: ColumnType, to: ColumnType): boolean {
  const steps = planConversion(from, to);
  return steps !== undefined && steps.every((step) => step.op !== 'mod');
}

/** Days since 1970-01-01 of the first day of MONTH value `month`. */
function monthStartDays(month: number): number {
  const year = Math.floor(month / 12);
  return daysFromCivil(year, month - year * 12 + 1, 1);
}

function floorDivBig(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

function applyExact(steps: readonly Step[], ticks: bigint): bigint {
  let v = ticks;
  for (const step of steps) {
    switch (step.op) {
      case 'mul':
        v *= BigInt(step.by);
        break;
      case 'div':
        v = floorDivBig(v, BigInt(step.by));
        break;
      case 'mod':
        v -= floorDivBig(v, BigInt(step.by)) * BigInt(step.by);
        break;
      case 'month-to-days':
        v = BigInt(monthStartDays(Number(v)));
        break;
      case 'days-to-month':
        v = BigInt(monthOfDays(Number(v)));
        break;
      default:
        unreachable(step);
    }
  }
  return v;
}

/**
 * Converts a tick count of `from` into `to` ticks exactly, with no range limit and no null
 * handling (the arithmetic behind the other conversions; pruning uses it to clamp bounds).
 * Throws ShoalError TYPE_MISMATCH for an unsupported pair.
 */
export function convertTemporalTicks(ticks: bigint, from: ColumnType, to: ColumnType): bigint {
  return applyExact(requirePlan(from, to), ticks);
}

const INT32_MAX = 2147483647;
const INT64_MAX = 2n ** 63n - 1n;

/** `ticks` as a physical value of `to`, or its null when `to` cannot hold it. */
function toPhysical(ticks: bigint, to: ColumnType): CellValue {
  if (physicalKind(to) === 'int64')
    return ticks >= -INT64_MAX && ticks <= INT64_MAX ? ticks : NULL_INT64;
  return ticks > NULL_INT32 && ticks <= INT32_MAX ? Number(ticks) : NULL_INT32;
}

function toTicks(value: CellValue, from: ColumnType): bigint {
  const kind = physicalKind(from);
  if (kind === 'int64' && typeof value === 'bigint') return value;
  if (kind === 'int32' && typeof value === 'number' && Number.isInteger(value))
    return BigInt(value);
  throw new ShoalError('TYPE_MISMATCH', `${String(value)} is not a physical ${from} value`);
}

/**
 * Converts one physical value of `from` into `to` (see the file comment). A null gives the
 * null of `to`, as does a result `to` cannot hold. Equal types return `value` unchanged.
 * Throws ShoalError TYPE_MISMATCH for an unsupported pair (naming both) or a value whose
 * physical form does not match `from`.
 */
export function convertTemporalValue(
  value: CellValue,
  from: ColumnType,
  to: ColumnType,
): CellValue {
  if (from === to) return value;
  const steps = requirePlan(from, to);
  if (isNullValue(from, value)) return nullOf(to);
  return toPhysical(applyExact(steps, toTicks(value, from)), to);
}

// ---- Columns: the vectorised path ----

/** Index of the low and high 32-bit half of an int64 in an Int32Array view (endianness). */
/** High halves in [−2^20, 2^20) mean |v| ≤ 2^52, where the double steps are exact. */
const FAST_HIGH_LIMIT = 1048576;

const OP_MUL = 0;
const OP_DIV = 1;
const OP_MOD = 2;
const OP_MONTH_TO_DAYS = 3;
const OP_DAYS_TO_MONTH = 4;

/**
 * A plan flattened for the row loop: one monomorphic function interprets it, which V8 runs far
 * faster than a chain of per-step closures. `memo` remembers the last month's day range
 * [first, end) and the month, so time-ordered rows skip the calendar.
 */
interface FastPlan {
  readonly ops: Int32Array;
  readonly args: Float64Array;
  readonly memo: Float64Array;
}

function compileFast(steps: readonly Step[]): FastPlan {
  const ops = new Int32Array(steps.length);
  const args = new Float64Array(steps.length);
  steps.forEach((step, k) => {
    ops[k] = opCode(step);
    args[k] = 'by' in step ? step.by : 0;
  });
  return { ops, args, memo: new Float64Array([1, 0, 0]) };
}

function opCode(step: Step): number {
  switch (step.op) {
    case 'mul':
      return OP_MUL;
    case 'div':
      return OP_DIV;
    case 'mod':
      return OP_MOD;
    case 'month-to-days':
      return OP_MONTH_TO_DAYS;
    case 'days-to-month':
      return OP_DAYS_TO_MONTH;
    default:
      return unreachable(step);
  }
}

/**
 * Applies `plan` to an exact integer |x| ≤ 2^52. Exact: a quotient of such x by a divisor
 * below 2^47 is never rounded across an integer. Returns NaN when a product would leave the
 * exactly representable range; the caller then converts that row with bigint.
 */
function applyFast(plan: FastPlan, x: number): number {
  const { ops, args, memo } = plan;
  let v = x;
  for (let k = 0; k < ops.length; k++) {
    const by = args[k]!;
    switch (ops[k]) {
      case OP_MUL:
        v *= by;
        if (!(v <= Number.MAX_SAFE_INTEGER && v >= -Number.MAX_SAFE_INTEGER)) return NaN;
        break;
      case OP_DIV:
        v = Math.floor(v / by);
        break;
      case OP_MOD:
        v %= by;
        v = v < 0 ? v + by : v + 0; // + 0 turns −0 into 0
        break;
      case OP_MONTH_TO_DAYS:
        v = monthStartDays(v);
        break;
      default:
        v = cachedMonthOfDays(memo, v);
    }
  }
  return v;
}

function cachedMonthOfDays(memo: Float64Array, days: number): number {
  if (days >= memo[0]! && days < memo[1]!) return memo[2]!;
  const month = monthOfDays(days);
  memo[0] = monthStartDays(month);
  memo[1] = monthStartDays(month + 1);
  memo[2] = month;
  return month;
}

/**
 * For 64-bit values beyond 2^52: when the plan starts by dividing by an even number 2^s·k,
 * floor(v / 2^s) is exact from the halves and small, so the plan can go on by dividing by k.
 * This keeps NANOTIMESTAMP → DATE / MONTH on the fast path.
 */
interface ShiftedPlan {
  readonly shift: number;
  readonly highScale: number;
  readonly highLimit: number;
  readonly plan: FastPlan;
}

function shiftedPlan(steps: readonly Step[]): ShiftedPlan | undefined {
  const [first, ...rest] = steps;
  if (first === undefined || first.op !== 'div') return undefined;
  let shift = 0;
  let by = first.by;
  while (by % 2 === 0 && shift < 31) {
    by /= 2;
    shift += 1;
  }
  if (shift === 0) return undefined;
  return {
    shift,
    highScale: 2 ** (32 - shift),
    // floor(v / 2^s) stays within ±2^52 while the high half is within ±2^(20+s).
    highLimit: 2 ** Math.min(31, 20 + shift),
    plan: compileFast([{ op: 'div', by }, ...rest]),
  };
}

/** The exact value of a 64-bit cell from its halves when |v| ≤ 2^52 (else via the shift), or NaN. */
function fastInt64(
  high: number,
  low: number,
  plan: FastPlan,
  shifted: ShiftedPlan | undefined,
): number {
  if (high >= -FAST_HIGH_LIMIT && high < FAST_HIGH_LIMIT)
    return applyFast(plan, high * TWO_32 + low);
  if (shifted !== undefined && high >= -shifted.highLimit && high < shifted.highLimit) {
    return applyFast(shifted.plan, high * shifted.highScale + (low >>> shifted.shift));
  }
  return NaN;
}

/**
 * Converts a temporal column into `to` (see convertTemporalValue for the rules per value).
 * Returns `column` itself when the types are equal. Throws ShoalError TYPE_MISMATCH for an
 * unsupported pair, naming both types. With `into` (at least as long as the column), a 32-bit
 * result is written into its start instead of new memory: the caller's to reuse.
 */
export function convertTemporalColumn(column: Column, to: ColumnType, into?: Int32Array): Column {
  if (column.type === to) return column;
  const steps = requirePlan(column.type, to);
  const source = column.data;
  const target = temporalTarget(to);
  if (!(source instanceof Int32Array || source instanceof BigInt64Array) || target === undefined) {
    throw new ShoalError('TYPE_MISMATCH', `cannot convert ${column.type} to ${to}`);
  }
  if (target.kind === 'int32') {
    const out =
      into !== undefined && into.length >= source.length
        ? into.subarray(0, source.length)
        : new Int32Array(source.length);
    if (source instanceof Int32Array) int32ToInt32(source, out, steps);
    else int64ToInt32(source, out, steps);
    return { type: target.type, data: out };
  }
  const out = new BigInt64Array(source.length);
  if (source instanceof Int32Array) int32ToInt64(source, out, steps);
  else int64ToInt64(source, out, steps);
  return { type: target.type, data: out };
}

type TemporalTarget =
  | { readonly kind: 'int32'; readonly type: Int32Type }
  | { readonly kind: 'int64'; readonly type: Int64Type };

function temporalTarget(type: ColumnType): TemporalTarget | undefined {
  // Narrowed by hand: the compiler cannot see physicalKind's result in the type.
  switch (type) {
    case 'DATE':
    case 'MONTH':
    case 'TIME':
    case 'MINUTE':
    case 'SECOND':
    case 'DATETIME':
      return { kind: 'int32', type };
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return { kind: 'int64', type };
    default:
      return undefined;
  }
}

function int32Cell(r: number): number {
  return r > NULL_INT32 && r <= INT32_MAX ? r : NULL_INT32;
}

function int32ToInt32(src: Int32Array, out: Int32Array, steps: readonly Step[]): void {
  const [first] = steps;
  if (steps.length === 1 && first?.op === 'div') return int32Divide(src, out, first.by);
  const plan = compileFast(steps);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (v === NULL_INT32) {
      out[i] = NULL_INT32;
      continue;
    }
    const r = applyFast(plan, v);
    out[i] = int32Cell(r === r ? r : Number(applyExact(steps, BigInt(v))));
  }
}

/** The commonest conversion (DATETIME → DATE, TIME → SECOND, ...) in a loop of its own: twice as fast. */
function int32Divide(src: Int32Array, out: Int32Array, by: number): void {
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    out[i] = v === NULL_INT32 ? NULL_INT32 : Math.floor(v / by);
  }
}

function int64ToInt32(src: BigInt64Array, out: Int32Array, steps: readonly Step[]): void {
  const halves = halvesOf(src);
  const plan = compileFast(steps);
  const shifted = shiftedPlan(steps);
  for (let i = 0; i < src.length; i++) {
    const high = halves[2 * i + HIGH]!;
    const low = halves[2 * i + LOW]! >>> 0;
    if (high === NULL_INT32 && low === 0) {
      out[i] = NULL_INT32;
      continue;
    }
    const r = fastInt64(high, low, plan, shifted);
    out[i] = int32Cell(r === r ? r : Number(applyExact(steps, src[i]!)));
  }
}

function int32ToInt64(src: Int32Array, out: BigInt64Array, steps: readonly Step[]): void {
  const halvesOut = new Int32Array(out.buffer);
  const plan = compileFast(steps);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    const r = v === NULL_INT32 ? NaN : applyFast(plan, v);
    if (r === r) setInt64(halvesOut, i, r);
    else out[i] = v === NULL_INT32 ? NULL_INT64 : int64Cell(applyExact(steps, BigInt(v)));
  }
}

function int64ToInt64(src: BigInt64Array, out: BigInt64Array, steps: readonly Step[]): void {
  const halves = halvesOf(src);
  const halvesOut = new Int32Array(out.buffer);
  const plan = compileFast(steps);
  const shifted = shiftedPlan(steps);
  for (let i = 0; i < src.length; i++) {
    const high = halves[2 * i + HIGH]!;
    const low = halves[2 * i + LOW]! >>> 0;
    const isNull = high === NULL_INT32 && low === 0;
    const r = isNull ? NaN : fastInt64(high, low, plan, shifted);
    if (r === r) setInt64(halvesOut, i, r);
    else out[i] = isNull ? NULL_INT64 : int64Cell(applyExact(steps, src[i]!));
  }
}

/** Writes an exact integer |r| < 2^53 into an int64 cell through its halves. */
function setInt64(halves: Int32Array, i: number, r: number): void {
  const high = Math.floor(r / TWO_32);
  halves[2 * i + HIGH] = high;
  halves[2 * i + LOW] = (r - high * TWO_32) | 0;
}

function int64Cell(r: bigint): bigint {
  return r >= -INT64_MAX && r <= INT64_MAX ? r : NULL_INT64;
}
