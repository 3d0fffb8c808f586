// A column in memory: one typed array (or text array) whose element type follows the
// column type. SYMBOL is dictionary-encoded, as on disk, so group-by and filters work on codes.

import type {
  ColumnType,
  Float32Type,
  Float64Type,
  Int16Type,
  Int32Type,
  Int64Type,
  Int8Type,
} from './column-type.ts';

/** Dictionary-encoded text: `dictionary[codes[i]]` is row i. The null symbol is ''. */
export interface SymbolData {
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

export type Column =
  | { readonly type: Int8Type; readonly data: Int8Array }
  | { readonly type: Int16Type; readonly data: Int16Array }
  | { readonly type: Int32Type; readonly data: Int32Array }
  | { readonly type: Int64Type; readonly data: BigInt64Array }
  | { readonly type: Float32Type; readonly data: Float32Array }
  | { readonly type: Float64Type; readonly data: Float64Array }
  | { readonly type: 'SYMBOL'; readonly data: SymbolData }
  | { readonly type: 'STRING'; readonly data: readonly string[] };

/** Number of rows in `column`. */
export function columnLength(column: Column): number {
  return column.type === 'SYMBOL' ? column.data.codes.length : column.data.length;
}

/** The rows of a set of equal-length columns (0 for no columns). */
export function rowsOfColumns(columns: readonly Column[]): number {
  return columns[0] === undefined ? 0 : columnLength(columns[0]);
}

/** A named column of a table or a write. */
export interface NamedColumn {
  readonly name: string;
  readonly column: Column;
}

export type { ColumnType };
