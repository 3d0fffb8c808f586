// append!: adds rows (of any number of partitions) to a table in one transaction.

import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import type { CommitEffects } from './commit-effects.ts';
import { databaseLock, partitionLock, tableLock } from './lock-names.ts';
import { requireDatabase, requireTable } from './snapshot.ts';
import type { Writer } from './store.ts';
import { currentPlan, writePartitionRows } from './write-rows.ts';
import type { PartitionRows, PlannedRows } from './write-rows.ts';

/**
 * Appends `columns` (one per table column, in schema order) to `db`/`table`. `planned`, the
 * plan of these columns (planRows), is used when the table and database are still as it saw
 * them, instead of checking and splitting the rows again.
 */
export async function append(
  store: Writer,
  db: string,
  table: string,
  columns: readonly Column[],
  planned?: PlannedRows,
): Promise<CommitEffects> {
  let conformed: readonly Column[] = [];
  let parts: readonly PartitionRows[] = [];
  return store.write(
    `append(${db}/${table})`,
    [databaseLock(db, 'shared'), tableLock(db, table, 'shared')],
    async (context) => {
      const dbState = requireDatabase(context.state, db);
      const tableState = requireTable(context.state, db, table);
      const changes = await writePartitionRows(context, dbState, tableState, conformed, parts);
      return {
        kind: 'APPEND',
        db,
        table,
        rowsWritten: columnLength(conformed[0] as Column),
        changes,
      };
    },
    (state) => {
      const tableState = requireTable(state, db, table);
      const plan = currentPlan(requireDatabase(state, db), tableState, columns, planned);
      conformed = plan.columns;
      parts = plan.parts;
      return parts.map((p) => partitionLock(db, table, p.key));
    },
  );
}
