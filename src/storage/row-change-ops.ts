// SQL update and delete: find the live rows a predicate selects, record them as deleted,
// and (update) write their new versions as new segments, all in one transaction. The
// effects name the exact rows (segment positions) and the new rows, never the predicate.

import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import { concatColumnSets, takeRows } from '../core/types/column-ops.ts';
import type { CatalogChange, CommitEffects } from './commit-effects.ts';
import type { LockRequest } from './lock-manager.ts';
import { databaseLock, partitionLock, tableLock } from './lock-names.ts';
import { forEachSegment, toBatch } from './row-scan.ts';
import type { RowBatch } from './row-scan.ts';
import { requireDatabase, requireTable } from './snapshot.ts';
import type { Writer } from './store.ts';
import { requireColumn } from './validate.ts';
import { writePartitionRows } from './write-rows.ts';

/** Selects rows of a batch: a byte per row, non-zero = selected. */
export type RowFilter = (batch: RowBatch) => Uint8Array;

/** Computes a column's new values for the selected rows (a column of the batch's length). */
export type RowExpression = (batch: RowBatch) => Column;

export interface RowSelection {
  /** Rows to change; every row when absent. */
  readonly where?: RowFilter;
  /** Partitions that can hold such rows (pruned by the caller); the whole table when absent. */
  readonly partitions?: readonly string[];
}

/** Deletes the selected rows. */
export async function deleteRows(
  store: Writer,
  db: string,
  table: string,
  selection: RowSelection,
): Promise<CommitEffects> {
  return changeRows(store, db, table, selection, 'SQL_DELETE', undefined);
}

/** Sets columns of the selected rows; partitioning columns cannot be set. */
export async function updateRows(
  store: Writer,
  db: string,
  table: string,
  selection: RowSelection,
  set: Readonly<Record<string, RowExpression>>,
): Promise<CommitEffects> {
  return changeRows(store, db, table, selection, 'SQL_UPDATE', set);
}

async function changeRows(
  store: Writer,
  db: string,
  table: string,
  selection: RowSelection,
  kind: 'SQL_DELETE' | 'SQL_UPDATE',
  set: Readonly<Record<string, RowExpression>> | undefined,
): Promise<CommitEffects> {
  // Without a partition list the whole table is locked, so no row can slip in beside the change.
  const locks: LockRequest[] = [
    databaseLock(db, 'shared'),
    tableLock(db, table, selection.partitions ? 'shared' : 'exclusive'),
  ];
  for (const key of selection.partitions ?? []) locks.push(partitionLock(db, table, key));
  return store.write(`${kind}(${db}/${table})`, locks, async (context) => {
    const dbState = requireDatabase(context.state, db);
    const tableState = requireTable(context.state, db, table);
    const setters = set === undefined ? [] : resolveSetters(db, tableState, set);
    const changes: CatalogChange[] = [];
    const updated = new Map<string, Column[][]>();
    let selected = 0;
    await forEachSegment(
      store,
      dbState,
      tableState,
      selection.partitions,
      ({ partition, segment, positions, columns, batch }) => {
        const picked = pickRows(selection.where, batch);
        if (picked.length === 0) return;
        selected += picked.length;
        const deleted = new Uint32Array(picked.length);
        for (let i = 0; i < picked.length; i++)
          deleted[i] = positions[picked[i] as number] as number;
        changes.push({
          kind: 'delete-rows',
          db,
          table,
          partition,
          segmentId: segment.id,
          positions: deleted,
        });
        if (set === undefined) return;
        const oldRows = columns.map((c) => takeRows(c, picked));
        const newRows = applySetters(
          tableState.meta.columns,
          oldRows,
          setters,
          toBatch(tableState, oldRows, picked.length),
        );
        updated.set(partition, [...(updated.get(partition) ?? []), newRows]);
      },
    );
    for (const [key, parts] of updated) {
      const columns = concatColumnSets(
        tableState.meta.columns.map((meta) => meta.type),
        parts,
      );
      changes.push(
        ...(await writePartitionRows(context, dbState, tableState, columns, [
          { key, rows: undefined },
        ])),
      );
    }
    return { kind, db, table, rowsWritten: selected, changes };
  });
}

function pickRows(where: RowFilter | undefined, batch: RowBatch): Int32Array {
  if (where === undefined) return Int32Array.from({ length: batch.rows }, (_, i) => i);
  const mask = where(batch);
  assert(mask.length === batch.rows, 'row filter returned a mask of the wrong length');
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  const out = new Int32Array(count);
  let next = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) out[next++] = i;
  return out;
}

interface Setter {
  readonly index: number;
  readonly expression: RowExpression;
}

function resolveSetters(
  db: string,
  table: ReturnType<typeof requireTable>,
  set: Readonly<Record<string, RowExpression>>,
): Setter[] {
  const names = Object.keys(set);
  if (names.length === 0)
    throw new ShoalError('INVALID_ARGUMENT', `update of ${db}/${table.meta.name} sets no column`);
  return names.map((name) => {
    const column = requireColumn(db, table, name);
    if (table.meta.partitionColumns.includes(name)) {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `column ${name} partitions ${db}/${table.meta.name} and cannot be updated`,
      );
    }
    return { index: table.meta.columns.indexOf(column), expression: set[name] as RowExpression };
  });
}

function applySetters(
  schema: readonly { readonly name: string; readonly type: Column['type'] }[],
  rows: readonly Column[],
  setters: readonly Setter[],
  batch: RowBatch,
): Column[] {
  const out = rows.slice();
  for (const { index, expression } of setters) {
    const meta = schema[index];
    assert(meta !== undefined, 'setter index resolved from the schema');
    const value = expression(batch);
    if (value.type !== meta.type) {
      throw new ShoalError(
        'TYPE_MISMATCH',
        `column ${meta.name} is ${meta.type}; the update gives ${value.type}`,
      );
    }
    if (columnLength(value) !== batch.rows) {
      throw new ShoalError(
        'COLUMN_MISMATCH',
        `the new values of ${meta.name} have ${columnLength(value)} rows, not ${batch.rows}`,
      );
    }
    out[index] = value;
  }
  return out;
}
