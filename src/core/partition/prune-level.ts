// Which partitions of one level may hold a value a filter admits. Conservative by construction:
// a partition is dropped only when no admitted value can lie in it.

import { unreachable } from '../assert.ts';
import { physicalKind } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { compareCells } from './cell-values.ts';
import { hashBucket } from './partition-hash.ts';
import type { LevelFilter } from './partition-predicate.ts';
import type { LevelIndex } from './scheme-index.ts';

/** Most values a HASH level enumerates to find the buckets of a range; beyond, it keeps them all. */
const MAX_HASH_ENUMERATION = 65_536;

/** Tests of a filter: does it admit x, and does it admit any value in [a, b)? */
interface Matcher {
  readonly contains: (x: CellValue) => boolean;
  readonly meets: (a: CellValue, b: CellValue) => boolean;
}

/** For each partition of `level` (scheme order), 1 when it may hold a value `filter` admits. */
export function pruneLevel(level: LevelIndex, filter: LevelFilter): Uint8Array {
  const mask = new Uint8Array(level.count);
  if (filter.kind === 'all') return mask.fill(1);
  if (level.kind === 'HASH') return hashMask(level.type, level.buckets, filter, mask);
  if (level.kind !== 'RANGE' && isPoints(filter)) {
    // Equalities on a VALUE or LIST level: one lookup per value instead of a scan of the level.
    for (const [value] of filter.intervals) {
      const partition = level.lookup.get(value);
      if (partition !== undefined) mask[partition] = 1;
    }
    return mask;
  }
  const matcher = matcherOf(filter);
  switch (level.kind) {
    case 'VALUE':
      level.values.forEach((v, i) => (mask[i] = matcher.contains(v) ? 1 : 0));
      return mask;
    case 'LIST':
      level.lists.forEach((list, i) => (mask[i] = list.some(matcher.contains) ? 1 : 0));
      return mask;
    case 'RANGE':
      for (let i = 0; i < level.count; i++) {
        mask[i] = matcher.meets(level.boundaries[i]!, level.boundaries[i + 1]!) ? 1 : 0;
      }
      return mask;
    default:
      return unreachable(level);
  }
}

function isPoints(
  filter: LevelFilter,
): filter is Extract<LevelFilter, { readonly kind: 'closed' }> {
  return (
    filter.kind === 'closed' && filter.intervals.every(([lo, hi]) => compareCells(lo, hi) === 0)
  );
}

function matcherOf(filter: Exclude<LevelFilter, { readonly kind: 'all' }>): Matcher {
  if (filter.kind === 'closed') return unionMatcher(filter.intervals);
  const { low, high, lowInclusive, highInclusive } = filter;
  const aboveLow = (x: CellValue): boolean => {
    if (low === undefined) return true;
    const order = compareCells(x, low);
    return order > 0 || (order === 0 && lowInclusive);
  };
  const belowHigh = (x: CellValue): boolean => {
    if (high === undefined) return true;
    const order = compareCells(x, high);
    return order < 0 || (order === 0 && highInclusive);
  };
  return {
    contains: (x) => aboveLow(x) && belowHigh(x),
    // [a, b) meets the range when a is not above it and low is below b.
    meets: (a, b) => belowHigh(a) && (low === undefined || compareCells(low, b) < 0),
  };
}

/**
 * A union of closed intervals, sorted by start with the running maximum of their ends: the
 * intervals starting at or before x reach x exactly when that maximum does. Binary search.
 */
function unionMatcher(intervals: readonly (readonly [CellValue, CellValue])[]): Matcher {
  const sorted = [...intervals].sort((p, q) => compareCells(p[0], q[0]));
  const starts = sorted.map((interval) => interval[0]);
  const reach: CellValue[] = [];
  for (const [i, [, end]] of sorted.entries()) {
    const before = reach[i - 1];
    reach.push(before !== undefined && compareCells(before, end) > 0 ? before : end);
  }
  /** Number of intervals whose start is below x (strict) or at most x. */
  const startingBefore = (x: CellValue, strict: boolean): number => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const order = compareCells(starts[mid]!, x);
      if (order < 0 || (order === 0 && !strict)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const reaches = (count: number, x: CellValue): boolean =>
    count > 0 && compareCells(reach[count - 1]!, x) >= 0;
  return {
    contains: (x) => reaches(startingBefore(x, false), x),
    meets: (a, b) => reaches(startingBefore(b, true), a),
  };
}

// ---- HASH ----

function hashMask(
  type: ColumnType,
  buckets: number,
  filter: Exclude<LevelFilter, { readonly kind: 'all' }>,
  mask: Uint8Array,
): Uint8Array {
  const intervals = filter.kind === 'closed' ? filter.intervals : rangeAsInterval(type, filter);
  if (intervals === undefined) return mask.fill(1);
  let budget = MAX_HASH_ENUMERATION;
  for (const [lo, hi] of intervals) {
    if (compareCells(lo, hi) === 0) {
      mask[hashBucket(type, lo, buckets)] = 1;
      continue;
    }
    const kind = physicalKind(type);
    if (kind === 'text' || kind === 'float32' || kind === 'float64') return mask.fill(1);
    const span = BigInt(hi) - BigInt(lo) + 1n;
    if (span > BigInt(budget)) return mask.fill(1);
    budget -= Number(span);
    for (let v = BigInt(lo); v <= BigInt(hi); v++) {
      mask[hashBucket(type, kind === 'int64' ? v : Number(v), buckets)] = 1;
    }
  }
  return mask;
}

/**
 * A bounded range over an integer type as one closed interval; undefined when open, or when
 * the type is not integral (a DOUBLE range (0, 1) holds 0.1 however integral its bounds).
 */
function rangeAsInterval(
  type: ColumnType,
  filter: Extract<LevelFilter, { readonly kind: 'range' }>,
): readonly (readonly [CellValue, CellValue])[] | undefined {
  const kind = physicalKind(type);
  if (kind === 'text' || kind === 'float32' || kind === 'float64') return undefined;
  const { low, high } = filter;
  if (
    low === undefined ||
    high === undefined ||
    typeof low === 'string' ||
    typeof high === 'string'
  ) {
    return undefined;
  }
  if (typeof low === 'number' && !Number.isInteger(low)) return undefined;
  if (typeof high === 'number' && !Number.isInteger(high)) return undefined;
  const lo = BigInt(low) + (filter.lowInclusive ? 0n : 1n);
  const hi = BigInt(high) - (filter.highInclusive ? 0n : 1n);
  if (lo > hi) return [];
  const physical = (v: bigint): CellValue => (typeof low === 'bigint' ? v : Number(v));
  return [[physical(lo), physical(hi)]];
}
