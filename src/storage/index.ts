// The storage layer's public surface: open a Store, run operations on it, read snapshots.

export { Store } from './store.ts';
export type { StoreOptions, CommitListener, Writer } from './store.ts';
export type { PreparedWrite } from './prepared-write.ts';
export type { TransactionStatus } from './prepared-transactions.ts';
export { Snapshot } from './snapshot.ts';
export type { ScanOptions, SegmentBatch, TableChecksum } from './snapshot.ts';
export type {
  CatalogState,
  DatabaseState,
  TableState,
  TableMeta,
  ColumnMeta,
  SegmentState,
} from './catalog.ts';
export type { CommitEffects, CatalogChange, AddedSegment } from './commit-effects.ts';
export { encodeEffects, decodeEffects } from './commit-effects.ts';
export {
  formatChecksum,
  addChecksums,
  checksumColumns,
  EMPTY_CHECKSUM,
} from './content-checksum.ts';
export type { ContentChecksum } from './content-checksum.ts';
export type { ColumnSpec } from './validate.ts';
export type { RowBatch } from './row-scan.ts';
export type { RowFilter, RowExpression, RowSelection } from './row-change-ops.ts';
export {
  createDatabase,
  dropDatabase,
  addValuePartitions,
  addRangePartitions,
} from './database-ops.ts';
export {
  createPartitionedTable,
  createDimensionTable,
  dropTable,
  renameTable,
  addColumn,
  dropColumns,
  renameColumn,
  setColumnComment,
  setTableComment,
} from './table-ops.ts';
export { replaceColumn } from './replace-column-op.ts';
export { append } from './append-op.ts';
export { appendStream } from './append-stream-op.ts';
export type { AppendChunk } from './append-stream-op.ts';
export { upsert } from './upsert-op.ts';
export { deleteRows, updateRows } from './row-change-ops.ts';
export { truncate, dropPartition } from './partition-ops.ts';
export { compactAll, compactPartition, startCompaction } from './compaction.ts';
export type { CompactionHandle, CompactionPass } from './compaction.ts';
export { conformColumns, planRows, splitByPartition } from './write-rows.ts';
export type { PartitionRows, PlannedRows } from './write-rows.ts';
export { ChunkCrcs } from './chunk-crcs.ts';
