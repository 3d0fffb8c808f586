// Evaluates an expression over a batch of rows, vectorised: a column reference is the whole
// column, operators run over typed arrays (operators/), and a function runs once per batch.
// Aggregates never reach here inside a query: the planner replaces them with the names of
// their result columns, so what is left is row-wise.

import { unreachable } from '../core/assert.ts';
import { COLUMN_TYPES } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { columnFromValues } from '../core/types/column-ops.ts';
import type { Literal } from '../core/types/literal.ts';
import type { Expression, Position } from './ast.ts';
import { callFunction } from './functions/call-function.ts';
import type { FunctionRegistry } from './functions/registry.ts';
import { buildVector } from './build-vector.ts';
import {
  applyBetween,
  applyBinary,
  applyIn,
  applyIsNull,
  applyLike,
  applyUnary,
} from './operators/index.ts';
import { queryError } from './query-error.ts';
import { suggestion } from './near-miss.ts';
import type { CatalogState } from '../storage/index.ts';
import type { Value } from './value.ts';

/** Named columns of equal length that an expression's names refer to. */
export interface RowSource {
  readonly rows: number;
  readonly names: readonly string[];
  column(name: string): Column | undefined;
}

/** What evaluation needs besides the expression: the rows (null outside a query) and names. */
export interface EvaluationEnv {
  readonly rows: RowSource | null;
  readonly functions: FunctionRegistry;
  /** The committed catalog the statement reads (one snapshot for the whole statement). */
  readonly catalog: CatalogState;
}

/** Words that are values when no column has the name: type, scheme and privilege names. */
const CONSTANT_WORDS: ReadonlySet<string> = new Set([
  ...COLUMN_TYPES,
  ...['VALUE', 'RANGE', 'HASH', 'LIST', 'COMPO'],
  ...['DB_READ', 'DB_WRITE', 'DB_DDL', 'ADMIN'],
]);

/** The value of `expression` in `env`; ShoalErrors carry the position of the failing node. */
export function evaluate(expression: Expression, env: EvaluationEnv): Value {
  switch (expression.kind) {
    case 'literal':
      return literalValue(expression.literal);
    case 'name':
      return nameValue(expression.name, expression.position, env);
    case 'star':
      return queryError(
        'INVALID_ARGUMENT',
        expression.position,
        '* is allowed only in count(*) and select *',
      );
    case 'unary':
      return applyUnary(
        expression.operator,
        evaluate(expression.operand, env),
        expression.position,
      );
    case 'binary':
      return applyBinary(
        expression.operator,
        evaluate(expression.left, env),
        evaluate(expression.right, env),
        expression.position,
      );
    case 'call':
      return callFunction(expression, env);
    case 'vector':
      return buildVector(
        expression.elements.map((e) => evaluate(e, env)),
        expression.position,
      );
    case 'in':
      return applyIn(
        evaluate(expression.operand, env),
        evaluate(expression.list, env),
        expression.negated,
        expression.position,
      );
    case 'between':
      return applyBetween(
        evaluate(expression.operand, env),
        evaluate(expression.low, env),
        evaluate(expression.high, env),
        expression.negated,
        expression.position,
      );
    case 'like':
      return applyLike(
        evaluate(expression.operand, env),
        evaluate(expression.pattern, env),
        expression.negated,
        expression.position,
      );
    case 'isNull':
      return applyIsNull(
        evaluate(expression.operand, env),
        expression.negated,
        expression.position,
      );
    case 'member':
      return memberOf(evaluate(expression.object, env), expression.name, expression.position);
    default:
      return unreachable(expression);
  }
}

/** Entry `name` of a dictionary value; a clear error for anything else or a missing key. */
export function memberOf(value: Value, name: string, position: Position): Value {
  if (value.kind !== 'dictionary') {
    return queryError(
      'TYPE_MISMATCH',
      position,
      `.${name} needs a dictionary, not a ${value.kind}`,
    );
  }
  const index = value.keys.indexOf(name);
  const found = value.values[index];
  if (index < 0 || found === undefined) {
    return queryError(
      'INVALID_ARGUMENT',
      position,
      `the dictionary has no ${name}; it has ${value.keys.join(', ')}`,
    );
  }
  return found;
}

/** A literal as a value: a scalar, a vector column, a pair or the untyped NULL. */
export function literalValue(literal: Literal): Value {
  switch (literal.kind) {
    case 'null':
      return { kind: 'null' };
    case 'scalar':
      return { kind: 'scalar', type: literal.scalar.type, value: literal.scalar.value };
    case 'vector':
      return { kind: 'vector', column: columnFromValues(literal.type, literal.values) };
    case 'pair':
      return { kind: 'pair', first: literal.first, second: literal.second };
    default:
      return unreachable(literal);
  }
}

function nameValue(name: string, position: Position, env: EvaluationEnv): Value {
  const column = env.rows?.column(name);
  if (column !== undefined) return { kind: 'vector', column };
  if (CONSTANT_WORDS.has(name) || env.functions.has(name)) return { kind: 'name', name };
  const known = env.rows === null ? [] : env.rows.names.filter((n) => !n.startsWith('\u0000'));
  const where = env.rows === null ? 'outside a query' : `among ${known.join(', ')}`;
  return queryError(
    'COLUMN_NOT_FOUND',
    position,
    `there is no column ${name} ${where}.${suggestion(name, known)}`,
  );
}
