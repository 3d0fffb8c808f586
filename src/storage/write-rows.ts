// Shared steps of the data writes: checking a write's columns against the table, splitting
// rows by partition, and writing them as segments of at most MAX_SEGMENT_ROWS.

import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import { MAX_SEGMENT_ROWS, MAX_WRITE_ROWS } from '../core/limits.ts';
import { assignPartitions } from '../core/partition/index.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import {
  columnFromValues,
  columnValues,
  encodeSymbols,
  sliceRows,
  takeRows,
} from '../core/types/column-ops.ts';
import type { DatabaseState, TableState } from './catalog.ts';
import { DIMENSION_PARTITION_KEY } from './catalog.ts';
import type { AddedSegment, CatalogChange } from './commit-effects.ts';
import type { WriteContext } from './store.ts';

/** Rows of a write split by partition: `rows` indexes the write's rows (undefined = all). */
export interface PartitionRows {
  readonly key: string;
  readonly rows: Int32Array | undefined;
}

/**
 * Checks `columns` (positional, one per table column) against the table: count, length and
 * type. SYMBOL and STRING are accepted for each other; anything else must match exactly.
 */
export function conformColumns(
  db: string,
  table: TableState,
  columns: readonly Column[],
): Column[] {
  const schema = table.meta.columns;
  if (columns.length !== schema.length) {
    throw new ShoalError(
      'COLUMN_MISMATCH',
      `${db}/${table.meta.name} has ${schema.length} columns (${schema.map((c) => c.name).join(', ')}); the write has ${columns.length}`,
    );
  }
  const rows = columnLength(columns[0] as Column);
  if (rows > MAX_WRITE_ROWS) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `a write of ${rows} rows exceeds the limit of ${MAX_WRITE_ROWS}: split it`,
    );
  }
  return columns.map((column, i) => {
    const meta = schema[i];
    assert(meta !== undefined, 'column count checked above');
    if (columnLength(column) !== rows) {
      throw new ShoalError(
        'COLUMN_MISMATCH',
        `column ${meta.name} has ${columnLength(column)} rows; the first column has ${rows}`,
      );
    }
    if (column.type === meta.type) return column;
    if (column.type === 'STRING' && meta.type === 'SYMBOL')
      return { type: 'SYMBOL', data: encodeSymbols(column.data) };
    if (column.type === 'SYMBOL' && meta.type === 'STRING')
      return columnFromValues('STRING', columnValues(column));
    throw new ShoalError(
      'TYPE_MISMATCH',
      `column ${meta.name} of ${db}/${table.meta.name} is ${meta.type}; the write gives ${column.type}`,
    );
  });
}

/** Splits the rows of a write by the partition each falls in (OUTSIDE_PARTITION_SCHEME if none). */
export function splitByPartition(
  db: DatabaseState,
  table: TableState,
  columns: readonly Column[],
): PartitionRows[] {
  if (table.meta.kind === 'dimension') return [{ key: DIMENSION_PARTITION_KEY, rows: undefined }];
  const levels = table.meta.partitionColumns.map((name) => {
    const index = table.meta.columns.findIndex((c) => c.name === name);
    assert(index >= 0, `partitioning column ${name} missing from the schema`);
    return columns[index] as Column;
  });
  const { keys, rowPartition } = assignPartitions(db.meta.scheme, levels, { dbName: db.meta.name });
  if (keys.length === 1) return [{ key: keys[0] as string, rows: undefined }];
  const counts = new Int32Array(keys.length);
  for (let i = 0; i < rowPartition.length; i++) {
    const k = rowPartition[i] as number;
    counts[k] = (counts[k] as number) + 1;
  }
  const lists = keys.map((_, k) => new Int32Array(counts[k] as number));
  const fill = new Int32Array(keys.length);
  for (let i = 0; i < rowPartition.length; i++) {
    const k = rowPartition[i] as number;
    const at = fill[k] as number;
    (lists[k] as Int32Array)[at] = i;
    fill[k] = at + 1;
  }
  return keys.map((key, k) => ({ key, rows: lists[k] as Int32Array }));
}

