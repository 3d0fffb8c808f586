// Query values and appended columns as frames (wire-frame.ts): the value's shape and scalars in
// the JSON body, each vector or table one Arrow block, so 1 M rows cost their Arrow bytes and
// no per-cell JSON. Nested values (tuple, dictionary) nest in the body, pointing at blocks.

import { unreachable } from '../core/assert.ts';
import type { Column, NamedColumn } from '../core/types/column.ts';
import type { Value } from '../query/value.ts';
import { scalarFromWire, scalarToWire, cellFromWire, cellToWire } from './wire-cells.ts';
import { concatBytes, decodeFrame, encodeFrame } from './wire-frame.ts';
import type { FrameContent } from './wire-frame.ts';
import {
  asArray,
  asColumnType,
  asCount,
  asObject,
  asString,
  asStrings,
  malformed,
} from './wire-json.ts';
import type { WireJson } from './wire-json.ts';
import { schemeFromWire, schemeToWire } from './wire-scheme.ts';

/** Appended columns as decoded, with the caller's JSON `meta` (table, transaction, …). */
export interface DecodedColumns {
  readonly columns: NamedColumn[];
  readonly meta: WireJson;
}

/** A value as one frame's bytes. */
export function encodeValue(value: Value): Uint8Array {
  return concatBytes(encodeValueChunks(value));
}

/** A value as a frame's chunks, to write without joining them. */
export function encodeValueChunks(value: Value): Uint8Array[] {
  return encodeFrame(valueToFrame(value));
}

/** The value a frame of encodeValue holds; BAD_REQUEST for anything else. */
export function decodeValue(bytes: Uint8Array): Value {
  return valueFromFrame(decodeFrame(bytes));
}

/** A value as frame content (body + blocks). */
export function valueToFrame(value: Value): FrameContent {
  const blocks: (readonly Column[])[] = [];
  const body = { kind: 'value', value: valueToWire(value, blocks) };
  return { body, blocks };
}

/** The value in a decoded frame (from decodeFrame or readFrames); BAD_REQUEST otherwise. */
export function valueFromFrame(frame: FrameContent): Value {
  const body = asObject(frame.body, 'body');
  if (body['kind'] !== 'value')
    throw malformed('body.kind', `is ${String(body['kind'])}, expected value`);
  return valueFromWire(body['value'], frame, 'body.value');
}

/** Named columns of equal length (a bulk append body) with JSON `meta`, as one frame's bytes. */
export function encodeColumns(columns: readonly NamedColumn[], meta: WireJson = null): Uint8Array {
  return concatBytes(encodeFrame(columnsToFrame(columns, meta)));
}

/** Named columns as frame content (body + one block). */
export function columnsToFrame(
  columns: readonly NamedColumn[],
  meta: WireJson = null,
): FrameContent {
  return {
    body: { kind: 'columns', names: columns.map((c) => c.name), meta },
    blocks: [columns.map((c) => c.column)],
  };
}

/** The columns and meta a frame of encodeColumns holds; BAD_REQUEST for anything else. */
export function decodeColumns(bytes: Uint8Array): DecodedColumns {
  return columnsFromFrame(decodeFrame(bytes));
}

/** The columns and meta in a decoded frame; BAD_REQUEST otherwise. */
export function columnsFromFrame(frame: FrameContent): DecodedColumns {
  const body = asObject(frame.body, 'body');
  if (body['kind'] !== 'columns')
    throw malformed('body.kind', `is ${String(body['kind'])}, expected columns`);
  const names = asStrings(body['names'], 'body.names');
  const block = blockAt(frame, 0, names.length, 'body');
  return {
    columns: names.map((name, i) => ({ name, column: block[i] as Column })),
    meta: (body['meta'] ?? null) as WireJson,
  };
}

function valueToWire(value: Value, blocks: (readonly Column[])[]): WireJson {
  switch (value.kind) {
    case 'null':
    case 'void':
      return { kind: value.kind };
    case 'scalar':
      return { kind: value.kind, type: value.type, value: cellToWire(value.type, value.value) };
    case 'vector':
      return { kind: value.kind, block: blocks.push([value.column]) - 1 };
    case 'pair':
      return {
        kind: value.kind,
        first: scalarToWire(value.first),
        second: scalarToWire(value.second),
      };
    case 'table':
      return {
        kind: value.kind,
        names: value.table.names,
        block: blocks.push(value.table.columns) - 1,
      };
    case 'dictionary':
      return {
        kind: value.kind,
        keys: value.keys,
        values: value.values.map((v) => valueToWire(v, blocks)),
      };
    case 'name':
      return { kind: value.kind, name: value.name };
    case 'tuple':
      return { kind: value.kind, elements: value.elements.map((v) => valueToWire(v, blocks)) };
    case 'database':
      return {
        kind: value.kind,
        path: value.path,
        scheme: value.scheme === null ? null : schemeToWire(value.scheme),
      };
    case 'tableHandle':
      return { kind: value.kind, database: value.database, table: value.table };
    default:
      return unreachable(value);
  }
}

function valueFromWire(json: unknown, frame: FrameContent, where: string): Value {
  const object = asObject(json, where);
  const kind = asString(object['kind'], `${where}.kind`);
  const at = (name: string): string => `${where}.${name}`;
  switch (kind) {
    case 'null':
    case 'void':
      return { kind };
    case 'scalar': {
      const type = asColumnType(object['type'], at('type'));
      return { kind, type, value: cellFromWire(type, object['value'], at('value')) };
    }
    case 'vector': {
      const [column] = blockAt(frame, object['block'], 1, at('block'));
      return { kind, column: column as Column };
    }
    case 'pair':
      return {
        kind,
        first: scalarFromWire(object['first'], at('first')),
        second: scalarFromWire(object['second'], at('second')),
      };
    case 'table': {
      const names = asStrings(object['names'], at('names'));
      return {
        kind,
        table: { names, columns: blockAt(frame, object['block'], names.length, at('block')) },
      };
    }
    case 'dictionary': {
      const keys = asStrings(object['keys'], at('keys'));
      const values = asArray(object['values'], at('values')).map((v, i) =>
        valueFromWire(v, frame, `${at('values')}[${i}]`),
      );
      if (values.length !== keys.length)
        throw malformed(where, `has ${keys.length} keys and ${values.length} values`);
      return { kind, keys, values };
    }
    case 'name':
      return { kind, name: asString(object['name'], at('name')) };
    case 'tuple':
      return {
        kind,
        elements: asArray(object['elements'], at('elements')).map((v, i) =>
          valueFromWire(v, frame, `${at('elements')}[${i}]`),
        ),
      };
    case 'database':
      return {
        kind,
        path: asString(object['path'], at('path')),
        scheme: object['scheme'] === null ? null : schemeFromWire(object['scheme'], at('scheme')),
      };
    case 'tableHandle':
      return {
        kind,
        database: asString(object['database'], at('database')),
        table: asString(object['table'], at('table')),
      };
    default:
      throw malformed(at('kind'), `names no value kind (${kind})`);
  }
}

// The block a body refers to, checked to hold `columns` columns.
function blockAt(
  frame: FrameContent,
  index: unknown,
  columns: number,
  where: string,
): readonly Column[] {
  const i = asCount(index, where);
  const block = frame.blocks[i];
  if (block === undefined) throw malformed(where, `refers to block ${i} of ${frame.blocks.length}`);
  if (block.length !== columns)
    throw malformed(where, `refers to a block of ${block.length} columns, expected ${columns}`);
  return block;
}
