// Row-set steps over whole result columns: keep rows by a mask, remove duplicate rows, sort by
// keys, and cut to a window. Sorting and distinct compare physical values, so nulls (the
// smallest sentinel of each type) sort first, as in DolphinDB.

import { physicalKind } from '../core/types/column-type.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import { cellAt, takeRows } from '../core/types/column-ops.ts';

/** Indices of the rows whose mask byte is non-zero; null when every row is kept. */
export function maskIndices(mask: Uint8Array): Int32Array | null {
  let kept = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) kept++;
  if (kept === mask.length) return null;
  const out = new Int32Array(kept);
  let next = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) out[next++] = i;
  return out;
}

/** `columns` restricted to `indices` (all of them when null). */
export function takeAll(columns: readonly Column[], indices: Int32Array | null): Column[] {
  return indices === null ? [...columns] : columns.map((c) => takeRows(c, indices));
}

/** Indices of the first occurrence of each distinct row, in order. */
export function distinctRows(columns: readonly Column[], rows: number): Int32Array {
  const seen = new Set<string>();
  const kept: number[] = [];
  for (let row = 0; row < rows; row++) {
    const key = columns.map((c) => String(cellAt(c, row))).join('\u0001');
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(row);
  }
  return Int32Array.from(kept);
}

/** A sort key: a column and a direction. */
export interface SortKey {
  readonly column: Column;
  readonly descending: boolean;
}

/** Row indices ordered by `keys` (stable: ties keep their order). */
export function sortedIndices(keys: readonly SortKey[], rows: number): Int32Array {
  const order = Array.from({ length: rows }, (_, i) => i);
  const comparators = keys.map(comparatorOf);
  order.sort((a, b) => {
    for (const compare of comparators) {
      const c = compare(a, b);
      if (c !== 0) return c;
    }
    return a - b;
  });
  return Int32Array.from(order);
}

function comparatorOf(key: SortKey): (a: number, b: number) => number {
  const sign = key.descending ? -1 : 1;
  const column = key.column;
  switch (column.type) {
    case 'SYMBOL': {
      const { codes, dictionary } = column.data;
      const rank = symbolRanks(dictionary);
      return (a, b) => sign * ((rank[codes[a] ?? 0] ?? 0) - (rank[codes[b] ?? 0] ?? 0));
    }
    case 'STRING': {
      const data = column.data;
      return (a, b) => sign * compareText(data[a] ?? '', data[b] ?? '');
    }
    default: {
      const data = column.data as ArrayLike<number | bigint>;
      if (physicalKind(column.type) === 'float64' || physicalKind(column.type) === 'float32') {
        return (a, b) => sign * compareNumbers(data[a] as number, data[b] as number);
      }
      return (a, b) => {
        const x = data[a] as number | bigint;
        const y = data[b] as number | bigint;
        return sign * (x < y ? -1 : x > y ? 1 : 0);
      };
    }
  }
}

/** NaN sorts with the nulls, first. */
function compareNumbers(x: number, y: number): number {
  const nx = Number.isNaN(x) ? -Infinity : x;
  const ny = Number.isNaN(y) ? -Infinity : y;
  return nx < ny ? -1 : nx > ny ? 1 : 0;
}

function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The rank of each dictionary entry in string order, so codes sort as their text. */
function symbolRanks(dictionary: readonly string[]): Int32Array {
  const byText = dictionary
    .map((_, i) => i)
    .sort((a, b) => compareText(dictionary[a] ?? '', dictionary[b] ?? ''));
  const rank = new Int32Array(dictionary.length);
  byText.forEach((code, position) => {
    rank[code] = position;
  });
  return rank;
}

/** Rows [offset, offset + count) of `columns` (fewer at the end). */
export function windowRows(columns: readonly Column[], offset: number, count: number): Column[] {
  const rows = columns.length === 0 ? 0 : columnLength(columns[0] as Column);
  if (offset === 0 && count >= rows) return [...columns];
  const start = Math.min(offset, rows);
  const end = Math.min(rows, start + count);
  const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
  return columns.map((c) => takeRows(c, indices));
}
