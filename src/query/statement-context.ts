// What running one statement needs: the store, where its writes go, one snapshot (every read
// of the statement sees the same committed version) and the function registry.

import type { Snapshot, Store, Writer } from '../storage/index.ts';
import type { EvaluationEnv, RowSource } from './evaluate.ts';
import type { FunctionRegistry } from './functions/registry.ts';

export interface StatementContext {
  readonly store: Store;
  /** Where writes go: the store itself, or `store.preparing(tx)` on a cluster participant. */
  readonly writer: Writer;
  readonly snapshot: Snapshot;
  readonly functions: FunctionRegistry;
}

/** The evaluation environment of `context` over `rows` (null outside a query). */
export function envOf(context: StatementContext, rows: RowSource | null): EvaluationEnv {
  return { rows, functions: context.functions, catalog: context.snapshot.state };
}
