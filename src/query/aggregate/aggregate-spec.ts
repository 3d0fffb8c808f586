// The aggregate functions a query may fold per group, and the type each one returns. Checking
// types here, before any row is read, lets a bad query fail at its position with no work done.

import { unreachable } from '../../core/assert.ts';
import { TEMPORAL_TYPES, physicalKind } from '../../core/types/column-type.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import type { Position } from '../ast.ts';
import { queryError } from '../query-error.ts';

/** The aggregate functions, in DolphinDB spelling. */
export const AGGREGATE_NAMES = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'first',
  'last',
  'std',
  'var',
  'nunique',
] as const;

export type AggregateName = (typeof AGGREGATE_NAMES)[number];

/** True for the names above (case-sensitive, DolphinDB spelling). */
export function isAggregateName(name: string): name is AggregateName {
  return (AGGREGATE_NAMES as readonly string[]).includes(name);
}

/** One aggregate of a query; inputType null means count(*). */
export interface AggregateSpec {
  readonly name: AggregateName;
  readonly inputType: ColumnType | null;
  readonly position: Position;
}

/** Result type, or TYPE_MISMATCH via queryError (e.g. sum/avg/std/var of SYMBOL/STRING). */
export function aggregateResultType(spec: AggregateSpec): ColumnType {
  const { name, inputType, position } = spec;
  if (name === 'count') return 'LONG';
  if (inputType === null) {
    return queryError(
      'INVALID_ARGUMENT',
      position,
      `${name}(*) is not defined: only count takes *; pass a column, as in ${name}(price)`,
    );
  }
  switch (name) {
    case 'sum':
      return isFloatType(requireArithmetic(spec, inputType)) ? 'DOUBLE' : 'LONG';
    case 'avg':
    case 'std':
    case 'var':
      requireArithmetic(spec, inputType);
      return 'DOUBLE';
    case 'min':
    case 'max':
    case 'first':
    case 'last':
      return inputType;
    case 'nunique':
      return 'LONG';
    default:
      return unreachable(name);
  }
}

/** True when `type` is a number that sum, avg, std and var accept (not text, not temporal). */
export function isArithmeticType(type: ColumnType): boolean {
  return physicalKind(type) !== 'text' && !TEMPORAL_TYPES.includes(type);
}

/** True for FLOAT and DOUBLE. */
export function isFloatType(type: ColumnType): boolean {
  const kind = physicalKind(type);
  return kind === 'float32' || kind === 'float64';
}

function requireArithmetic(spec: AggregateSpec, inputType: ColumnType): ColumnType {
  if (isArithmeticType(inputType)) return inputType;
  return queryError(
    'TYPE_MISMATCH',
    spec.position,
    `${spec.name} does not take a ${inputType} argument: it needs a numeric column ` +
      `(BOOL, CHAR, SHORT, INT, LONG, FLOAT or DOUBLE); use count, nunique, min or max instead`,
  );
}
