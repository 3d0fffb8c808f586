// The type rules of the operators (DolphinDB's): which operand types an operator accepts, the
// type it combines or compares them in, and the physical lane ("domain") its loops run over.
// Pure functions of types, so the planner can check an expression before it reads a row.

import { assert, unreachable } from '../../core/assert.ts';
import { TEMPORAL_TYPES, physicalKind } from '../../core/types/column-type.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import { isMonotoneTemporalConversion } from '../../core/types/temporal-convert.ts';
import type { BinaryOperator, Position } from '../ast.ts';
import { queryError } from '../query-error.ts';

/** The arithmetic operators. */
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
/** The comparison operators. */
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * The physical form loops run over: 32-bit integers (BOOL, CHAR, SHORT widened), 64-bit
 * integers, doubles (FLOAT widened), or text. Each has one null: its sentinel.
 */
export type Domain = 'int32' | 'int64' | 'float64' | 'text';

/**
 * How an arithmetic operator combines two types: numbers in `domain` giving `result`, or text
 * concatenation (always STRING).
 */
export type ArithmeticPlan =
  | { readonly kind: 'numeric'; readonly domain: NumberDomain; readonly result: ColumnType }
  | { readonly kind: 'concat' };

/** The domains of numbers. */
export type NumberDomain = Exclude<Domain, 'text'>;

/** True for the arithmetic operators. */
export function isArithmetic(op: BinaryOperator): op is ArithmeticOperator {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%';
}

/** True for BOOL, CHAR, SHORT, INT and LONG. */
export function isIntegerType(type: ColumnType): boolean {
  return (
    type === 'BOOL' || type === 'CHAR' || type === 'SHORT' || type === 'INT' || type === 'LONG'
  );
}

/** True for the integer types, FLOAT and DOUBLE (not the temporal types). */
export function isNumericType(type: ColumnType): boolean {
  return isIntegerType(type) || type === 'FLOAT' || type === 'DOUBLE';
}

/** True for the date and time types. */
export function isTemporalType(type: ColumnType): boolean {
  return TEMPORAL_TYPES.includes(type);
}

/** True for SYMBOL and STRING. */
export function isTextType(type: ColumnType): boolean {
  return type === 'SYMBOL' || type === 'STRING';
}

/** The domain values of `type` are handled in. */
export function domainOf(type: ColumnType): Domain {
  const kind = physicalKind(type);
  switch (kind) {
    case 'int8':
    case 'int16':
    case 'int32':
      return 'int32';
    case 'int64':
      return 'int64';
    case 'float32':
    case 'float64':
      return 'float64';
    case 'text':
      return 'text';
    default:
      return unreachable(kind);
  }
}

/**
 * The result of numbers combined: INT for BOOL/CHAR/SHORT/INT (32-bit wrap-around), LONG with a
 * LONG, DOUBLE with a FLOAT or DOUBLE, except that FLOAT with FLOAT stays FLOAT.
 */
function numericResult(a: ColumnType, b: ColumnType): ColumnType {
  if (a === 'FLOAT' && b === 'FLOAT') return 'FLOAT';
  if (a === 'FLOAT' || a === 'DOUBLE' || b === 'FLOAT' || b === 'DOUBLE') return 'DOUBLE';
  if (a === 'LONG' || b === 'LONG') return 'LONG';
  return 'INT';
}

/** The plan of `a op b`, or undefined when DolphinDB has no such arithmetic. */
export function arithmeticPlan(
  op: ArithmeticOperator,
  a: ColumnType,
  b: ColumnType,
): ArithmeticPlan | undefined {
  if (isTextType(a) && isTextType(b)) return op === '+' ? { kind: 'concat' } : undefined;
  if (isNumericType(a) && isNumericType(b)) {
    const result = numericResult(a, b);
    return { kind: 'numeric', domain: numberDomain(result), result };
  }
  const additive = op === '+' || op === '-';
  // A temporal value moves by a count of its own ticks; the count comes first only for +.
  if (additive && isTemporalType(a) && isIntegerType(b)) return temporalResult(a);
  if (op === '+' && isIntegerType(a) && isTemporalType(b)) return temporalResult(b);
  if (op === '-' && isTemporalType(a) && a === b) {
    const domain = numberDomain(a);
    return { kind: 'numeric', domain, result: domain === 'int64' ? 'LONG' : 'INT' };
  }
  return undefined;
}

function temporalResult(type: ColumnType): ArithmeticPlan {
  return { kind: 'numeric', domain: numberDomain(type), result: type };
}

