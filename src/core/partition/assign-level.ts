// The hot path of a write: the partition of every row of one column in one level, in tight loops
// over typed arrays. No per-row allocation; at most one Map lookup per row (SYMBOL: one per
// dictionary entry); dense integer VALUE and LIST schemes use a direct table instead of a Map; a
// run of equal values, or of rows in one RANGE partition, reuses the last answer.

import { unreachable } from '../assert.ts';
import { NULL_INT32, nullOf, physicalKind } from '../types/column-type.ts';
import type { CellValue } from '../types/column-type.ts';
import type { Column } from '../types/column.ts';
import { HIGH, LOW, halvesOf, int64ToNumber } from '../types/int64-halves.ts';
import { levelPartitionOf } from './level-lookup.ts';
import { doubleHash, floatHash, hashToBucket, intBucket, mix64 } from './partition-hash.ts';
import type { LevelIndex } from './scheme-index.ts';

type NumberArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
type LookupLevel = Extract<LevelIndex, { readonly lookup: unknown }>;
type RangeLevel = Extract<LevelIndex, { readonly kind: 'RANGE' }>;

/**
 * Writes into `out[i]` the partition of row i of `column` in `level`, or −1 for a null or a value
 * outside the level. `column` must already have the level's type, or the other text type (see
 * coerceColumn). Agrees with levelPartitionOf on every row.
 */
export function assignLevel(level: LevelIndex, column: Column, out: Int32Array): void {
  if (column.type === 'SYMBOL')
    return assignSymbols(level, column.data.codes, column.data.dictionary, out);
  if (column.type === 'STRING') return assignStrings(level, column.data, out);
  if (column.data instanceof BigInt64Array) return assignInt64(level, column.data, out);
  return assignNumbers(level, column.data, Number(nullOf(column.type)), out);
}

function assignSymbols(
  level: LevelIndex,
  codes: Int32Array,
  dictionary: readonly string[],
  out: Int32Array,
): void {
  const perEntry = Int32Array.from(dictionary, (text) => levelPartitionOf(level, text));
  for (let i = 0; i < codes.length; i++) out[i] = perEntry[codes[i]!] ?? -1;
}

function assignStrings(level: LevelIndex, values: readonly string[], out: Int32Array): void {
  let last: string | undefined;
  let lastPartition = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== last) {
      last = v;
      lastPartition = levelPartitionOf(level, v);
    }
    out[i] = lastPartition;
  }
}

/** Number rows; `nullValue` is the column's null sentinel (NaN rows count as null too). */
function assignNumbers(
  level: LevelIndex,
  data: NumberArray,
  nullValue: number,
  out: Int32Array,
): void {
  switch (level.kind) {
    case 'VALUE':
    case 'LIST': {
      const lookup = numberLookup(level);
      if (lookup === undefined) return exactly(level, data, out);
      return lookup.kind === 'table'
        ? lookupTable(lookup, data, out)
        : lookupMap(lookup.map, data, out);
    }
    case 'RANGE': {
      const boundaries = numberBoundaries(level);
      if (boundaries === undefined) return exactly(level, data, out);
      return rangeNumbers(boundaries, data, nullValue, out);
    }
    case 'HASH':
      return hashNumbers(data, level.buckets, nullValue, out);
    default:
      return unreachable(level);
  }
}

/** 64-bit rows: hashed from their halves, else looked up as doubles (exact, see int64ToNumber). */
function assignInt64(level: LevelIndex, data: BigInt64Array, out: Int32Array): void {
  const halves = halvesOf(data);
  if (level.kind === 'HASH') {
    const buckets = level.buckets;
    for (let i = 0; i < data.length; i++) {
      const high = halves[2 * i + HIGH]!;
      const low = halves[2 * i + LOW]!;
      out[i] = high === NULL_INT32 && low === 0 ? -1 : hashToBucket(mix64(high, low), buckets);
    }
    return;
  }
  // Scheme values beyond ±2^53 cannot be compared as doubles: then every row goes the exact way.
  const numeric = level.kind === 'RANGE' ? numberBoundaries(level) : numberLookup(level);
  if (numeric === undefined) {
    for (let i = 0; i < data.length; i++) out[i] = levelPartitionOf(level, data[i]!);
    return;
  }
  const doubles = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const high = halves[2 * i + HIGH]!;
    const low = halves[2 * i + LOW]!;
    doubles[i] = high === NULL_INT32 && low === 0 ? Number.NaN : int64ToNumber(high, low);
  }
  assignNumbers(level, doubles, Number.NaN, out);
}

