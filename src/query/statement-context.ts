// What running one statement needs: the store, where its writes go, one snapshot (every read
// of the statement sees the same committed version) and the function registry.

import type { Column } from '../core/types/column.ts';
import * as storage from '../storage/index.ts';
import type { Snapshot, Store, Writer } from '../storage/index.ts';
import type { EvaluationEnv, RowSource } from './evaluate.ts';
import type { FunctionRegistry } from './functions/registry.ts';

/**
 * Appends whole columns (schema order) to a table — or, given `upsertKeys`, upserts them on
 * those key columns; the number of rows written.
 */
export type AppendRows = (
  database: string,
  table: string,
  columns: readonly Column[],
  upsertKeys?: readonly string[],
) => Promise<number>;

/** Appends (or upserts) through `writer` on this store (the embedded case). */
export function appendThrough(writer: Writer): AppendRows {
  return async (database, table, columns, upsertKeys) =>
    (upsertKeys === undefined
      ? await storage.append(writer, database, table, columns)
      : await storage.upsert(writer, database, table, columns, upsertKeys)
    ).rowsWritten;
}

export interface StatementContext {
  readonly store: Store;
  /** Where writes go: the store itself, or `store.preparing(tx)` on a cluster participant. */
  readonly writer: Writer;
  /** Where inserted rows go: this store, or (in a cluster) a distributed append. */
  readonly append: AppendRows;
  /** The user the statement runs as ('admin' on an embedded store, which has no users). */
  readonly user: string;
  readonly snapshot: Snapshot;
  readonly functions: FunctionRegistry;
}

/** The evaluation environment of `context` over `rows` (null outside a query). */
export function envOf(context: StatementContext, rows: RowSource | null): EvaluationEnv {
  return { rows, functions: context.functions, catalog: context.snapshot.state };
}

/** A context for reading `store` through `snapshot` (writes, if any, go to the store itself). */
export function readingContext(
  store: Store,
  snapshot: Snapshot,
  functions: FunctionRegistry,
): StatementContext {
  return { store, writer: store, append: appendThrough(store), snapshot, functions, user: 'admin' };
}
