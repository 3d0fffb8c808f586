// upsert!: rows whose key columns match a live row replace it; the others are appended.
// Within one write the last row of a key wins. Keys are matched within a partition, so the
// key of a partitioned table must include its partitioning columns.

import { ShoalError } from '../core/errors.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import { cellAt } from '../core/types/column-ops.ts';
import type { CatalogChange, CommitEffects } from './commit-effects.ts';
import { databaseLock, partitionLock, tableLock } from './lock-names.ts';
import { forEachSegment } from './row-scan.ts';
import { requireDatabase, requireTable } from './snapshot.ts';
import type { Writer } from './store.ts';
import { requireColumn } from './validate.ts';
import { conformColumns, splitByPartition, writePartitionRows } from './write-rows.ts';
import type { PartitionRows } from './write-rows.ts';

/** Upserts `columns` (one per table column, schema order) keyed by `keyColumns`. */
export async function upsert(
  store: Writer,
  db: string,
  table: string,
  columns: readonly Column[],
  keyColumns: readonly string[],
): Promise<CommitEffects> {
  let conformed: Column[] = [];
  let parts: PartitionRows[] = [];
  let keyIndexes: number[] = [];
  return store.write(
    `upsert(${db}/${table})`,
    [databaseLock(db, 'shared'), tableLock(db, table, 'shared')],
    async (context) => {
      const dbState = requireDatabase(context.state, db);
      const tableState = requireTable(context.state, db, table);
      const changes: CatalogChange[] = [];
      const kept: PartitionRows[] = [];
      for (const part of parts) {
        const incoming = lastRowPerKey(conformed, keyIndexes, part.rows);
        const keys = new Set<string>();
        for (const row of incoming) keys.add(rowKey(conformed, keyIndexes, row));
        await forEachSegment(
          store,
          dbState,
          tableState,
          [part.key],
          ({ segment, positions, columns }) => {
            const hits: number[] = [];
            for (let i = 0; i < positions.length; i++) {
              if (keys.has(rowKey(columns, keyIndexes, i))) hits.push(positions[i] as number);
            }
            if (hits.length > 0) {
              changes.push({
                kind: 'delete-rows',
                db,
                table,
                partition: part.key,
                segmentId: segment.id,
                positions: Uint32Array.from(hits),
              });
            }
          },
        );
        kept.push({ key: part.key, rows: incoming });
      }
      changes.push(...(await writePartitionRows(context, dbState, tableState, conformed, kept)));
      return {
        kind: 'UPSERT',
        db,
        table,
        rowsWritten: kept.reduce((n, p) => n + (p.rows?.length ?? 0), 0),
        changes,
      };
    },
    (state) => {
      const tableState = requireTable(state, db, table);
      keyIndexes = keyColumnIndexes(db, tableState, keyColumns);
      conformed = conformColumns(db, tableState, columns);
      parts = splitByPartition(requireDatabase(state, db), tableState, conformed);
      return parts.map((p) => partitionLock(db, table, p.key));
    },
  );
}

function keyColumnIndexes(
  db: string,
  table: ReturnType<typeof requireTable>,
  keyColumns: readonly string[],
): number[] {
  if (keyColumns.length === 0)
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `upsert into ${db}/${table.meta.name} needs key columns`,
    );
  for (const name of table.meta.partitionColumns) {
    if (!keyColumns.includes(name)) {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `upsert keys of ${db}/${table.meta.name} must include the partitioning column ${name}`,
      );
    }
  }
  return keyColumns.map((name) => table.meta.columns.indexOf(requireColumn(db, table, name)));
}

/** The rows (of `rows`, or all) that are the last of their key, in order. */
function lastRowPerKey(
  columns: readonly Column[],
  keyIndexes: readonly number[],
  rows: Int32Array | undefined,
): Int32Array {
  const count = rows?.length ?? columnLength(columns[0] as Column);
  const last = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const row = rows === undefined ? i : (rows[i] as number);
    last.set(rowKey(columns, keyIndexes, row), row);
  }
  return Int32Array.from([...last.values()].sort((a, b) => a - b));
}

function rowKey(columns: readonly Column[], keyIndexes: readonly number[], row: number): string {
  let key = '';
  for (const index of keyIndexes) key += `${String(cellAt(columns[index] as Column, row))}\u0000`;
  return key;
}
