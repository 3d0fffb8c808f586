// Values as plain JSON for programs: tables become arrays of row objects, cells become JSON
// numbers, booleans, strings or null, with nothing JSON.stringify would silently mangle.

import { assert, unreachable } from '../core/assert.ts';
import { isNullValue } from '../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import { cellAt } from '../core/types/column-ops.ts';
import { formatValue } from '../core/types/format.ts';
import type { Table, Value } from './value.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** What valueToJson produces: exactly what JSON.stringify writes and JSON.parse reads back. */
type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * The value for programs: table → array of row objects; vector → array; scalar → plain
 * JSON value; dictionary → object; null/void → null; pair → [a, b]; handles → their path.
 */
export function valueToJson(value: Value): unknown {
  return toJson(value);
}

function toJson(value: Value): Json {
  switch (value.kind) {
    case 'null':
    case 'void':
      return null;
    case 'scalar':
      return cellToJson(value.type, value.value);
    case 'vector':
      return columnToJson(value.column);
    case 'pair':
      return [
        cellToJson(value.first.type, value.first.value),
        cellToJson(value.second.type, value.second.value),
      ];
    case 'table':
      return tableToJson(value.table);
    case 'dictionary':
      // fromEntries defines own properties, so a key such as __proto__ stays a plain key.
      return Object.fromEntries(
        value.keys.map((key, i) => [key, toJson(value.values[i] as Value)]),
      );
    case 'name':
      return value.name;
    case 'tuple':
      return value.elements.map(toJson);
    case 'database':
      return value.path;
    case 'tableHandle':
      return `${value.database}/${value.table}`;
    default:
      return unreachable(value);
  }
}

/** One cell: null for DolphinDB nulls and for NaN and ±Infinity, which JSON cannot hold. */
function cellToJson(type: ColumnType, value: CellValue): Json {
  if (isNullValue(type, value)) return null;
  switch (type) {
    case 'BOOL':
      return value !== 0;
    case 'CHAR':
    case 'SHORT':
    case 'INT':
    case 'DOUBLE':
      return finiteOrNull(value as number);
    case 'FLOAT':
      // The shortest decimal that names the float32, so 0.1f is 0.1, not 0.10000000149011612.
      return finiteOrNull(Number(formatValue(type, value)));
    case 'LONG':
      return safeInteger(value as bigint);
    case 'DATE':
    case 'MONTH':
    case 'TIME':
    case 'MINUTE':
    case 'SECOND':
    case 'DATETIME':
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return formatValue(type, value);
    case 'SYMBOL':
    case 'STRING':
      return value as string;
    default:
      return unreachable(type);
  }
}

/** −0 becomes 0 because JSON text has no −0: what a reader parses equals what we return. */
function finiteOrNull(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  return value === 0 ? 0 : value;
}

/** A number when it converts exactly; beyond 2^53−1 a string, which a reader can parse exactly. */
function safeInteger(value: bigint): number | string {
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : String(value);
}

function columnToJson(column: Column): Json[] {
  const out = new Array<Json>(columnLength(column));
  for (let i = 0; i < out.length; i++) out[i] = cellToJson(column.type, cellAt(column, i));
  return out;
}

/** Rows as objects keyed by column name, keys in column order. */
function tableToJson(table: Table): Json[] {
  const columns = table.columns.map(columnToJson);
  const rowCount = columns[0]?.length ?? 0;
  assert(table.names.length === columns.length, 'table names and columns differ in count');
  assert(
    columns.every((column) => column.length === rowCount),
    'table columns differ in length',
  );
  const rows = new Array<Json>(rowCount);
  for (let row = 0; row < rowCount; row++) {
    rows[row] = Object.fromEntries(
      table.names.map((name, c) => [name, (columns[c] as Json[])[row] as Json]),
    );
  }
  return rows;
}
