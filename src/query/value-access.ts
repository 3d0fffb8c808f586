// Reading function arguments: the string, strings, count or table a function expects, or a
// TYPE_MISMATCH that names the function, the argument and what was given.

import { assert } from '../core/assert.ts';
import { physicalKind } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { cellAt, columnValues } from '../core/types/column-ops.ts';
import type { Position } from './ast.ts';
import { queryError } from './query-error.ts';
import { describeValue } from './value.ts';
import type { Table, Value } from './value.ts';

/** Row `row` of `column` as a scalar value. */
export function scalarOf(column: Column | undefined, row: number): Value {
  assert(column !== undefined, 'a result column exists');
  return { kind: 'scalar', type: column.type, value: cellAt(column, row) };
}

/** The text of a STRING/SYMBOL scalar or a name (`VALUE`, `INT`). */
export function textArg(value: Value | undefined, what: string, position: Position): string {
  if (value?.kind === 'scalar' && physicalKind(value.type) === 'text') return value.value as string;
  if (value?.kind === 'name') return value.name;
  return mismatch(value, what, 'a string', position);
}

/** Texts of a text vector, a text scalar or a name. */
export function textsArg(value: Value | undefined, what: string, position: Position): string[] {
  if (value?.kind === 'vector' && physicalKind(value.column.type) === 'text') {
    return columnValues(value.column) as string[];
  }
  return [textArg(value, what, position)];
}

/** A whole non-negative number from an integer scalar. */
export function countArg(value: Value | undefined, what: string, position: Position): number {
  if (value?.kind === 'scalar') {
    const kind = physicalKind(value.type);
    if (kind !== 'text' && kind !== 'float32' && kind !== 'float64') {
      const n = Number(value.value);
      if (n >= 0) return n;
    }
  }
  return mismatch(value, what, 'a non-negative integer', position);
}

/** A table value. */
export function tableArg(value: Value | undefined, what: string, position: Position): Table {
  if (value?.kind === 'table') return value.table;
  return mismatch(value, what, 'a table', position);
}

function mismatch(
  value: Value | undefined,
  what: string,
  wanted: string,
  position: Position,
): never {
  const given = value === undefined ? 'nothing' : describeValue(value);
  return queryError('TYPE_MISMATCH', position, `${what} must be ${wanted}, not ${given}`);
}
