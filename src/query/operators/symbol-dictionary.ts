// SYMBOL columns are evaluated through their dictionary: an operator against a single value runs
// once per distinct symbol (a few thousand) and the per-entry answers are spread over the rows
// (a million) by code, one array read per row. A column with more entries than rows (a few rows
// taken from a large column keep its dictionary) is cheaper row by row, and goes that way.

import { assert } from '../../core/assert.ts';
import type { Column, SymbolData } from '../../core/types/column.ts';
import type { Lane } from './operands.ts';

/** True when `column` is SYMBOL with no more dictionary entries than rows. */
export function byDictionary(column: Column): column is Extract<Column, { type: 'SYMBOL' }> {
  return column.type === 'SYMBOL' && column.data.dictionary.length <= column.data.codes.length;
}

/**
 * Which of two lanes is a SYMBOL vector facing a single row (0 or 1) and worth evaluating by
 * dictionary, or -1 when neither is.
 */
export function dictionarySide(x: Lane, y: Lane): 0 | 1 | -1 {
  if (x.stride === 1 && y.stride === 0 && byDictionary(x.column)) return 0;
  if (y.stride === 1 && x.stride === 0 && byDictionary(y.column)) return 1;
  return -1;
}

/** The codes of a SYMBOL lane and its dictionary as a STRING vector lane. */
export function dictionaryLane(lane: Lane): { readonly codes: Int32Array; readonly entries: Lane } {
  const data = symbolData(lane.column);
  const entries: Column = { type: 'STRING', data: data.dictionary };
  return { codes: data.codes, entries: { column: entries, stride: 1 } };
}

function symbolData(column: Column): SymbolData {
  assert(column.type === 'SYMBOL', `${column.type} has no dictionary`);
  return column.data;
}

/** out[i] = perEntry[codes[i]]: a per-symbol answer spread over the rows. */
export function spreadCodes(codes: Int32Array, perEntry: Int8Array, out: Int8Array): void {
  for (let i = 0; i < codes.length; i++) out[i] = perEntry[codes[i]!]!;
}

/** The per-symbol strings spread over the rows. */
export function spreadText(codes: Int32Array, perEntry: readonly string[]): string[] {
  const out = new Array<string>(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = perEntry[codes[i]!]!;
  return out;
}
