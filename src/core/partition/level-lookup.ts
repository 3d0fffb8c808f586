// The partition of one value in one level: the reference the vectorised assignment must agree
// with, and the per-entry step for SYMBOL dictionaries and STRING rows.

import { unreachable } from '../assert.ts';
import type { CellValue } from '../types/column-type.ts';
import { compareCells, isValidCell, normalizeCell } from './cell-values.ts';
import { hashBucket } from './partition-hash.ts';
import type { LevelIndex } from './scheme-index.ts';

/**
 * The partition (0-based, scheme order) of `value`, a physical value of `level.type`, or −1 when
 * it is null, NaN or outside the level (not a VALUE, in no LIST, outside every RANGE).
 */
export function levelPartitionOf(level: LevelIndex, value: CellValue): number {
  if (!isValidCell(level.type, value)) return -1;
  const v = normalizeCell(level.type, value);
  switch (level.kind) {
    case 'VALUE':
    case 'LIST':
      return level.lookup.get(v) ?? -1;
    case 'RANGE':
      return rangePartitionOf(level.boundaries, v);
    case 'HASH':
      return hashBucket(level.type, v, level.buckets);
    default:
      return unreachable(level);
  }
}

/** The i with boundaries[i] ≤ v < boundaries[i + 1], or −1. Binary search. */
export function rangePartitionOf(boundaries: readonly CellValue[], v: CellValue): number {
  const last = boundaries.length - 1;
  if (compareCells(v, boundaries[0]!) < 0 || compareCells(v, boundaries[last]!) >= 0) return -1;
  let lo = 0;
  let hi = last - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (compareCells(boundaries[mid]!, v) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
