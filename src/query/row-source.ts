// Row sources: named equal-length columns that expressions refer to by name.

import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import type { RowSource } from './evaluate.ts';

/** A row source over `names[i]` → `columns[i]`, all of length `rows`. */
export function rowSourceOf(
  names: readonly string[],
  columns: readonly Column[],
  rows: number,
): RowSource {
  const byName = new Map<string, Column>();
  names.forEach((name, i) => {
    const column = columns[i];
    if (column !== undefined) byName.set(name, column);
  });
  return { rows, names, column: (name) => byName.get(name) };
}

/** Length of the first column, or `fallback` with no columns. */
export function rowsOf(columns: readonly Column[], fallback: number): number {
  const [first] = columns;
  return first === undefined ? fallback : columnLength(first);
}