/**
 * A write's rows checked (conformColumns) and split (splitByPartition) against one definition
 * of its database and table: a caller that split them already (a cluster coordinator, which
 * needs the partition keys first) passes this to append so the rows are not split twice.
 */
export interface PlannedRows {
  /** The definitions the plan was made against: it holds while the catalog has these. */
  readonly database: DatabaseState['meta'];
  readonly table: TableState['meta'];
  /** The write's columns after conformColumns, in schema order. */
  readonly columns: readonly Column[];
  readonly parts: readonly PartitionRows[];
}

/** conformColumns and splitByPartition of `columns` against `db` and `table`, as a plan. */
export function planRows(
  db: DatabaseState,
  table: TableState,
  columns: readonly Column[],
): PlannedRows {
  const conformed = conformColumns(db.meta.name, table, columns);
  const parts = splitByPartition(db, table, conformed);
  return { database: db.meta, table: table.meta, columns: conformed, parts };
}

/**
 * `planned` when it was made against these definitions of `db` and `table` (catalog entries
 * are replaced, never changed, so the same objects mean the same schema and scheme); else
 * the plan of `columns` made now.
 */
export function currentPlan(
  db: DatabaseState,
  table: TableState,
  columns: readonly Column[],
  planned: PlannedRows | undefined,
): PlannedRows {
  if (planned === undefined || planned.database !== db.meta || planned.table !== table.meta)
    return planRows(db, table, columns);
  const rows = (c: readonly Column[]): number => (c[0] === undefined ? 0 : columnLength(c[0]));
  assert(
    planned.columns.length === columns.length && rows(planned.columns) === rows(columns),
    'a plan is of the columns it comes with',
  );
  return planned;
}

/** Writes the rows of each partition as segments; returns the add-segments changes. */
export async function writePartitionRows(
  context: WriteContext,
  db: DatabaseState,
  table: TableState,
  columns: readonly Column[],
  parts: readonly PartitionRows[],
): Promise<CatalogChange[]> {
  const total = columns.length === 0 ? 0 : columnLength(columns[0] as Column);
  const jobs: { key: string; rows: Int32Array | undefined; start: number; end: number }[] = [];
  for (const part of parts) {
    const count = part.rows?.length ?? total;
    for (let start = 0; start < count; start += MAX_SEGMENT_ROWS) {
      const end = Math.min(count, start + MAX_SEGMENT_ROWS);
      jobs.push({ key: part.key, rows: part.rows?.subarray(start, end), start, end });
    }
  }
  const written = await context.parallel(
    jobs.map((job) => async () => {
      const segmentColumns = table.meta.columns.map((meta, i) => {
        const column = columns[i] as Column;
        return { id: meta.id, name: meta.name, column: segmentRows(column, job) };
      });
      return {
        key: job.key,
        segment: await context.writeSegment(db.meta.id, table.meta.id, job.key, segmentColumns),
      };
    }),
  );
  const byPartition = new Map<string, AddedSegment[]>();
  for (const { key, segment } of written)
    byPartition.set(key, [...(byPartition.get(key) ?? []), segment]);
  return [...byPartition].map(([partition, segments]) => ({
    kind: 'add-segments',
    db: db.meta.name,
    table: table.meta.name,
    partition,
    segments,
  }));
}

/**
 * A segment's rows of `column`: the rows listed (gathered), or a contiguous range of all of
 * them, viewed without a copy.
 */
function segmentRows(
  column: Column,
  job: { readonly rows: Int32Array | undefined; readonly start: number; readonly end: number },
): Column {
  if (job.rows !== undefined) return takeRows(column, job.rows);
  return job.start === 0 && job.end === columnLength(column)
    ? column
    : sliceRows(column, job.start, job.end);
}
