// A streamed append: rows that arrive in chunks (a replication task's data as it is fetched)
// written as one transaction, each chunk's segments as soon as it is in, so memory holds one
// chunk whatever the size of the whole write (SPEC §8.7).

import { ShoalError } from '../core/errors.ts';
import { rowsOfColumns } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import type { AddedSegment, CatalogChange, CommitEffects } from './commit-effects.ts';
import { databaseLock, partitionLock, tableLock } from './lock-names.ts';
import { requireDatabase, requireTable } from './snapshot.ts';
import type { Writer } from './store.ts';
import { currentPlan, writePartitionRows } from './write-rows.ts';
import type { PlannedRows } from './write-rows.ts';

/** One chunk of a streamed append: columns in schema order, with their plan if one was made. */
export interface AppendChunk {
  readonly columns: readonly Column[];
  /** planRows of `columns`, made by a caller that split them already (used when still current). */
  readonly plan?: PlannedRows;
}

/**
 * Appends every chunk of `chunks` to `db`/`table` as one write: all or nothing, like `append`.
 * `partitions` are every partition key the chunks may write; they are locked before the first
 * chunk is read (a streamed write cannot learn them later), and a row outside them fails the
 * write with INVALID_ARGUMENT. A partition gets a segment per chunk that has rows for it.
 */
export async function appendStream(
  store: Writer,
  db: string,
  table: string,
  partitions: readonly string[],
  chunks: AsyncIterable<AppendChunk>,
): Promise<CommitEffects> {
  const declared = new Set(partitions);
  return store.write(
    `append(${db}/${table}) streamed`,
    [databaseLock(db, 'shared'), tableLock(db, table, 'shared')],
    async (context) => {
      const dbState = requireDatabase(context.state, db);
      const tableState = requireTable(context.state, db, table);
      const segments = new Map<string, AddedSegment[]>();
      let rowsWritten = 0;
      for await (const chunk of chunks) {
        const plan = currentPlan(dbState, tableState, chunk.columns, chunk.plan);
        const outside = plan.parts.find((part) => !declared.has(part.key));
        if (outside !== undefined) {
          throw new ShoalError(
            'INVALID_ARGUMENT',
            `a streamed append to ${db}/${table} has rows in partition ${outside.key}, which it did not declare`,
          );
        }
        const changes = await writePartitionRows(
          context,
          dbState,
          tableState,
          plan.columns,
          plan.parts,
        );
        for (const change of changes) {
          if (change.kind !== 'add-segments') continue;
          segments.set(change.partition, [
            ...(segments.get(change.partition) ?? []),
            ...change.segments,
          ]);
        }
        rowsWritten += rowsOfColumns(plan.columns);
      }
      const changes: CatalogChange[] = [...segments].map(([partition, added]) => ({
        kind: 'add-segments',
        db,
        table,
        partition,
        segments: added,
      }));
      return { kind: 'APPEND', db, table, rowsWritten, changes };
    },
    () => [...declared].map((key) => partitionLock(db, table, key)),
  );
}
