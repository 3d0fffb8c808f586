// Arithmetic (+ - * / %) with DolphinDB's semantics (rules in promote-types.ts, loops in
// arithmetic-kernels.ts): numbers combine as INT, LONG or DOUBLE, a temporal value moves by an
// integer count of its ticks, two values of one temporal type subtract to INT or LONG, and two
// texts concatenate into a STRING (the null string '' adds nothing). Text with a number, and any
// other mix, is TYPE_MISMATCH.
//
// An untyped NULL takes the other side's type, or INT when that type does not combine with
// itself (date + NULL is a null DATE; date - NULL is a null INT, as date - date is).

import { unreachable } from '../../core/assert.ts';
import { NULL_DOUBLE, NULL_FLOAT } from '../../core/types/column-type.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import type { Position } from '../ast.ts';
import type { Value } from '../value.ts';
import { FLOAT64_KERNELS, INT32_KERNELS, INT64_KERNELS, concatText } from './arithmetic-kernels.ts';
import { float64Array, int32Array, int64Array, textArray } from './domain-arrays.ts';
import { laneOf, mismatch, requireOperand, shapeOf, typeOf } from './operands.ts';
import type { Lane, Operand, Shape } from './operands.ts';
import { arithmeticPlan, hint } from './promote-types.ts';
import type { ArithmeticOperator, NumberDomain } from './promote-types.ts';
import { UNTYPED_NULL, numberColumn, resultValue } from './results.ts';
import type { NumberData } from './results.ts';
import { dictionaryLane, dictionarySide, spreadText } from './symbol-dictionary.ts';

/** `left op right`: a vector if either side is one, else a scalar; NULL op NULL is NULL. */
export function applyArithmetic(
  op: ArithmeticOperator,
  left: Value,
  right: Value,
  position: Position,
): Value {
  const a = requireOperand(left, op, position);
  const b = requireOperand(right, op, position);
  const shape = shapeOf(op, [a, b], position);
  if (a.kind === 'null' && b.kind === 'null') return UNTYPED_NULL;
  const aType = typeOf(a, nullType(op, b));
  const bType = typeOf(b, nullType(op, a));
  const plan = arithmeticPlan(op, aType, bType) ?? mismatch(op, [a, b], position, hint(op));
  const x = laneOf(a, aType);
  const y = laneOf(b, bType);
  const column =
    plan.kind === 'concat'
      ? concatenate(x, y, shape)
      : computeNumbers(op, plan.domain, plan.result, x, y, shape);
  return resultValue(column, shape);
}

/** The type an untyped NULL takes facing `other` (only called when `other` is typed). */
function nullType(op: ArithmeticOperator, other: Operand): ColumnType {
  const type = typeOf(other, 'INT');
  return arithmeticPlan(op, type, type) === undefined ? 'INT' : type;
}

function computeNumbers(
  op: ArithmeticOperator,
  domain: NumberDomain,
  result: ColumnType,
  x: Lane,
  y: Lane,
  shape: Shape,
): Column {
  return numberColumn(result, computeData(op, domain, result, x, y, shape.rows));
}

function computeData(
  op: ArithmeticOperator,
  domain: NumberDomain,
  result: ColumnType,
  x: Lane,
  y: Lane,
  rows: number,
): NumberData {
  switch (domain) {
    case 'int32': {
      const out = new Int32Array(rows);
      INT32_KERNELS[op](int32Array(x.column), x.stride, int32Array(y.column), y.stride, out);
      return out;
    }
    case 'int64': {
      const out = new BigInt64Array(rows);
      INT64_KERNELS[op](int64Array(x.column), x.stride, int64Array(y.column), y.stride, out);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(rows);
      FLOAT64_KERNELS[op](float64Array(x.column), x.stride, float64Array(y.column), y.stride, out);
      return result === 'FLOAT' ? toFloat32(out) : out;
    }
    default:
      return unreachable(domain);
  }
}

/** FLOAT op FLOAT stays FLOAT: the double results rounded, the null sentinel mapped. */
function toFloat32(data: Float64Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v === NULL_DOUBLE ? NULL_FLOAT : v;
  }
  return out;
}

/** Text + text; a SYMBOL vector with one string concatenates once per dictionary entry. */
function concatenate(x: Lane, y: Lane, shape: Shape): Column {
  const side = dictionarySide(x, y);
  if (side < 0) {
    const out = new Array<string>(shape.rows);
    concatText(textArray(x.column), x.stride, textArray(y.column), y.stride, out);
    return { type: 'STRING', data: out };
  }
  const { codes, entries } = dictionaryLane(side === 0 ? x : y);
  const [p, q] = side === 0 ? [entries, y] : [x, entries];
  const perEntry = new Array<string>(textArray(entries.column).length);
  concatText(textArray(p.column), p.stride, textArray(q.column), q.stride, perEntry);
  return { type: 'STRING', data: spreadText(codes, perEntry) };
}
