// Values as people read them in a terminal, in DolphinDB's console style: aligned tables with
// a dashed header rule, vectors as [a,b,c], pairs as `a : b`, dictionaries as key->value lines.

import { assert, unreachable } from '../core/assert.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import { cellAt } from '../core/types/column-ops.ts';
import { formatLiteral, formatValue } from '../core/types/format.ts';
import type { Table, Value } from './value.ts';

/** Table rows printed when the caller gives no maxRows: one screen, as DolphinDB's console. */
export const DEFAULT_MAX_SHOWN_ROWS = 50;

/** Vector elements printed before `...`: a vector of millions must not flood the terminal. */
export const MAX_SHOWN_VECTOR_ELEMENTS = 100;

/** The value as people read it in a terminal (DolphinDB's console style). */
export function showValue(value: Value, options?: { readonly maxRows?: number }): string {
  switch (value.kind) {
    case 'null':
    case 'void':
      return '';
    case 'scalar':
      return formatValue(value.type, value.value);
    case 'vector':
      return showVector(value.column);
    case 'pair':
      return `${formatValue(value.first.type, value.first.value)} : ${formatValue(value.second.type, value.second.value)}`;
    case 'table':
      return showTable(value.table, options?.maxRows ?? DEFAULT_MAX_SHOWN_ROWS);
    case 'dictionary':
      return value.keys
        .map((key, i) => `${key}->${showValue(value.values[i] as Value, options)}`)
        .join('\n');
    case 'name':
      return value.name;
    case 'tuple':
      return `(${value.elements.map((e) => showValue(e, options)).join(', ')})`;
    case 'database':
      return value.path;
    case 'tableHandle':
      return `${value.database}/${value.table}`;
    default:
      return unreachable(value);
  }
}

/** `[1,,3]`: text quoted so empty strings and commas inside stay visible; nulls are empty. */
function showVector(column: Column): string {
  const length = columnLength(column);
  const shown = Math.min(length, MAX_SHOWN_VECTOR_ELEMENTS);
  const text = column.type === 'SYMBOL' || column.type === 'STRING';
  const cells = new Array<string>(shown);
  for (let i = 0; i < shown; i++) {
    const cell = cellAt(column, i);
    cells[i] = text ? formatLiteral('STRING', cell) : formatValue(column.type, cell);
  }
  return `[${cells.join(',')}${length > shown ? ',...' : ''}]`;
}

/** Header, dashes, the first `maxRows` rows, then a count line if rows were left out or none exist. */
function showTable(table: Table, maxRows: number): string {
  assert(
    Number.isInteger(maxRows) && maxRows >= 0,
    `maxRows must be a whole number ≥ 0, got ${maxRows}`,
  );
  assert(table.names.length === table.columns.length, 'table names and columns differ in count');
  const rowCount = table.columns[0] === undefined ? 0 : columnLength(table.columns[0]);
  const shown = Math.min(rowCount, maxRows);
  const cells = table.columns.map((column) => {
    assert(columnLength(column) === rowCount, 'table columns differ in length');
    return shownCells(column, shown);
  });
  const widths = table.names.map((name, c) =>
    (cells[c] as string[]).reduce(
      (width, cell) => Math.max(width, textWidth(cell)),
      textWidth(name),
    ),
  );
  const lines = [
    alignRow(table.names, widths),
    alignRow(
      widths.map((width) => '-'.repeat(width)),
      widths,
    ),
  ];
  for (let row = 0; row < shown; row++) {
    lines.push(
      alignRow(
        cells.map((column) => column[row] as string),
        widths,
      ),
    );
  }
  if (rowCount === 0) lines.push('[0 rows]');
  else if (rowCount > shown) lines.push(`[${rowCount} rows, showing the first ${shown}]`);
  return lines.join('\n');
}

function shownCells(column: Column, shown: number): string[] {
  const out = new Array<string>(shown);
  for (let row = 0; row < shown; row++) out[row] = formatValue(column.type, cellAt(column, row));
  return out;
}

/** Cells left-aligned in their columns, one space apart, trailing spaces trimmed. */
function alignRow(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, c) => cell + ' '.repeat((widths[c] as number) - textWidth(cell)))
    .join(' ')
    .trimEnd();
}

/** Width in code points, so a character outside the BMP (an emoji) counts once, not twice. */
function textWidth(text: string): number {
  let width = 0;
  for (const _char of text) width++;
  return width;
}