function numberDomain(type: ColumnType): NumberDomain {
  const domain = domainOf(type);
  assert(domain !== 'text', `${type} is not a number type`);
  return domain;
}

/**
 * The type `a` and `b` are compared in, or undefined when they cannot be compared: numbers by
 * value (INT, LONG or DOUBLE), text as STRING, temporal values in the finer type when the
 * coarser one converts to it keeping order (DATE to DATETIME, MONTH to DATE, MINUTE to TIME),
 * and temporal values against numbers by their ticks.
 */
export function comparisonType(a: ColumnType, b: ColumnType): ColumnType | undefined {
  if (a === b) return a;
  if (isTextType(a) && isTextType(b)) return 'STRING';
  if (isNumericType(a) && isNumericType(b))
    return numericResult(a, b) === 'LONG' ? 'LONG' : widest(a, b);
  if (isTemporalType(a) && isTemporalType(b)) return finerTemporal(a, b);
  if (isTemporalType(a) && isNumericType(b)) return ticksComparison(a, b);
  if (isNumericType(a) && isTemporalType(b)) return ticksComparison(b, a);
  return undefined;
}

/** Numbers compare as DOUBLE when either has a fraction, else as INT (LONG is handled before). */
function widest(a: ColumnType, b: ColumnType): ColumnType {
  return numericResult(a, b) === 'INT' ? 'INT' : 'DOUBLE';
}

/** A temporal type against a number: its own type when the number fits its ticks. */
function ticksComparison(temporal: ColumnType, number: ColumnType): ColumnType {
  if (number === 'FLOAT' || number === 'DOUBLE') return 'DOUBLE';
  if (number === 'LONG' && domainOf(temporal) === 'int32') return 'LONG';
  return temporal;
}

/** Length of one tick in nanoseconds, for ordering temporal types by fineness. */
function tickNanos(type: ColumnType): number {
  switch (type) {
    case 'MONTH':
      return 2_629_746e9;
    case 'DATE':
      return 86_400e9;
    case 'MINUTE':
      return 60e9;
    case 'SECOND':
    case 'DATETIME':
      return 1e9;
    case 'TIME':
    case 'TIMESTAMP':
      return 1e6;
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return 1;
    default:
      return Number.NaN;
  }
}

function finerTemporal(a: ColumnType, b: ColumnType): ColumnType | undefined {
  const [coarse, fine] = tickNanos(a) > tickNanos(b) ? [a, b] : [b, a];
  if (tickNanos(coarse) === tickNanos(fine)) return undefined;
  return isMonotoneTemporalConversion(coarse, fine) ? fine : undefined;
}

/** The type `a op b` is computed in (arithmetic: its result type), or undefined if none. */
export function tryCommonType(
  a: ColumnType,
  b: ColumnType,
  op: BinaryOperator,
): ColumnType | undefined {
  if (op === 'and' || op === 'or') return isNumericType(a) && isNumericType(b) ? 'BOOL' : undefined;
  if (!isArithmetic(op)) return comparisonType(a, b);
  const plan = arithmeticPlan(op, a, b);
  if (plan === undefined) return undefined;
  return plan.kind === 'concat' ? 'STRING' : plan.result;
}

/**
 * The type two operands are compared or combined in: for arithmetic its result type, for a
 * comparison the type both sides convert to, for `and`/`or` BOOL. Throws TYPE_MISMATCH
 * (through queryError at `position`) when the types do not go together under `op`.
 */
export function commonType(
  a: ColumnType,
  b: ColumnType,
  op: BinaryOperator,
  position: Position,
): ColumnType {
  const type = tryCommonType(a, b, op);
  if (type === undefined) {
    return queryError(
      'TYPE_MISMATCH',
      position,
      `cannot apply ${op} to ${a} and ${b}: ${hint(op)}`,
    );
  }
  return type;
}

/** What an operator accepts, for the tail of a TYPE_MISMATCH message. */
export function hint(op: string): string {
  switch (op) {
    case 'and':
    case 'or':
    case 'not':
      return `${op} takes BOOL or numeric values (non-zero is true)`;
    case '+':
      return '+ takes two numbers, a temporal value and an integer, or two texts';
    case '-':
      return '- takes two numbers, a temporal value and an integer, or two values of one temporal type';
    case '*':
    case '/':
    case '%':
      return `${op} takes numbers; convert the other values to numbers first`;
    default:
      return (
        `${op} compares numbers with numbers, text with text, and temporal values with ` +
        'temporal values of a type they convert to; convert one side first'
      );
  }
}
