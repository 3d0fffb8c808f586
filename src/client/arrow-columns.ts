// Apache Arrow tables and Shoal columns, for the SDK's bulk data in and out. A column keeps its
// Shoal type in field metadata (`shoal.type`, as segment files and the wire do); a plain Arrow
// column is typed by its Arrow type, and its Arrow nulls become Shoal's null sentinels.

import {
  DataType,
  Field,
  Precision,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  makeData,
  makeVector,
} from 'apache-arrow';
import type { Data, Vector } from 'apache-arrow';
import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import { NULL_INT8, isColumnType, nullOf, physicalKind } from '../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import { concatColumns, encodeSymbols, nullColumn } from '../core/types/column-ops.ts';
import type { Column, NamedColumn } from '../core/types/column.ts';
import type { Table } from '../query/value.ts';
import { fromArrowVector, toArrowData } from '../storage/segment-codec.ts';

const SHOAL_TYPE_KEY = 'shoal.type';

const PLAIN_TYPES =
  'Int8 (CHAR), Int16 (SHORT), Int32 (INT), Int64 (LONG), Float32 (FLOAT), Float64 (DOUBLE), ' +
  'Bool (BOOL), Utf8 (STRING) or Dictionary<Utf8> (SYMBOL)';

/** The columns of an Arrow table, in field order; INVALID_ARGUMENT for a type Shoal lacks. */
export function columnsFromArrow(table: ArrowTable): NamedColumn[] {
  return table.schema.fields.map((field, i) => {
    const vector = table.getChildAt(i);
    assert(vector !== null, 'an Arrow table has a child per field');
    const type = shoalTypeOf(field);
    const parts = vector.data.map((data) => chunkColumn(type, data));
    const column =
      parts.length === 0 ? nullColumn(type, 0) : concatColumns(type, parts as Column[]);
    return { name: field.name, column };
  });
}

/** A result table as an Arrow table whose fields carry their Shoal type (nulls as sentinels). */
export function toArrowTable(table: Table): ArrowTable {
  const fields: Field[] = [];
  const children: Data[] = [];
  table.columns.forEach((column, i) => {
    const data = toArrowData(column);
    const name = table.names[i] ?? `c${i}`;
    fields.push(new Field(name, data.type, false, new Map([[SHOAL_TYPE_KEY, column.type]])));
    children.push(data);
  });
  const schema = new Schema(fields);
  const length = children[0]?.length ?? 0;
  const struct = makeData({ type: new Struct(fields), length, nullCount: 0, children });
  return new ArrowTable(schema, [new RecordBatch(schema, struct)]);
}

/** The Shoal type of a field: its `shoal.type` when it fits the Arrow type, else by Arrow type. */
function shoalTypeOf(field: Field): ColumnType {
  const natural = naturalType(field.type);
  if (natural === null)
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `Arrow column ${field.name} has type ${String(field.type)}, which Shoal does not take; use ${PLAIN_TYPES}`,
    );
  const declared = field.metadata.get(SHOAL_TYPE_KEY);
  if (declared === undefined) return natural;
  if (!isColumnType(declared) || !fits(declared, natural))
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `Arrow column ${field.name} says ${SHOAL_TYPE_KEY}=${declared} but holds ${String(field.type)}; fix the metadata or drop it`,
    );
  return declared;
}

// A declared Shoal type fits an Arrow column of the same physical form (DATE over Int32).
function fits(declared: ColumnType, natural: ColumnType): boolean {
  if (physicalKind(natural) === 'text') return declared === natural;
  return physicalKind(declared) === physicalKind(natural);
}

/** The Shoal type an Arrow type maps to, or null when Shoal has none. */
function naturalType(type: DataType): ColumnType | null {
  if (DataType.isBool(type)) return 'BOOL';
  if (DataType.isUtf8(type)) return 'STRING';
  if (DataType.isDictionary(type)) return DataType.isUtf8(type.dictionary) ? 'SYMBOL' : null;
  if (DataType.isFloat(type))
    return type.precision === Precision.SINGLE
      ? 'FLOAT'
      : type.precision === Precision.DOUBLE
        ? 'DOUBLE'
        : null;
  if (!DataType.isInt(type) || !type.isSigned) return null;
  switch (type.bitWidth) {
    case 8:
      return 'CHAR';
    case 16:
      return 'SHORT';
    case 32:
      return 'INT';
    case 64:
      return 'LONG';
    default:
      return null;
  }
}

/** One record batch's part of a column. */
function chunkColumn(type: ColumnType, data: Data): Column {
  if (DataType.isBool(data.type)) return boolColumn(type, data);
  if (DataType.isDictionary(data.type)) return symbolColumn(data);
  const column = fromArrowVector(type, makeVector(data));
  return data.nullCount > 0 ? withNulls(column, data) : column;
}

// Arrow packs booleans in bits; Shoal holds one byte per row.
function boolColumn(type: ColumnType, data: Data): Column {
  const vector: Vector = makeVector(data);
  const out = new Int8Array(data.length);
  for (let i = 0; i < out.length; i++) {
    const cell: unknown = vector.get(i);
    out[i] = cell === null ? NULL_INT8 : cell === true ? 1 : 0;
  }
  return { type, data: out } as Column;
}

// Any index width; duplicate or null dictionary entries folded, null rows as the '' symbol.
function symbolColumn(data: Data): Column {
  assert(data.dictionary !== undefined, 'a dictionary column has its dictionary');
  const entries = (data.dictionary.toArray() as readonly (string | null)[]).map((s) => s ?? '');
  const unique = encodeSymbols(data.nullCount > 0 ? [...entries, ''] : entries);
  const empty = unique.codes[entries.length] ?? 0;
  const indices = data.values as ArrayLike<number | bigint>;
  const codes = new Int32Array(data.length);
  for (let i = 0; i < codes.length; i++) {
    if (!data.getValid(i)) {
      codes[i] = empty;
      continue;
    }
    const code = unique.codes[Number(indices[i])];
    if (code === undefined)
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `Arrow dictionary column has an index outside its dictionary of ${entries.length} at row ${i}`,
      );
    codes[i] = code;
  }
  return { type: 'SYMBOL', data: { codes, dictionary: unique.dictionary } };
}

// A copy of `column` with the type's null sentinel where Arrow marks a row null.
function withNulls(column: Column, data: Data): Column {
  assert(column.type !== 'SYMBOL', 'symbol nulls are set while decoding the dictionary');
  const cells: { [row: number]: CellValue } = column.data.slice();
  const sentinel = nullOf(column.type);
  for (let i = 0; i < data.length; i++) if (!data.getValid(i)) cells[i] = sentinel;
  return { type: column.type, data: cells } as Column;
}
