// The entry points the evaluator calls for binary and unary operators: each operator goes to
// the file that owns its idea (arithmetic, comparison, logic, negation).

import { unreachable } from '../../core/assert.ts';
import type { BinaryOperator, Position } from '../ast.ts';
import type { Value } from '../value.ts';
import { applyArithmetic } from './arithmetic.ts';
import { applyComparison } from './comparison.ts';
import { applyLogic, applyNot } from './logic.ts';
import { applyNegate } from './negate.ts';

/** `left op right` (see the operator files for the semantics of each). */
export function applyBinary(
  op: BinaryOperator,
  left: Value,
  right: Value,
  position: Position,
): Value {
  switch (op) {
    case 'and':
    case 'or':
      return applyLogic(op, left, right, position);
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return applyComparison(op, left, right, position);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return applyArithmetic(op, left, right, position);
    default:
      return unreachable(op);
  }
}

/** `-operand` or `not operand`. */
export function applyUnary(op: '-' | 'not', operand: Value, position: Position): Value {
  switch (op) {
    case '-':
      return applyNegate(operand, position);
    case 'not':
      return applyNot(operand, position);
    default:
      return unreachable(op);
  }
}
