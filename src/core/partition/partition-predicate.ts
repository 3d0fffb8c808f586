// Predicates on partition columns, and their translation into the scheme's type for pruning. A
// predicate's values may be of another temporal type than the scheme (a DATETIME range on a DATE
// scheme): bounds then widen to whole periods, so no partition that could match is ever dropped.

import { ShoalError } from '../errors.ts';
import { unreachable } from '../assert.ts';
import { physicalKind } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { convertTemporalTicks, isMonotoneTemporalConversion } from '../types/temporal-convert.ts';
import { compareCells, hasPhysicalForm, isValidCell, normalizeCell } from './cell-values.ts';
import { coercionOf } from './column-coerce.ts';

/** A condition on one partition column; `type` is the type of the predicate's values. */
export type PartitionPredicate =
  | { readonly kind: 'all' }
  | { readonly kind: 'eq'; readonly value: CellValue; readonly type: ColumnType }
  | { readonly kind: 'in'; readonly values: readonly CellValue[]; readonly type: ColumnType }
  | {
      readonly kind: 'range';
      readonly type: ColumnType;
      /** Absent (or null) for no lower bound. */
      readonly low?: CellValue;
      /** Absent (or null) for no upper bound. */
      readonly high?: CellValue;
      readonly lowInclusive: boolean;
      readonly highInclusive: boolean;
    };

/**
 * A predicate in the scheme's type, as a superset of the values it can match: everything, one
 * interval (bounds absent when open), or a union of closed intervals (empty: nothing matches).
 * Values are canonical physical values of the scheme type.
 */
export type LevelFilter =
  | { readonly kind: 'all' }
  | {
      readonly kind: 'range';
      readonly low?: CellValue;
      readonly high?: CellValue;
      readonly lowInclusive: boolean;
      readonly highInclusive: boolean;
    }
  | { readonly kind: 'closed'; readonly intervals: readonly (readonly [CellValue, CellValue])[] };

const ALL: LevelFilter = { kind: 'all' };

/** How predicate values map into the scheme type. */
interface Translation {
  /** The closed interval of scheme values a value can be; undefined when it can match nothing (null). */
  readonly point: (value: CellValue) => readonly [CellValue, CellValue] | undefined;
  /** Whether a range keeps its exclusive bounds (only when values map one to one). */
  readonly exact: boolean;
  /** Whether ranges translate at all (not when the conversion reverses order somewhere). */
  readonly ordered: boolean;
}

/**
 * The filter of `predicate` on a level of type `schemeType`. Predicates whose type cannot be
 * compared with the scheme's, and ranges over an instant on a time-of-day scheme, keep every
 * partition; a null value matches nothing, a null bound is no bound. Throws ShoalError
 * TYPE_MISMATCH for a value that is not a physical value of the predicate's type.
 */
export function levelFilterOf(predicate: PartitionPredicate, schemeType: ColumnType): LevelFilter {
  if (predicate.kind === 'all') return ALL;
  const translation = translationOf(predicate.type, schemeType);
  if (translation === undefined) return ALL;
  const point = (value: CellValue): readonly [CellValue, CellValue] | undefined => {
    if (!hasPhysicalForm(predicate.type, value)) {
      throw new ShoalError(
        'TYPE_MISMATCH',
        `${String(value)} is not a physical ${predicate.type} value`,
      );
    }
    return isValidCell(predicate.type, value) ? translation.point(value) : undefined;
  };
  switch (predicate.kind) {
    case 'eq':
      return closed([point(predicate.value)]);
    case 'in':
      return closed(predicate.values.map(point));
    case 'range':
      return translation.ordered ? rangeFilter(predicate, point, translation.exact) : ALL;
    default:
      return unreachable(predicate);
  }
}

function closed(intervals: readonly (readonly [CellValue, CellValue] | undefined)[]): LevelFilter {
  return { kind: 'closed', intervals: intervals.filter((i) => i !== undefined) };
}

function rangeFilter(
  predicate: Extract<PartitionPredicate, { readonly kind: 'range' }>,
  point: (value: CellValue) => readonly [CellValue, CellValue] | undefined,
  exact: boolean,
): LevelFilter {
  const low = predicate.low === undefined ? undefined : point(predicate.low)?.[0];
  const high = predicate.high === undefined ? undefined : point(predicate.high)?.[1];
  const lowInclusive = !exact || predicate.lowInclusive;
  const highInclusive = !exact || predicate.highInclusive;
  if (low !== undefined && high !== undefined) {
    const order = compareCells(low, high);
    if (order > 0 || (order === 0 && !(lowInclusive && highInclusive))) return closed([]);
  }
  return {
    kind: 'range',
    ...(low === undefined ? {} : { low }),
    ...(high === undefined ? {} : { high }),
    lowInclusive,
    highInclusive,
  };
}

function translationOf(from: ColumnType, to: ColumnType): Translation | undefined {
  const coercion = coercionOf(from, to);
  if (coercion === undefined) return undefined;
  if (coercion === 'unchanged') {
    // FLOAT bounds round to float32, possibly past a matching value: keep them inclusive.
    const exact = physicalKind(to) !== 'float32';
    return {
      point: (v) => [normalizeCell(to, v), normalizeCell(to, v)],
      exact,
      ordered: true,
    };
  }
  const finest = isTimeOfDay(from) ? 'NANOTIME' : 'NANOTIMESTAMP';
  return {
    point: (v) => {
      const ticks = BigInt(v);
      const first = convertTemporalTicks(ticks, from, to);
      // The period of v ends one nanosecond before the next value's period starts.
      const end = convertTemporalTicks(ticks + 1n, from, finest) - 1n;
      return [clamp(first, to), clamp(convertTemporalTicks(end, finest, to), to)];
    },
    exact: false,
    ordered: isMonotoneTemporalConversion(from, to),
  };
}

function isTimeOfDay(type: ColumnType): boolean {
  return type === 'TIME' || type === 'MINUTE' || type === 'SECOND' || type === 'NANOTIME';
}

const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 2n ** 31n - 1n;

/** `ticks` clamped into the non-null values of `type`: beyond them nothing can match anyway. */
function clamp(ticks: bigint, type: ColumnType): CellValue {
  const max = physicalKind(type) === 'int64' ? INT64_MAX : INT32_MAX;
  const clamped = ticks > max ? max : ticks < -max ? -max : ticks;
  return physicalKind(type) === 'int64' ? clamped : Number(clamped);
}