/** The slow, exact way: one scalar lookup per row (64-bit schemes with values beyond ±2^53). */
function exactly(level: LevelIndex, data: NumberArray, out: Int32Array): void {
  for (let i = 0; i < data.length; i++) out[i] = levelPartitionOf(level, data[i]!);
}

// ---- VALUE and LIST ----

/** A value → partition lookup over numbers: a direct table when the values are dense integers. */
type NumberLookup =
  | { readonly kind: 'table'; readonly min: number; readonly table: Int32Array }
  | { readonly kind: 'map'; readonly map: ReadonlyMap<number, number> };

/** Largest direct table in entries, and its most slack per value: bounds its memory. */
const MAX_TABLE = 1 << 22;
const TABLE_SLACK = 8;

const lookupCache = new WeakMap<LevelIndex, NumberLookup | undefined>();

/** The number lookup of a level, built once; undefined for text or 64-bit values beyond ±2^53. */
function numberLookup(level: LookupLevel): NumberLookup | undefined {
  if (lookupCache.has(level)) return lookupCache.get(level);
  const lookup = buildNumberLookup(level);
  lookupCache.set(level, lookup);
  return lookup;
}

function buildNumberLookup(level: LookupLevel): NumberLookup | undefined {
  const map = new Map<number, number>();
  let min = Infinity;
  let max = -Infinity;
  for (const [value, partition] of level.lookup) {
    const n = asNumber(value);
    if (n === undefined) return undefined;
    min = Math.min(min, n);
    max = Math.max(max, n);
    map.set(n, partition);
  }
  const kind = physicalKind(level.type);
  const integers = kind !== 'float32' && kind !== 'float64';
  const span = max - min + 1;
  if (!integers || span > MAX_TABLE || span > TABLE_SLACK * map.size + 1024)
    return { kind: 'map', map };
  const table = new Int32Array(span).fill(-1);
  for (const [n, partition] of map) table[n - min] = partition;
  return { kind: 'table', min, table };
}

/** A scheme value as an exact double, or undefined (text, or a bigint beyond ±2^53). */
function asNumber(value: CellValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' && Number.isSafeInteger(Number(value))) return Number(value);
  return undefined;
}

function lookupTable(
  lookup: { readonly min: number; readonly table: Int32Array },
  data: NumberArray,
  out: Int32Array,
): void {
  const { min, table } = lookup;
  const size = table.length;
  for (let i = 0; i < data.length; i++) {
    const offset = data[i]! - min;
    out[i] = offset >= 0 && offset < size ? table[offset]! : -1;
  }
}

function lookupMap(map: ReadonlyMap<number, number>, data: NumberArray, out: Int32Array): void {
  let last = Number.NaN;
  let lastPartition = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== last) {
      last = v;
      lastPartition = map.get(v) ?? -1;
    }
    out[i] = lastPartition;
  }
}

// ---- RANGE ----

const boundaryCache = new WeakMap<LevelIndex, Float64Array | undefined>();

function numberBoundaries(level: RangeLevel): Float64Array | undefined {
  if (boundaryCache.has(level)) return boundaryCache.get(level);
  const numbers = level.boundaries.map(asNumber);
  const result = numbers.every((n) => n !== undefined) ? Float64Array.from(numbers) : undefined;
  boundaryCache.set(level, result);
  return result;
}

function rangeNumbers(
  boundaries: Float64Array,
  data: NumberArray,
  nullValue: number,
  out: Int32Array,
): void {
  const first = boundaries[0]!;
  const end = boundaries[boundaries.length - 1]!;
  let low = Number.NaN;
  let high = Number.NaN;
  let partition = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // Null first: a float boundary of −Infinity lies below the float null.
    if (v === nullValue) out[i] = -1;
    else if (v >= low && v < high) out[i] = partition;
    else if (!(v >= first && v < end)) out[i] = -1;
    else {
      partition = searchBoundaries(boundaries, v);
      low = boundaries[partition]!;
      high = boundaries[partition + 1]!;
      out[i] = partition;
    }
  }
}

/** The i with boundaries[i] ≤ v < boundaries[i + 1], for v within the boundaries. */
function searchBoundaries(boundaries: Float64Array, v: number): number {
  let lo = 0;
  let hi = boundaries.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (boundaries[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ---- HASH ----

function hashNumbers(data: NumberArray, buckets: number, nullValue: number, out: Int32Array): void {
  if (data instanceof Float64Array) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      out[i] = v === nullValue || v !== v ? -1 : hashToBucket(doubleHash(v), buckets);
    }
  } else if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      out[i] = v === nullValue || v !== v ? -1 : hashToBucket(floatHash(v), buckets);
    }
  } else {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      out[i] = v === nullValue ? -1 : intBucket(v, buckets);
    }
  }
}
