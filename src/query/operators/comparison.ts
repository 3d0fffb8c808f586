// Comparisons (== != < <= > >=) with DolphinDB's semantics: nulls are the smallest value of
// every type and equal to each other, so the result is always BOOL 0/1, never null. Both sides
// convert to the comparison type of promote-types.ts (a DATE against a DATETIME compares as the
// DATETIME of its midnight), then one loop runs; a SYMBOL vector against one value is compared
// once per dictionary entry. Sentinels compare as stored, so a DOUBLE -Infinity (below the
// DOUBLE null, -DBL_MAX) sorts before null: the one value smaller than null.
//
// The six operators reduce to two loops: a > b is b < a, a >= b is not (a < b), a <= b is
// not (b < a), a != b is not (a == b) — exact, since nulls make the order total.

import { unreachable } from '../../core/assert.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import type { Position } from '../ast.ts';
import type { Value } from '../value.ts';
import {
  eqFloat64,
  eqInt32,
  eqInt64,
  eqText,
  ltFloat64,
  ltInt32,
  ltInt64,
  ltText,
} from './comparison-kernels.ts';
import {
  float64Array,
  inTemporalType,
  int32Array,
  int64Array,
  textArray,
} from './domain-arrays.ts';
import { laneOf, mismatch, requireOperand, shapeOf, typeOf } from './operands.ts';
import type { Lane, Operand } from './operands.ts';
import { comparisonType, domainOf, hint } from './promote-types.ts';
import type { ComparisonOperator, Domain } from './promote-types.ts';
import { boolResult } from './results.ts';
import { dictionaryLane, dictionarySide, spreadCodes } from './symbol-dictionary.ts';

/** One of the two loops, whether the operands swap, and whether the answer is negated. */
interface ComparisonPlan {
  readonly test: 'eq' | 'lt';
  readonly swap: boolean;
  readonly flip: 0 | 1;
}

const PLANS: Readonly<Record<ComparisonOperator, ComparisonPlan>> = {
  '==': { test: 'eq', swap: false, flip: 0 },
  '!=': { test: 'eq', swap: false, flip: 1 },
  '<': { test: 'lt', swap: false, flip: 0 },
  '>=': { test: 'lt', swap: false, flip: 1 },
  '>': { test: 'lt', swap: true, flip: 0 },
  '<=': { test: 'lt', swap: true, flip: 1 },
};

/** `left op right` as BOOL: a vector if either side is one, else a scalar. */
export function applyComparison(
  op: ComparisonOperator,
  left: Value,
  right: Value,
  position: Position,
): Value {
  const a = requireOperand(left, op, position);
  const b = requireOperand(right, op, position);
  const shape = shapeOf(op, [a, b], position);
  return boolResult(compareMask(op, op, a, b, shape.rows, position), shape);
}

/**
 * 1/0 per row of `a op b` over `rows` rows (the operands' shape already checked). `name` is the
 * operator errors name (`between` compares with >= and <=).
 */
export function compareMask(
  name: string,
  op: ComparisonOperator,
  a: Operand,
  b: Operand,
  rows: number,
  position: Position,
): Int8Array {
  // An untyped NULL takes the other side's type; two of them compare as INT nulls.
  const aType = typeOf(a, typeOf(b, 'INT'));
  const bType = typeOf(b, aType);
  const type = comparisonType(aType, bType) ?? mismatch(name, [a, b], position, hint(name));
  const x = comparableLane(laneOf(a, aType), type);
  const y = comparableLane(laneOf(b, bType), type);
  const plan = PLANS[op];
  const out = new Int8Array(rows);
  if (plan.swap) runComparison(plan, domainOf(type), y, x, out);
  else runComparison(plan, domainOf(type), x, y, out);
  return out;
}

function comparableLane(lane: Lane, type: ColumnType): Lane {
  return { column: inTemporalType(lane.column, type), stride: lane.stride };
}

function runComparison(
  plan: ComparisonPlan,
  domain: Domain,
  x: Lane,
  y: Lane,
  out: Int8Array,
): void {
  const { flip } = plan;
  const eq = plan.test === 'eq';
  switch (domain) {
    case 'int32':
      return (eq ? eqInt32 : ltInt32)(
        int32Array(x.column),
        x.stride,
        int32Array(y.column),
        y.stride,
        flip,
        out,
      );
    case 'int64':
      return (eq ? eqInt64 : ltInt64)(
        int64Array(x.column),
        x.stride,
        int64Array(y.column),
        y.stride,
        flip,
        out,
      );
    case 'float64':
      return (eq ? eqFloat64 : ltFloat64)(
        float64Array(x.column),
        x.stride,
        float64Array(y.column),
        y.stride,
        flip,
        out,
      );
    case 'text':
      return compareText(eq ? eqText : ltText, flip, x, y, out);
    default:
      return unreachable(domain);
  }
}

type TextKernel = typeof eqText;

function compareText(kernel: TextKernel, flip: number, x: Lane, y: Lane, out: Int8Array): void {
  const side = dictionarySide(x, y);
  if (side < 0) {
    kernel(textArray(x.column), x.stride, textArray(y.column), y.stride, flip, out);
    return;
  }
  const { codes, entries } = dictionaryLane(side === 0 ? x : y);
  const [p, q] = side === 0 ? [entries, y] : [x, entries];
  const perEntry = new Int8Array(textArray(entries.column).length);
  kernel(textArray(p.column), p.stride, textArray(q.column), q.stride, flip, perEntry);
  spreadCodes(codes, perEntry, out);
}
