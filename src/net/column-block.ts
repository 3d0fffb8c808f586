// A column block: equal-length columns as one Arrow IPC stream, the wire's bulk unit. Fields
// are positional (`c0`, …) with the Shoal type in metadata; columns map to Arrow as segment
// files do (segment-codec.ts), so SYMBOL dictionaries and null sentinels round-trip as is.

import { Field, RecordBatch, Schema, Struct, Table, makeData, tableFromIPC } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import { assert } from '../core/assert.ts';
import { isColumnType } from '../core/types/column-type.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import { fromArrowVector, toArrowData } from '../storage/segment-codec.ts';
import { ipcChunks } from '../storage/arrow-chunks.ts';
import { malformed } from './wire-json.ts';

/** What a frame header says of a block; decoding checks the block against it. */
export interface BlockShape {
  readonly columns: number;
  readonly rows: number;
}

/**
 * Columns of equal length (at least one) as Arrow IPC stream bytes, in chunks that view the
 * columns' own buffers: nothing is copied (a copy of a 70 MB table costs more than all the
 * rest of its encoding), so the chunks are valid while the columns are unchanged.
 */
export function encodeColumnBlock(columns: readonly Column[]): Uint8Array[] {
  assert(columns.length > 0, 'a column block has at least one column');
  const rows = columnLength(columns[0] as Column);
  const fields: Field[] = [];
  const children: Data[] = [];
  columns.forEach((column, i) => {
    assert(
      columnLength(column) === rows,
      `block column ${i} has ${columnLength(column)} rows, not ${rows}`,
    );
    const data = toArrowData(column);
    fields.push(new Field(`c${i}`, data.type, false, new Map([['shoal.type', column.type]])));
    children.push(data);
  });
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
  return ipcChunks(new Table(schema, [new RecordBatch(schema, struct)]), 'stream');
}

/** The columns of a block shaped as `shape`; BAD_REQUEST for anything else. */
export function decodeColumnBlock(bytes: Uint8Array, shape: BlockShape, where: string): Column[] {
  const table = readArrow(aligned(bytes), where);
  const fields = table.schema.fields;
  if (fields.length !== shape.columns)
    throw malformed(where, `has ${fields.length} columns, the header says ${shape.columns}`);
  return fields.map((field, i) => {
    const type = field.metadata.get('shoal.type');
    if (type === undefined || !isColumnType(type))
      throw malformed(`${where} column ${i}`, 'has no Shoal type');
    const vector = table.getChildAt(i);
    assert(vector !== null, 'field listed but absent');
    const column = fromArrowVector(type, vector);
    if (columnLength(column) !== shape.rows)
      throw malformed(
        `${where} column ${i}`,
        `has ${columnLength(column)} rows, the header says ${shape.rows}`,
      );
    checkSymbolCodes(column, `${where} column ${i}`);
    return column;
  });
}

function readArrow(bytes: Uint8Array, where: string): Table {
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    throw malformed(where, `is not a readable Arrow IPC stream (${String(error)})`);
  }
}

// Typed-array views need their element alignment; a block that arrives at an odd offset of a
// network buffer is copied once rather than read through a misaligned view.
function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
}

// A code outside the dictionary would read as undefined far from here: check after reading.
function checkSymbolCodes(column: Column, where: string): void {
  if (column.type !== 'SYMBOL') return;
  const size = column.data.dictionary.length;
  const codes = column.data.codes;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code < 0 || code >= size)
      throw malformed(where, `row ${i} has symbol code ${code} outside its dictionary of ${size}`);
  }
}
