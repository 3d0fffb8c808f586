// Vectorised building blocks over Columns: construction from cell values, row gathers,
// concatenation, cell access. Storage and the query engine both stand on these.

import { assert, unreachable } from '../assert.ts';
import { nullOf, physicalKind } from './column-type.ts';
import type { CellValue, ColumnType } from './column-type.ts';
import { columnLength } from './column.ts';
import type { Column, SymbolData } from './column.ts';

/** A column of `length` nulls of `type`. */
export function nullColumn(type: ColumnType, length: number): Column {
  return columnFromValues(type, new Array<CellValue>(length).fill(nullOf(type)));
}

/** Builds a column of `type` from physical cell values (numbers, bigints or strings). */
export function columnFromValues(type: ColumnType, values: readonly CellValue[]): Column {
  switch (type) {
    case 'BOOL':
    case 'CHAR':
      return { type, data: Int8Array.from(values as readonly number[]) };
    case 'SHORT':
      return { type, data: Int16Array.from(values as readonly number[]) };
    case 'INT':
    case 'DATE':
    case 'MONTH':
    case 'TIME':
    case 'MINUTE':
    case 'SECOND':
    case 'DATETIME':
      return { type, data: Int32Array.from(values as readonly number[]) };
    case 'LONG':
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return { type, data: BigInt64Array.from(values as readonly bigint[]) };
    case 'FLOAT':
      return { type, data: Float32Array.from(values as readonly number[]) };
    case 'DOUBLE':
      return { type, data: Float64Array.from(values as readonly number[]) };
    case 'SYMBOL':
      return { type, data: encodeSymbols(values as readonly string[]) };
    case 'STRING':
      return { type, data: (values as readonly string[]).slice() };
    default:
      return unreachable(type);
  }
}

/** Dictionary-encodes text values; codes follow first appearance. */
export function encodeSymbols(values: readonly string[]): SymbolData {
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string;
    let code = index.get(value);
    if (code === undefined) {
      code = dictionary.length;
      index.set(value, code);
      dictionary.push(value);
    }
    codes[i] = code;
  }
  return { codes, dictionary };
}

/**
 * `column` with its SYMBOL dictionary cut to the symbols its rows use when it has more entries
 * than rows (a few rows taken from a large column keep its whole dictionary, which every
 * encoding, transfer and merge would then carry); other columns unchanged.
 */
export function compactSymbols(column: Column): Column {
  if (column.type !== 'SYMBOL' || column.data.dictionary.length <= column.data.codes.length)
    return column;
  const { codes, dictionary } = column.data;
  return {
    type: 'SYMBOL',
    data: encodeSymbols(Array.from(codes, (code) => dictionary[code] as string)),
  };
}

/** The physical value of row `row`. */
export function cellAt(column: Column, row: number): CellValue {
  assert(row >= 0 && row < columnLength(column), `row ${row} out of range`);
  if (column.type === 'SYMBOL')
    return column.data.dictionary[column.data.codes[row] as number] as string;
  return column.data[row] as CellValue;
}

/** All cells of `column` as physical values (for tests, printing and small results). */
export function columnValues(column: Column): CellValue[] {
  const out = new Array<CellValue>(columnLength(column));
  for (let i = 0; i < out.length; i++) out[i] = cellAt(column, i);
  return out;
}

/** The rows of `column` at `indices`, in that order. */
export function takeRows(column: Column, indices: Int32Array | Uint32Array): Column {
  switch (column.type) {
    case 'SYMBOL':
      return {
        type: column.type,
        data: { codes: gather(column.data.codes, indices), dictionary: column.data.dictionary },
      };
    case 'STRING': {
      const out = new Array<string>(indices.length);
      for (let i = 0; i < indices.length; i++) out[i] = column.data[indices[i] as number] as string;
      return { type: column.type, data: out };
    }
    default:
      return { type: column.type, data: gather(column.data, indices) } as Column;
  }
}

/** Rows `start` (inclusive) to `end` (exclusive) of `column`, viewing its buffers: nothing is copied. */
export function sliceRows(column: Column, start: number, end: number): Column {
  switch (column.type) {
    case 'SYMBOL':
      return {
        type: column.type,
        data: { codes: column.data.codes.subarray(start, end), dictionary: column.data.dictionary },
      };
    case 'STRING':
      return { type: column.type, data: column.data.slice(start, end) };
    default:
      return { type: column.type, data: column.data.subarray(start, end) } as Column;
  }
}

type NumericArray =
  Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

function gather<T extends NumericArray>(source: T, indices: Int32Array | Uint32Array): T {
  const ctor = source.constructor as new (length: number) => T;
  const out = new ctor(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = source[indices[i] as number] as never;
  return out;
}

/**
 * Sets of columns of one shape (column i of each set is of `types[i]`: the rows of several
 * writes, fragments or deltas) joined column by column into one set.
 */
export function concatColumnSets(
  types: readonly ColumnType[],
  sets: readonly (readonly Column[])[],
): Column[] {
  return types.map((type, i) =>
    concatColumns(
      type,
      sets.map((set) => set[i] as Column),
    ),
  );
}

/** Concatenates columns of one type; SYMBOL dictionaries are merged. */
export function concatColumns(type: ColumnType, parts: readonly Column[]): Column {
  for (const part of parts) assert(part.type === type, `concat of ${part.type} into ${type}`);
  if (parts.length === 1) return parts[0] as Column;
  if (type === 'SYMBOL')
    return { type, data: concatSymbols(parts.map((p) => p.data as SymbolData)) };
  if (type === 'STRING') return { type, data: parts.flatMap((p) => p.data as readonly string[]) };
  const total = parts.reduce((sum, p) => sum + columnLength(p), 0);
  const empty = nullColumn(type, 0).data as NumericArray;
  const ctor = empty.constructor as new (length: number) => NumericArray;
  const out = new ctor(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part.data as never, offset);
    offset += columnLength(part);
  }
  return { type, data: out } as Column;
}

function concatSymbols(parts: readonly SymbolData[]): SymbolData {
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const total = parts.reduce((sum, p) => sum + p.codes.length, 0);
  const codes = new Int32Array(total);
  let offset = 0;
  for (const part of parts) {
    const remap = part.dictionary.map((text) => {
      let code = index.get(text);
      if (code === undefined) {
        code = dictionary.length;
        index.set(text, code);
        dictionary.push(text);
      }
      return code;
    });
    for (let i = 0; i < part.codes.length; i++)
      codes[offset + i] = remap[part.codes[i] as number] as number;
    offset += part.codes.length;
  }
  return { codes, dictionary };
}

/** True when the physical families of the two types are the same (same typed array). */
export function samePhysical(a: ColumnType, b: ColumnType): boolean {
  return physicalKind(a) === physicalKind(b);
}
