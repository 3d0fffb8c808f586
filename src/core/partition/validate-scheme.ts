// The public check of a partition scheme; the rules live with the index it builds.

import type { PartitionScheme } from './partition-scheme.ts';
import { indexScheme } from './scheme-index.ts';

/**
 * Checks `scheme` and throws ShoalError INVALID_PARTITION_SCHEME naming the first problem:
 * an unknown kind or type; a VALUE scheme with no values or a duplicate; a RANGE scheme with
 * fewer than two boundaries or boundaries not strictly ascending (text compares by UTF-16 code
 * units); HASH buckets not a whole number from 1 to 65,536; a LIST scheme with an empty list or
 * a value in two lists; a COMPO scheme without exactly two non-COMPO levels; a null, NaN or
 * wrongly typed value anywhere; more than MAX_PARTITIONS partitions in all.
 */
export function validateScheme(scheme: PartitionScheme): void {
  indexScheme(scheme);
}
