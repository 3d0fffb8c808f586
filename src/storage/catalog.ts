// The catalog: databases, tables, schemas, partitions and their segments, as one immutable
// value per committed version. Readers hold a version (a snapshot) while writers build the
// next one; a change replaces only the path it touches (copy-on-write maps).

import type { PartitionScheme } from '../core/partition/index.ts';
import type { ColumnType } from '../core/types/column-type.ts';

export interface ColumnMeta {
  /** Stable for the column's life: segment files name columns by id, so renames are free. */
  readonly id: number;
  readonly name: string;
  readonly type: ColumnType;
  readonly comment: string;
}

export type TableKind = 'partitioned' | 'dimension';

export interface TableMeta {
  /** Unique in the store; names the table's folder, so a rename moves no file. */
  readonly id: number;
  readonly name: string;
  readonly kind: TableKind;
  readonly columns: readonly ColumnMeta[];
  /** Names of the partitioning columns, one per scheme level ([] for a dimension table). */
  readonly partitionColumns: readonly string[];
  readonly comment: string;
  readonly nextColumnId: number;
}

export interface DatabaseMeta {
  /** Unique in the store; names the database's folder. */
  readonly id: number;
  readonly name: string;
  readonly scheme: PartitionScheme;
}

/** One immutable segment file and the rows deleted from it since it was written. */
export interface SegmentState {
  readonly id: number;
  readonly rows: number;
  readonly bytes: number;
  /** CRC-32 of the whole file, verified on every read. */
  readonly crc32: number;
  /** Sorted, distinct positions of deleted rows. */
  readonly deleted: Uint32Array;
}

export interface PartitionState {
  readonly key: string;
  readonly segments: readonly SegmentState[];
}

export interface TableState {
  readonly meta: TableMeta;
  readonly partitions: ReadonlyMap<string, PartitionState>;
}

export interface DatabaseState {
  readonly meta: DatabaseMeta;
  readonly tables: ReadonlyMap<string, TableState>;
}

export interface CatalogState {
  /** Transaction id of the last commit; 0 for an empty store. */
  readonly version: number;
  /** Next id for databases, tables and segments (one sequence, never reused). */
  readonly nextId: number;
  readonly databases: ReadonlyMap<string, DatabaseState>;
}

export const EMPTY_CATALOG: CatalogState = { version: 0, nextId: 1, databases: new Map() };

/** Key of the single partition of a dimension table. */
export const DIMENSION_PARTITION_KEY = 'dim';

/** Number of rows a segment still holds. */
export function liveRows(segment: SegmentState): number {
  return segment.rows - segment.deleted.length;
}

/** Number of live rows in a table. */
export function tableRowCount(table: TableState): number {
  let rows = 0;
  for (const partition of table.partitions.values()) {
    for (const segment of partition.segments) rows += liveRows(segment);
  }
  return rows;
}
