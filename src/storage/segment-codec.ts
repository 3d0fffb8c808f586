// Segment files: one Arrow IPC file (one record batch) per segment. Fields are named by the
// column's stable id (`c<id>`) so renaming a column never rewrites data; the Shoal type and
// the column name at write time ride in field metadata. SYMBOL is an Arrow dictionary
// column. Nulls are the type's sentinel values (column-type.ts), so there is no validity map.

import {
  Dictionary,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  Vector,
  makeData,
  tableFromIPC,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { assert } from '../core/assert.ts';
import { ipcChunks } from './arrow-chunks.ts';
import { ShoalError } from '../core/errors.ts';
import { isColumnType, physicalKind } from '../core/types/column-type.ts';
import type { ColumnType } from '../core/types/column-type.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import { concatColumns } from '../core/types/column-ops.ts';

/** One column of a segment, keyed by the table's stable column id. */
export interface SegmentColumn {
  readonly id: number;
  readonly name: string;
  readonly column: Column;
}

/**
 * Encodes columns of equal length as an Arrow IPC file, in chunks to write in order: they
 * view the columns' own buffers (joining them into one would copy the whole segment into
 * fresh memory), so they are valid while the columns are unchanged.
 */
export function encodeSegment(columns: readonly SegmentColumn[]): Uint8Array[] {
  assert(columns.length > 0, 'a segment has at least one column');
  const rows = columnLength((columns[0] as SegmentColumn).column);
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const { id, name, column } of columns) {
    assert(columnLength(column) === rows, 'segment columns differ in length');
    const data = toArrowData(column);
    fields.push(
      new Field(
        `c${id}`,
        data.type,
        false,
        new Map([
          ['shoal.type', column.type],
          ['shoal.name', name],
        ]),
      ),
    );
    children.push(data);
  }
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
  return ipcChunks(new Table(schema, [new RecordBatch(schema, struct)]), 'file');
}

/** Decodes a segment: column id → column. Rejects a malformed file with CORRUPT_DATA. */
export function decodeSegment(bytes: Uint8Array, where: string): ReadonlyMap<number, Column> {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new ShoalError('CORRUPT_DATA', `segment ${where} is not a readable Arrow file`, {
      cause: error,
    });
  }
  const out = new Map<number, Column>();
  for (const field of table.schema.fields) {
    const type = field.metadata.get('shoal.type');
    const id = Number(field.name.slice(1));
    if (type === undefined || !isColumnType(type) || !Number.isInteger(id)) {
      throw new ShoalError(
        'CORRUPT_DATA',
        `segment ${where} has a field ${field.name} without a Shoal type`,
      );
    }
    const vector = table.getChild(field.name);
    assert(vector !== null, 'field listed but absent');
    out.set(id, fromArrowVector(type, vector));
  }
  return out;
}

function arrowTypeOf(type: ColumnType): DataType {
  switch (physicalKind(type)) {
    case 'int8':
      return new Int8();
    case 'int16':
      return new Int16();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'float32':
      return new Float32();
    case 'float64':
      return new Float64();
    case 'text':
      return type === 'SYMBOL' ? new Dictionary(new Utf8(), new Int32()) : new Utf8();
  }
}

/** One column as Arrow data (SYMBOL as a dictionary column, nulls as their sentinels); for the wire too. */
export function toArrowData(column: Column): Data {
  switch (column.type) {
    case 'SYMBOL': {
      const dictionary = new Vector([utf8Data(column.data.dictionary)]);
      const type = new Dictionary(new Utf8(), new Int32());
      return makeData({
        type,
        length: column.data.codes.length,
        nullCount: 0,
        data: column.data.codes,
        dictionary,
      });
    }
    case 'STRING':
      return utf8Data(column.data);
    default: {
      const type = arrowTypeOf(column.type);
      return makeData({
        type,
        length: column.data.length,
        nullCount: 0,
        data: column.data,
      } as never) as Data;
    }
  }
}

/** The column of Shoal `type` an Arrow vector written by toArrowData holds; for the wire too. */
export function fromArrowVector(type: ColumnType, vector: Vector): Column {
  const chunks = vector.data.map((chunk) => fromArrowData(type, chunk));
  return chunks.length === 1 ? (chunks[0] as Column) : concatColumns(type, chunks);
}

// Arrow slices values and value offsets with the data (its offset counts only in the validity
// bitmap): row i of a slice is at index i.
function fromArrowData(type: ColumnType, data: Data): Column {
  switch (type) {
    case 'SYMBOL': {
      const dictionary = data.dictionary;
      assert(dictionary !== undefined, 'SYMBOL field without a dictionary');
      const codes = (data.values as Int32Array).subarray(0, data.length);
      return { type, data: { codes, dictionary: dictionary.data.flatMap(utf8Texts) } };
    }
    case 'STRING':
      return { type, data: utf8Texts(data) };
    default:
      // Every other type is one flat typed array of this batch's rows.
      return { type, data: (data.values as Int8Array).subarray(0, data.length) } as Column;
  }
}

const utf8 = new TextDecoder();

/**
 * The strings of Arrow Utf8 data. Decoding string by string (Arrow's own iteration) costs
 * about a microsecond each, most of a large append's decoding on the wire; ASCII text, the
 * common case, is decoded in one call and cut at the offsets.
 */
function utf8Texts(data: Data): string[] {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const first = offsets[0] as number;
  const whole = utf8.decode(bytes.subarray(first, offsets[data.length] as number));
  // One character per byte: ASCII (a stray invalid byte reads as U+FFFD either way).
  const ascii = whole.length === (offsets[data.length] as number) - first;
  const texts = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) {
    const start = offsets[i] as number;
    const end = offsets[i + 1] as number;
    texts[i] = ascii
      ? whole.slice(start - first, end - first)
      : utf8.decode(bytes.subarray(start, end));
  }
  return texts;
}

/**
 * Strings as Arrow Utf8 data: their UTF-8 bytes in one buffer, and offsets. Arrow's builder
 * encodes string by string (most of a segment's encoding time for a SYMBOL column's
 * dictionary); ASCII text, the common case, is encoded in one call.
 */
function utf8Data(strings: readonly string[]): Data<Utf8> {
  const offsets = new Int32Array(strings.length + 1);
  const joined = strings.join('');
  let bytes: Uint8Array;
  if (isAscii(joined)) {
    for (let i = 0; i < strings.length; i++) {
      offsets[i + 1] = (offsets[i] as number) + (strings[i] as string).length;
    }
    bytes = Buffer.from(joined, 'latin1');
  } else {
    for (let i = 0; i < strings.length; i++) {
      offsets[i + 1] = (offsets[i] as number) + Buffer.byteLength(strings[i] as string, 'utf8');
    }
    bytes = Buffer.from(joined, 'utf8');
  }
  if (bytes.length > MAX_UTF8_BYTES) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `${bytes.length} bytes of text in one column of one segment exceed Arrow's limit of ${MAX_UTF8_BYTES}: write fewer rows at once`,
    );
  }
  return makeData({
    type: new Utf8(),
    length: strings.length,
    nullCount: 0,
    valueOffsets: offsets,
    data: bytes,
  });
}

/** Arrow Utf8 offsets are 32-bit. */
const MAX_UTF8_BYTES = 0x7fff_ffff;

// Every character below U+0080, so offsets are string lengths: every other character takes
// more UTF-8 bytes than UTF-16 units.
function isAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === text.length;
}
