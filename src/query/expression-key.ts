// Structural identity and naming of expressions: two spellings of the same expression (in the
// select list and in GROUP BY) are the same key, and a result column gets DolphinDB's name.

import type { BinaryOperator, Expression } from './ast.ts';

/** A string equal for structurally equal expressions, whatever their positions. */
export function expressionKey(expression: Expression): string {
  return JSON.stringify(expression, (key, value: unknown) =>
    key === 'position' ? undefined : typeof value === 'bigint' ? `${value}n` : value,
  );
}

const OPERATOR_NAMES: Readonly<Record<BinaryOperator, string>> = {
  or: 'or',
  and: 'and',
  '==': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
};

/**
 * The name of a result column without an alias, after DolphinDB: a column keeps its name,
 * `f(x)` is `f_x`, `count(*)` is `count`, `a + b` is `add_a_b`; `fallback` when nothing fits.
 */
export function expressionName(expression: Expression, fallback: string): string {
  const name = nameOf(expression);
  return name === '' ? fallback : name;
}

function nameOf(expression: Expression): string {
  switch (expression.kind) {
    case 'name':
      return expression.name;
    case 'call':
      return [expression.name, ...expression.args.map(nameOf).filter((n) => n !== '')].join('_');
    case 'binary':
      return join(OPERATOR_NAMES[expression.operator], [expression.left, expression.right]);
    case 'unary':
      return join(expression.operator === '-' ? 'neg' : 'not', [expression.operand]);
    case 'isNull':
      return join(expression.negated ? 'isValid' : 'isNull', [expression.operand]);
    case 'in':
    case 'between':
    case 'like':
      return join(expression.kind, [expression.operand]);
    case 'member':
      return expression.name;
    case 'literal':
    case 'star':
    case 'vector':
      return '';
  }
}

function join(head: string, parts: readonly Expression[]): string {
  const names = parts.map(nameOf);
  return names.every((n) => n !== '') ? [head, ...names].join('_') : '';
}
