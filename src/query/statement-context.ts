// What running one statement needs: the store (for writes), one snapshot (every read of the
// statement sees the same committed version) and the function registry.

import type { Snapshot, Store } from '../storage/index.ts';
import type { EvaluationEnv, RowSource } from './evaluate.ts';
import type { FunctionRegistry } from './functions/registry.ts';

export interface StatementContext {
  readonly store: Store;
  readonly snapshot: Snapshot;
  readonly functions: FunctionRegistry;
}

/** The evaluation environment of `context` over `rows` (null outside a query). */
export function envOf(context: StatementContext, rows: RowSource | null): EvaluationEnv {
  return { rows, functions: context.functions, catalog: context.snapshot.state };
}
