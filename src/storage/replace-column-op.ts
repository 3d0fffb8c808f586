// replaceColumn!: changes a column's type, converting its values. Segments are immutable,
// so every segment of the table is rewritten with the converted column (under a new column
// id) and the old ones are removed, in one transaction, one segment in memory at a time.

import { ShoalError } from '../core/errors.ts';
import type { ColumnType } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { convertColumn } from '../core/types/convert-column.ts';
import { nullColumn } from '../core/types/column-ops.ts';
import type { CatalogChange, CommitEffects } from './commit-effects.ts';
import type { ColumnMeta } from './catalog.ts';
import { forEachSegment } from './row-scan.ts';
import type { Writer } from './store.ts';
import { alterTable } from './table-ops.ts';
import { requireColumn } from './validate.ts';

/** Converts column `name` of `db`/`table` to `type`. */
export async function replaceColumn(
  store: Writer,
  db: string,
  table: string,
  name: string,
  type: ColumnType,
): Promise<CommitEffects> {
  return alterTable(store, db, table, 'REPLACE_COLUMN', async (context, t, dbState) => {
    const old = requireColumn(db, t, name);
    if (t.meta.partitionColumns.includes(name)) {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `column ${name} partitions ${db}/${table} and cannot be replaced`,
      );
    }
    convertColumn(nullColumn(old.type, 0), type); // TYPE_MISMATCH even when the table is empty
    const index = t.meta.columns.indexOf(old);
    const replaced: ColumnMeta = { ...old, id: t.meta.nextColumnId, type };
    const columns = t.meta.columns.map((c, i) => (i === index ? replaced : c));
    const meta = { ...t.meta, columns, nextColumnId: t.meta.nextColumnId + 1 };
    const changes: CatalogChange[] = [{ kind: 'update-table', db, table, meta }];
    await forEachSegment(
      store,
      dbState,
      t,
      undefined,
      async ({ partition, segment, columns: rows, positions }) => {
        changes.push({ kind: 'remove-segments', db, table, partition, segmentIds: [segment.id] });
        if (positions.length === 0) return;
        const converted = rows.map((column, i) =>
          i === index ? convertColumn(column, type) : column,
        );
        const segmentColumns = columns.map((c, i) => ({
          id: c.id,
          name: c.name,
          column: converted[i] as Column,
        }));
        const added = await context.writeSegment(
          dbState.meta.id,
          t.meta.id,
          partition,
          segmentColumns,
        );
        changes.push({ kind: 'add-segments', db, table, partition, segments: [added] });
      },
    );
    return changes;
  });
}
