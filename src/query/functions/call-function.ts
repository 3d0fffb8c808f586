// Calling a function from an expression: look it up, check the argument count, evaluate the
// arguments, and run it. Aggregates outside a query fold their one vector argument.

import { unreachable } from '../../core/assert.ts';
import { columnLength } from '../../core/types/column.ts';
import type { Expression } from '../ast.ts';
import { aggregateResultType, mergePartials, PartialAggregator } from '../aggregate/index.ts';
import type { AggregateName } from '../aggregate/index.ts';
import { evaluate } from '../evaluate.ts';
import type { EvaluationEnv } from '../evaluate.ts';
import { toColumn } from '../operators/index.ts';
import { queryError, withPosition } from '../query-error.ts';
import { scalarOf } from '../value-access.ts';
import type { Value } from '../value.ts';
import { checkArity } from './registry.ts';

/** A call node of the syntax tree. */
export type CallExpression = Extract<Expression, { readonly kind: 'call' }>;

/** The value of `call` in `env`. */
export function callFunction(call: CallExpression, env: EvaluationEnv): Value {
  const definition = env.functions.require(call.name, call.position);
  switch (definition.kind) {
    case 'aggregate':
      return aggregateOutsideQuery(definition.name, call, env);
    case 'scalar': {
      checkArity(definition, call.args.length, call.position);
      const args = call.args.map((arg) => evaluate(arg, env));
      try {
        return definition.call(args, {
          position: call.position,
          catalog: env.catalog,
          rows: env.rows?.rows ?? null,
        });
      } catch (error) {
        return withPosition(error, call.position);
      }
    }
    case 'command':
      return queryError(
        'INVALID_ARGUMENT',
        call.position,
        `${call.name} changes data, so it must be called as a statement of its own`,
      );
    default:
      return unreachable(definition);
  }
}

/** `sum([1, 2, 3])`: one aggregate over one vector, as a scalar. */
function aggregateOutsideQuery(
  name: AggregateName,
  call: CallExpression,
  env: EvaluationEnv,
): Value {
  if (env.rows !== null) {
    queryError(
      'INVALID_ARGUMENT',
      call.position,
      `the aggregate ${name} cannot be used here: aggregates belong in the select list, HAVING or ORDER BY, and cannot nest`,
    );
  }
  checkArity({ name, minArgs: 1, maxArgs: 1 }, call.args.length, call.position);
  const [arg] = call.args;
  if (arg?.kind === 'star') {
    queryError('INVALID_ARGUMENT', call.position, `${name}(*) needs a query with FROM`);
  }
  const value = evaluate(arg as Expression, env);
  const column = value.kind === 'vector' ? value.column : toColumn(value, 1, call.position);
  const spec = { name, inputType: column.type, position: call.position };
  aggregateResultType(spec);
  const aggregator = new PartialAggregator([], [spec]);
  aggregator.add([], [column], columnLength(column));
  const { values } = mergePartials([], [spec], [aggregator.finishPartial()]);
  return scalarOf(values[0], 0);
}
