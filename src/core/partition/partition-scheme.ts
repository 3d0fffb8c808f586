// The partition schemes of a database, after DolphinDB: VALUE (one partition per value), RANGE
// (half-open intervals between ascending boundaries), HASH (buckets of a fixed hash), LIST
// (one partition per list of values) and COMPO (two levels, each one of the others).
// Values are physical CellValues of the scheme's type (see column-type.ts).

import type { CellValue, ColumnType } from '../types/column-type.ts';

/** A partition scheme (see the file comment); validateScheme states what makes one valid. */
export type PartitionScheme =
  | { readonly kind: 'VALUE'; readonly type: ColumnType; readonly values: readonly CellValue[] }
  /** n + 1 ascending boundaries make n partitions [b_i, b_{i+1}). */
  | { readonly kind: 'RANGE'; readonly type: ColumnType; readonly boundaries: readonly CellValue[] }
  | { readonly kind: 'HASH'; readonly type: ColumnType; readonly buckets: number }
  | {
      readonly kind: 'LIST';
      readonly type: ColumnType;
      readonly lists: readonly (readonly CellValue[])[];
    }
  /** Two levels, each non-COMPO; a partition is a pair of level partitions. */
  | { readonly kind: 'COMPO'; readonly levels: readonly [PartitionScheme, PartitionScheme] };

/** A scheme that partitions by one column: any kind but COMPO. */
export type LevelScheme = Exclude<PartitionScheme, { readonly kind: 'COMPO' }>;

export { MAX_HASH_BUCKETS, MAX_PARTITIONS } from '../limits.ts';
