// Row deltas: what an update, delete or upsert did to a table, as rows (SPEC §7.1.2: effects,
// not statements). On the master a participant reads its prepared write's delta — the rows it
// deletes and the rows it adds; on a slave the delta is applied by deleting rows equal to the
// removed ones (as a multiset, whatever their segment or position) and appending the added
// ones, in one write. A removed row the slave does not hold means the two sides differ: the
// apply fails and says so, rather than guessing.

import { ShoalError } from '../core/errors.ts';
import type { OperationType } from '../core/operation-type.ts';
import { concatColumnSets, takeRows } from '../core/types/column-ops.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import type { CatalogChange, CommitEffects } from './commit-effects.ts';
import type { SegmentState, TableState } from './catalog.ts';
import { databaseLock, tableLock } from './lock-names.ts';
import { forEachSegment } from './row-scan.ts';
import { readSegmentColumns, requireDatabase, requireTable } from './snapshot.ts';
import type { Store, Writer } from './store.ts';
import { segmentPath } from './store-paths.ts';
import { conformColumns, splitByPartition, writePartitionRows } from './write-rows.ts';

/** The rows a change removed and the rows it added, each in schema order. */
export interface RowDelta {
  readonly removed: readonly Column[];
  readonly added: readonly Column[];
}

const ROW_CHANGES: ReadonlySet<string> = new Set(['UPSERT', 'SQL_UPDATE', 'SQL_DELETE']);

/** True for the operations whose effects replicate as row deltas. */
export function isRowChange(kind: string): boolean {
  return ROW_CHANGES.has(kind);
}

/** The delta of the write prepared under `tx` on `store`, or null when it is no row change. */
export async function preparedRowDelta(store: Store, tx: string): Promise<RowDelta | null> {
  const effects = store.preparedEffects(tx);
  if (effects === undefined || !isRowChange(effects.kind) || effects.table === undefined) {
    return null;
  }
  const state = store.catalog;
  const db = requireDatabase(state, effects.db);
  const table = requireTable(state, effects.db, effects.table);
  const removed: Column[][] = [];
  const added: Column[][] = [];
  const read = (partition: string, segment: SegmentState): Promise<Column[]> =>
    readSegmentColumns(
      store.fs,
      segmentPath(store.dir, db.meta.id, table.meta.id, partition, segment.id),
      { ...segment, deleted: new Uint32Array(0) },
      table.meta.columns.map(({ id, type }) => ({ id, type })),
    );
  for (const change of effects.changes) {
    if (change.kind === 'delete-rows') {
      const segment = table.partitions
        .get(change.partition)
        ?.segments.find((s) => s.id === change.segmentId);
      if (segment === undefined) continue;
      const columns = await read(change.partition, segment);
      removed.push(columns.map((c) => takeRows(c, change.positions)));
    } else if (change.kind === 'add-segments') {
      for (const s of change.segments) {
        added.push(await read(change.partition, { ...s, deleted: new Uint32Array(0) }));
      }
    }
  }
  return { removed: joinRows(table, removed), added: joinRows(table, added) };
}

function joinRows(table: TableState, parts: readonly Column[][]): Column[] {
  return concatColumnSets(
    table.meta.columns.map((meta) => meta.type),
    parts,
  );
}

/**
 * Applies `delta` to `db`/`table` as one write of kind `kind`: the rows equal to the removed
 * ones are deleted (one per removed row), the added ones appended. INVALID_ARGUMENT when a
 * removed row is not there (the slave differs from the master).
 */
export async function applyRowDelta(
  store: Writer,
  kind: OperationType,
  db: string,
  table: string,
  delta: RowDelta,
): Promise<CommitEffects> {
  return store.write(
    `replicate ${kind}(${db}/${table})`,
    [databaseLock(db, 'shared'), tableLock(db, table, 'exclusive')],
    async (context) => {
      const dbState = requireDatabase(context.state, db);
      const tableState = requireTable(context.state, db, table);
      const removed = conformColumns(db, tableState, delta.removed);
      const added = conformColumns(db, tableState, delta.added);
      const wanted = new Map<string, number>();
      const removedRows = rowCount(removed);
      for (let row = 0; row < removedRows; row++) {
        const key = rowKey(removed, row);
        wanted.set(key, (wanted.get(key) ?? 0) + 1);
      }
      const changes: CatalogChange[] = [];
      const partitions = splitByPartition(dbState, tableState, removed).map((p) => p.key);
      let missing = removedRows;
      await forEachSegment(store, dbState, tableState, partitions, (rows) => {
        const hits: number[] = [];
        for (let i = 0; i < rows.positions.length; i++) {
          const key = rowKey(rows.columns, i);
          const left = wanted.get(key) ?? 0;
          if (left === 0) continue;
          wanted.set(key, left - 1);
          hits.push(rows.positions[i] as number);
          missing--;
        }
        if (hits.length === 0) return;
        changes.push({
          kind: 'delete-rows',
          db,
          table,
          partition: rows.partition,
          segmentId: rows.segment.id,
          positions: Uint32Array.from(hits).sort(),
        });
      });
      if (missing > 0) {
        throw new ShoalError(
          'INVALID_ARGUMENT',
          `${db}/${table} on this slave lacks ${missing} of the ${removedRows} rows the master's ${kind} removed: the slave differs from the master (see checkClusterReplicationConsistency)`,
        );
      }
      if (rowCount(added) > 0) {
        const parts = splitByPartition(dbState, tableState, added);
        changes.push(...(await writePartitionRows(context, dbState, tableState, added, parts)));
      }
      return { kind, db, table, rowsWritten: Math.max(removedRows, rowCount(added)), changes };
    },
  );
}

function rowCount(columns: readonly Column[]): number {
  const first = columns[0];
  return first === undefined ? 0 : columnLength(first);
}

/** A row's values as one string: equal rows, equal keys. */
function rowKey(columns: readonly Column[], row: number): string {
  let key = '';
  for (const column of columns) {
    switch (column.type) {
      case 'SYMBOL':
        key += JSON.stringify(column.data.dictionary[column.data.codes[row] as number] ?? '');
        break;
      case 'STRING':
        key += JSON.stringify(column.data[row] ?? '');
        break;
      default:
        key += String(column.data[row]);
    }
    key += '\u0001';
  }
  return key;
}
