// Reading a table's live rows inside a write transaction (update, delete, upsert, replace
// column): the transaction's locks keep these partitions still while it reads them.

import type { Column } from '../core/types/column.ts';
import type { DatabaseState, SegmentState, TableState } from './catalog.ts';
import { livePositions, readSegmentColumns } from './snapshot.ts';
import type { Writer } from './store.ts';
import { segmentPath } from './store-paths.ts';

/** Live rows of a table's columns, by column name, as a predicate or expression sees them. */
export interface RowBatch {
  readonly rows: number;
  readonly columns: ReadonlyMap<string, Column>;
}

/** One segment's live rows with their positions in the segment. */
export interface SegmentRows {
  readonly partition: string;
  readonly segment: SegmentState;
  readonly positions: Uint32Array;
  /** In schema order. */
  readonly columns: readonly Column[];
  readonly batch: RowBatch;
}

/** Visits every segment of `partitions` (or of all partitions) one at a time. */
export async function forEachSegment(
  store: Writer,
  db: DatabaseState,
  table: TableState,
  partitions: readonly string[] | undefined,
  visit: (rows: SegmentRows) => void | Promise<void>,
): Promise<void> {
  const wanted = table.meta.columns.map(({ id, type }) => ({ id, type }));
  for (const key of partitions ?? [...table.partitions.keys()]) {
    for (const segment of table.partitions.get(key)?.segments ?? []) {
      const file = segmentPath(store.dir, db.meta.id, table.meta.id, key, segment.id);
      const columns = await readSegmentColumns(store.fs, file, segment, wanted);
      const positions = livePositions(segment);
      await visit({
        partition: key,
        segment,
        positions,
        columns,
        batch: toBatch(table, columns, positions.length),
      });
    }
  }
}

/** Names the columns of a row set for predicates and expressions. */
export function toBatch(table: TableState, columns: readonly Column[], rows: number): RowBatch {
  return {
    rows,
    columns: new Map(table.meta.columns.map((meta, i) => [meta.name, columns[i] as Column])),
  };
}
