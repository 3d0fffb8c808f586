// Group commit of small client appends on a coordinator. Each append is a distributed
// transaction whose cost (segment files and their fsyncs, the prepared record, the decision
// at the controller, the publication) hardly depends on its rows, and appends to one
// partition take turns: one-row appends from many clients ran at about 17 ms each, one after
// another. AppendBatches (core/cluster) decides which appends go together; this runs them.

import { assert } from '../../core/assert.ts';
import { AppendBatches } from '../../core/cluster/append-batches.ts';
import type { BatchedAppend } from '../../core/cluster/append-batches.ts';
import { ShoalError } from '../../core/errors.ts';
import { MAX_COMBINED_BATCH_ROWS, MAX_WAITING_APPENDS } from '../../core/limits.ts';
import { rowsOfColumns } from '../../core/types/column.ts';
import type { Column } from '../../core/types/column.ts';
import { concatColumnSets } from '../../core/types/column-ops.ts';
import type { KeepMemory } from '../../net/index.ts';
import type { PlannedRows } from '../../storage/index.ts';

/** How the coordinator commits a batch, and plans the rows of several appends joined. */
export interface AppendCommitter {
  /**
   * Appends the planned rows as one transaction (all or nothing); `keep` pins the memory the
   * rows view when they are not the committer's alone.
   */
  commit(db: string, table: string, plan: PlannedRows, keep?: KeepMemory): Promise<unknown>;
  /** The plan of `columns` (checked rows, in the table's schema order) for `db`/`table`. */
  replan(db: string, table: string, columns: readonly Column[]): PlannedRows;
  /** Told after each committed batch, with the number of appends it held. */
  committed(appends: number): void;
}

interface WaitingAppend extends BatchedAppend {
  readonly plan: PlannedRows;
  readonly keep: KeepMemory | undefined;
  readonly resolve: (rows: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Appends of one coordinator, combined per table: while a transaction of a table runs, the
 * appends to it that arrive wait and go together in the next one. Each caller learns its own
 * outcome: its rows once the shared transaction committed, or that transaction's error (then
 * none of its rows were written).
 */
export class AppendCombiner {
  private readonly alias: string;
  private readonly committer: AppendCommitter;
  private readonly tables = new Map<string, AppendBatches<WaitingAppend>>();

  /** `alias` names this data node in a refusal. */
  constructor(alias: string, committer: AppendCommitter) {
    this.alias = alias;
    this.committer = committer;
  }

  /**
   * Appends `plan`'s rows (already checked, and the caller's privilege too) in this append's
   * own transaction or a shared one: its rows once committed. NODE_UNAVAILABLE when too many
   * appends to the table wait already. `keep` pins the memory the rows view (see
   * ClusterCoordinator.append); appends that go together are joined into memory of their own.
   */
  append(db: string, table: string, plan: PlannedRows, keep?: KeepMemory): Promise<number> {
    const key = JSON.stringify([db, table]);
    let batches = this.tables.get(key);
    if (batches === undefined) {
      batches = new AppendBatches({
        maxBatchRows: MAX_COMBINED_BATCH_ROWS,
        maxWaiting: MAX_WAITING_APPENDS,
      });
      this.tables.set(key, batches);
    }
    const rows = rowsOfColumns(plan.columns);
    const own = batches;
    return new Promise<number>((resolve, reject) => {
      // Catalog entries are replaced, never changed: the same object is the same definition.
      const arrival = own.arrive({ plan, keep, rows, definition: plan.table, resolve, reject });
      switch (arrival.kind) {
        case 'start':
          void this.drain(key, db, table, own, arrival.batch);
          return;
        case 'wait':
          return;
        case 'refuse':
          reject(
            new ShoalError(
              'NODE_UNAVAILABLE',
              `data node ${this.alias} has ${arrival.waiting} appends to ${db}/${table} waiting for their turn; retry later, or send fewer, larger appends`,
            ),
          );
          return;
        default:
          assert(false, 'every arrival is handled');
      }
    });
  }

  // Runs batches of the table until none waits. Never rejects: each batch settles its callers.
  private async drain(
    key: string,
    db: string,
    table: string,
    batches: AppendBatches<WaitingAppend>,
    first: readonly WaitingAppend[],
  ): Promise<void> {
    let batch: readonly WaitingAppend[] | null = first;
    while (batch !== null) {
      await this.run(db, table, batch);
      batch = batches.finished();
    }
    assert(batches.idle, 'a table is forgotten only when nothing of it runs or waits');
    this.tables.delete(key);
  }

  private async run(db: string, table: string, batch: readonly WaitingAppend[]): Promise<void> {
    try {
      const only = batch.length === 1 ? batch[0] : undefined;
      if (only !== undefined) await this.committer.commit(db, table, only.plan, only.keep);
      else {
        const plan = this.committer.replan(db, table, joined(batch.map((w) => w.plan)));
        await this.committer.commit(db, table, plan);
      }
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    this.committer.committed(batch.length);
    for (const waiting of batch) waiting.resolve(waiting.rows);
  }
}

/** The rows of several appends of one table definition as one set of columns. */
function joined(plans: readonly PlannedRows[]): Column[] {
  const first = plans[0];
  assert(first !== undefined, 'a batch has an append');
  return concatColumnSets(
    first.columns.map((column) => column.type),
    plans.map((plan) => plan.columns),
  );
}
