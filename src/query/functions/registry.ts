// The one function registry: every name a statement can call (aggregates, vectorised scalar
// functions, and commands that read or change the catalog) is a definition here, so later
// issues (cluster, replication) add functions without touching the evaluator.

import type { Writer } from '../../storage/index.ts';
import type { CatalogState } from '../../storage/index.ts';
import type { Position } from '../ast.ts';
import type { AggregateName } from '../aggregate/index.ts';
import { suggestion } from '../near-miss.ts';
import { queryError } from '../query-error.ts';
import type { AppendRows } from '../statement-context.ts';
import type { Value } from '../value.ts';

/** What a scalar function sees besides its arguments. */
export interface ScalarContext {
  readonly position: Position;
  /** The committed catalog of the statement (read-only). */
  readonly catalog: CatalogState;
  /** Rows of the batch being evaluated, or null outside a query. */
  readonly rows: number | null;
}

/** What a command sees: where it writes (`store.catalog` is the latest committed state). */
export interface CommandContext {
  readonly position: Position;
  readonly store: Writer;
  /** Where appended rows go (this store, or a distributed append in a cluster). */
  readonly append: AppendRows;
  /** The user the statement runs as. */
  readonly user: string;
}

/**
 * A callable name. `aggregate`: folded by the query's aggregation (aggregate/). `scalar`:
 * synchronous and vectorised (one call per batch), no side effects. `command`: runs once,
 * may change data, only as a statement of its own (or the outermost call of one).
 */
export type FunctionDefinition =
  | { readonly kind: 'aggregate'; readonly name: AggregateName; readonly summary: string }
  | {
      readonly kind: 'scalar';
      readonly name: string;
      readonly summary: string;
      readonly minArgs: number;
      readonly maxArgs: number;
      readonly call: (args: readonly Value[], context: ScalarContext) => Value;
    }
  | {
      readonly kind: 'command';
      readonly name: string;
      readonly summary: string;
      readonly minArgs: number;
      readonly maxArgs: number;
      readonly run: (args: readonly Value[], context: CommandContext) => Promise<Value>;
    };

/** Function definitions by name (case-sensitive, as DolphinDB). */
export class FunctionRegistry {
  private readonly definitions = new Map<string, FunctionDefinition>();

  /** Adds `definition`; a name may be defined once. */
  register(definition: FunctionDefinition): this {
    if (this.definitions.has(definition.name)) {
      throw new Error(`function ${definition.name} is registered twice`);
    }
    this.definitions.set(definition.name, definition);
    return this;
  }

  /** Swaps the definition of a registered name: an embedding that knows more (a cluster). */
  replace(definition: FunctionDefinition): this {
    if (!this.definitions.has(definition.name)) {
      throw new Error(`function ${definition.name} is not registered, so it cannot be replaced`);
    }
    this.definitions.set(definition.name, definition);
    return this;
  }

  has(name: string): boolean {
    return this.definitions.has(name);
  }

  /** The definition of `name`, or UNKNOWN_FUNCTION with a near-miss suggestion. */
  require(name: string, position: Position): FunctionDefinition {
    const definition = this.definitions.get(name);
    if (definition !== undefined) return definition;
    return queryError(
      'UNKNOWN_FUNCTION',
      position,
      `there is no function ${name}.${suggestion(name, this.definitions.keys())}`,
    );
  }

  names(): string[] {
    return [...this.definitions.keys()].sort();
  }
}

/** Checks a call's argument count against `definition`; INVALID_ARGUMENT otherwise. */
export function checkArity(
  definition: { readonly name: string; readonly minArgs: number; readonly maxArgs: number },
  count: number,
  position: Position,
): void {
  if (count >= definition.minArgs && count <= definition.maxArgs) return;
  const { minArgs, maxArgs } = definition;
  const wanted =
    minArgs === maxArgs
      ? `${minArgs}`
      : maxArgs === Infinity
        ? `${minArgs} or more`
        : `${minArgs} to ${maxArgs}`;
  queryError(
    'INVALID_ARGUMENT',
    position,
    `${definition.name} takes ${wanted} argument(s), not ${count}`,
  );
}
