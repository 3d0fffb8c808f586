// The partitioning API: schemes, their keys, assigning rows, pruning, and growing a scheme.

export type { LevelScheme, PartitionScheme } from './partition-scheme.ts';
export { MAX_HASH_BUCKETS, MAX_PARTITIONS } from './partition-scheme.ts';
export { validateScheme } from './validate-scheme.ts';
export { encodeKeyText, partitionKeys } from './partition-keys.ts';
export { assignPartitions } from './assign-partitions.ts';
export type { PartitionAssignment } from './assign-partitions.ts';
export { partitionKeyOf } from './partition-key-of.ts';
export { prunePartitions } from './prune-partitions.ts';
export type { PartitionPredicate } from './prune-partitions.ts';
export { addRangePartitions, addValuePartitions } from './evolve-scheme.ts';
export { describeScheme } from './describe-scheme.ts';
