// Type conversion of whole columns, as replaceColumn! needs: numbers among numeric types
// (nulls stay null; a value outside the target's range becomes null), temporal types among
// themselves, text between SYMBOL and STRING. Anything else is TYPE_MISMATCH.

import { ShoalError } from '../errors.ts';
import { isNullValue, nullOf, physicalKind, TEMPORAL_TYPES } from './column-type.ts';
import type { CellValue, ColumnType } from './column-type.ts';
import type { Column } from './column.ts';
import { columnFromValues, columnValues } from './column-ops.ts';
import { convertTemporalColumn } from './temporal-convert.ts';

const NUMERIC: readonly ColumnType[] = ['BOOL', 'CHAR', 'SHORT', 'INT', 'LONG', 'FLOAT', 'DOUBLE'];

/** `column` as type `to`; TYPE_MISMATCH when the types do not convert. */
export function convertColumn(column: Column, to: ColumnType): Column {
  const from = column.type;
  if (from === to) return column;
  if (physicalKind(from) === 'text' && physicalKind(to) === 'text')
    return columnFromValues(to, columnValues(column));
  if (TEMPORAL_TYPES.includes(from) && TEMPORAL_TYPES.includes(to))
    return convertTemporalColumn(column, to);
  if (NUMERIC.includes(from) && NUMERIC.includes(to)) {
    return columnFromValues(
      to,
      columnValues(column).map((v) => convertNumber(from, to, v)),
    );
  }
  throw new ShoalError('TYPE_MISMATCH', `a ${from} column cannot be converted to ${to}`);
}

const INTEGER_RANGES: Partial<Record<ColumnType, readonly [number, number]>> = {
  BOOL: [0, 1],
  CHAR: [-127, 127],
  SHORT: [-32767, 32767],
  INT: [-2147483647, 2147483647],
};

function convertNumber(from: ColumnType, to: ColumnType, value: CellValue): CellValue {
  if (isNullValue(from, value)) return nullOf(to);
  const n = Number(value);
  if (to === 'DOUBLE') return n;
  if (to === 'FLOAT') return Math.abs(n) > 3.4028234663852886e38 ? nullOf(to) : n;
  if (to === 'BOOL') return n === 0 ? 0 : 1;
  const whole = Math.trunc(n);
  if (to === 'LONG') {
    return Number.isFinite(whole) && Math.abs(whole) < 9.2e18 ? BigInt(whole) : nullOf(to);
  }
  const range = INTEGER_RANGES[to];
  if (range === undefined) return nullOf(to);
  return whole >= range[0] && whole <= range[1] ? whole : nullOf(to);
}
