// Bringing a partition column (or a single value) to its scheme's type. As in DolphinDB a
// temporal column is converted to the scheme's temporal type (a DATETIME column under a DATE
// scheme lands by its date); SYMBOL and STRING are interchangeable; anything else must match.

import { ShoalError } from '../errors.ts';
import { TEMPORAL_TYPES, physicalKind } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import type { Column } from '../types/column.ts';
import {
  canConvertTemporal,
  convertTemporalColumn,
  convertTemporalValue,
} from '../types/temporal-convert.ts';

/** How values of one type reach a scheme over another: unchanged, or by temporal conversion. */
export type Coercion = 'unchanged' | 'temporal';

/** The coercion from `from` to `to`, or undefined when values of `from` cannot be partitioned by `to`. */
export function coercionOf(from: ColumnType, to: ColumnType): Coercion | undefined {
  if (from === to) return 'unchanged';
  if (physicalKind(from) === 'text' && physicalKind(to) === 'text') return 'unchanged';
  if (
    TEMPORAL_TYPES.includes(from) &&
    TEMPORAL_TYPES.includes(to) &&
    canConvertTemporal(from, to)
  ) {
    return 'temporal';
  }
  return undefined;
}

/** As coercionOf, but throws ShoalError TYPE_MISMATCH naming both types when there is none. */
export function requireCoercion(from: ColumnType, to: ColumnType): Coercion {
  const coercion = coercionOf(from, to);
  if (coercion === undefined) {
    throw new ShoalError(
      'TYPE_MISMATCH',
      `a ${from} column cannot be partitioned by a scheme over ${to}; use a ${to} column` +
        (TEMPORAL_TYPES.includes(to) ? ' or a temporal type that converts to it' : ''),
    );
  }
  return coercion;
}

/**
 * `column` in the scheme type `to` (itself when no conversion is needed); TYPE_MISMATCH if
 * impossible. `into` as convertTemporalColumn takes it.
 */
export function coerceColumn(column: Column, to: ColumnType, into?: Int32Array): Column {
  return requireCoercion(column.type, to) === 'temporal'
    ? convertTemporalColumn(column, to, into)
    : column;
}

/** `value` of type `from` in the scheme type `to`; TYPE_MISMATCH if impossible. */
export function coerceValue(value: CellValue, from: ColumnType, to: ColumnType): CellValue {
  return requireCoercion(from, to) === 'temporal' ? convertTemporalValue(value, from, to) : value;
}
