// A query session over one embedded store: parses statement text and runs each statement in
// turn against its own snapshot (a statement sees one committed version; the next statement
// sees the previous one's writes).

import { unreachable } from '../core/assert.ts';
import type { Store, Writer } from '../storage/index.ts';
import type { Expression, Statement } from './ast.ts';
import { buildVector } from './build-vector.ts';
import { evaluate, memberOf } from './evaluate.ts';
import { checkArity } from './functions/registry.ts';
import type { FunctionRegistry } from './functions/registry.ts';
import { defaultRegistry } from './functions/default-registry.ts';
import { parseStatements } from './parser.ts';
import { withPosition } from './query-error.ts';
import { runDdl } from './run-ddl.ts';
import { runSelect } from './run-select.ts';
import { runDelete, runInsert, runUpdate } from './run-write.ts';
import { appendThrough, envOf } from './statement-context.ts';
import type { AppendRows } from './statement-context.ts';
import type { StatementContext } from './statement-context.ts';
import type { Value } from './value.ts';

export class QuerySession {
  readonly store: Store;
  readonly functions: FunctionRegistry;
  private readonly writer: Writer;
  private readonly append: AppendRows;
  private readonly user: string;

  /**
   * Statements read `store`; they write to `options.writer` (by default the store itself)
   * and append rows through `options.append` (by default through the writer).
   */
  constructor(
    store: Store,
    functions: FunctionRegistry = defaultRegistry(),
    options: {
      readonly writer?: Writer;
      readonly append?: AppendRows;
      readonly user?: string;
    } = {},
  ) {
    this.store = store;
    this.functions = functions;
    this.writer = options.writer ?? store;
    this.append = options.append ?? appendThrough(this.writer);
    this.user = options.user ?? 'admin';
  }

  /** Runs every statement of `text` in order; the value of each. Stops at the first error. */
  async run(text: string): Promise<Value[]> {
    const results: Value[] = [];
    for (const statement of parseStatements(text)) results.push(await this.execute(statement));
    return results;
  }

  /** Runs one parsed statement on a fresh snapshot. */
  async execute(statement: Statement): Promise<Value> {
    const snapshot = this.store.snapshot();
    try {
      return await runStatement(statement, {
        store: this.store,
        writer: this.writer,
        append: this.append,
        user: this.user,
        snapshot,
        functions: this.functions,
      });
    } finally {
      snapshot.release();
    }
  }
}

async function runStatement(statement: Statement, context: StatementContext): Promise<Value> {
  switch (statement.kind) {
    case 'select':
      return runSelect(statement, context);
    case 'insert':
      return runInsert(statement, context);
    case 'update':
      return runUpdate(statement, context);
    case 'delete':
      return runDelete(statement, context);
    case 'createDatabase':
    case 'createTable':
    case 'dropDatabase':
    case 'dropTable':
    case 'alterTable':
      return runDdl(statement, context);
    case 'expression':
      return runExpression(statement.expression, context);
    default:
      return unreachable(statement);
  }
}

/**
 * An expression statement. Commands (functions that change data) may be its outermost call,
 * the object of a member (`schema(db).clusterReplicationEnabled` on a cluster), or nested in
 * other commands' arguments, directly or in a vector
 * (`database("dfs://c", COMPO, [database("", VALUE, …), database("", HASH, …)])`); they run
 * in order, innermost first, each after the previous has committed.
 */
async function runExpression(expression: Expression, context: StatementContext): Promise<Value> {
  if (expression.kind === 'call' && context.functions.has(expression.name)) {
    const definition = context.functions.require(expression.name, expression.position);
    if (definition.kind === 'command') {
      checkArity(definition, expression.args.length, expression.position);
      const args: Value[] = [];
      for (const arg of expression.args) args.push(await runExpression(arg, context));
      try {
        return await definition.run(args, {
          position: expression.position,
          store: context.writer,
          append: context.append,
          user: context.user,
        });
      } catch (error) {
        return withPosition(error, expression.position);
      }
    }
  }
  if (expression.kind === 'member' && containsCommand(expression.object, context)) {
    const object = await runExpression(expression.object, context);
    return memberOf(object, expression.name, expression.position);
  }
  if (
    expression.kind === 'vector' &&
    expression.elements.some((e) => containsCommand(e, context))
  ) {
    const elements: Value[] = [];
    for (const element of expression.elements) elements.push(await runExpression(element, context));
    return buildVector(elements, expression.position);
  }
  return evaluate(expression, { ...envOf(context, null), catalog: context.store.catalog });
}

/** True when `expression` is a command call, or a vector holding one. */
function containsCommand(expression: Expression, context: StatementContext): boolean {
  if (expression.kind === 'vector')
    return expression.elements.some((e) => containsCommand(e, context));
  if (expression.kind !== 'call' || !context.functions.has(expression.name)) return false;
  return context.functions.require(expression.name, expression.position).kind === 'command';
}
