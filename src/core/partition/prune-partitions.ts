// Partition pruning: from predicates on the partition columns to the partitions a query must read.

import { ShoalError } from '../errors.ts';
import { levelFilterOf } from './partition-predicate.ts';
import type { PartitionPredicate } from './partition-predicate.ts';
import { levelKey } from './partition-keys.ts';
import type { PartitionScheme } from './partition-scheme.ts';
import { pruneLevel } from './prune-level.ts';
import { indexScheme } from './scheme-index.ts';

export type { PartitionPredicate } from './partition-predicate.ts';

const ALL: PartitionPredicate = { kind: 'all' };

/**
 * The keys of the partitions that may hold rows matching `predicates` (one per level; a missing
 * one keeps the level whole), in scheme order. Never drops a partition that could hold a match:
 * values of another temporal type widen to the periods they cover, and what cannot be translated
 * keeps every partition (see levelFilterOf). Throws ShoalError INVALID_ARGUMENT for more
 * predicates than levels, TYPE_MISMATCH for a value not of its predicate's type, and
 * INVALID_PARTITION_SCHEME for an invalid scheme.
 */
export function prunePartitions(
  scheme: PartitionScheme,
  predicates: readonly PartitionPredicate[],
): string[] {
  const { levels } = indexScheme(scheme);
  if (predicates.length > levels.length) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `the partition scheme has ${levels.length} level(s), so at most ${levels.length} predicate(s), not ${predicates.length}`,
    );
  }
  const kept = levels.map((level, l) => {
    const mask = pruneLevel(level, levelFilterOf(predicates[l] ?? ALL, level.type));
    const keys: string[] = [];
    mask.forEach((keep, i) => {
      if (keep === 1) keys.push(levelKey(level, i));
    });
    return keys;
  });
  const [first = [], second] = kept;
  if (second === undefined) return first;
  return first.flatMap((a) => second.map((b) => `${a}/${b}`));
}
