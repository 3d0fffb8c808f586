// Test support for the operators: values from plain cells, results back as plain cells, and
// the ShoalError a call throws. Imported only by tests.

import { isShoalError } from '../../core/errors.ts';
import type { ShoalError } from '../../core/errors.ts';
import { isNullValue } from '../../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import { columnFromValues, columnValues } from '../../core/types/column-ops.ts';
import type { Position } from '../ast.ts';
import type { Value } from '../value.ts';

/** The position tests pass; errors must carry it. */
export const AT: Position = { line: 3, column: 7 };

/** DolphinDB's untyped NULL. */
export const NULL: Value = { kind: 'null' };

/** A vector of `type` from physical cells. */
export function vec(type: ColumnType, values: readonly CellValue[]): Value {
  return { kind: 'vector', column: columnFromValues(type, values) };
}

/** A scalar of `type`. */
export function sc(type: ColumnType, value: CellValue): Value {
  return { kind: 'scalar', type, value };
}

/** A cell as tests compare it: null (sentinel or NaN) as null. */
export type Cell = CellValue | null;

/** A result in plain form: its kind, type and cells (one for a scalar). */
export interface Shown {
  readonly kind: string;
  readonly type: ColumnType | null;
  readonly cells: readonly Cell[];
}

/** `value` in plain form (see Shown). */
export function show(value: Value): Shown {
  switch (value.kind) {
    case 'scalar':
      return { kind: 'scalar', type: value.type, cells: [cell(value.type, value.value)] };
    case 'vector': {
      const type = value.column.type;
      return { kind: 'vector', type, cells: columnValues(value.column).map((v) => cell(type, v)) };
    }
    default:
      return { kind: value.kind, type: null, cells: [] };
  }
}

function cell(type: ColumnType, value: CellValue): Cell {
  if (isNullValue(type, value)) return null;
  return typeof value === 'number' && Number.isNaN(value) ? null : value;
}

/** The ShoalError `run` throws; fails the test when it returns or throws something else. */
export function errorOf(run: () => unknown): ShoalError {
  try {
    run();
  } catch (error) {
    if (isShoalError(error)) return error;
    throw error;
  }
  throw new Error('expected a ShoalError, but the call returned');
}
