// Single cells in a frame's JSON header, exact for every type: 64-bit integers as decimal
// strings, floats as JSON numbers except NaN, ±Infinity and −0, which JSON cannot hold and
// travel as the strings "NaN", "Infinity", "-Infinity" and "-0".

import { unreachable } from '../core/assert.ts';
import { physicalKind } from '../core/types/column-type.ts';
import type { CellValue, ColumnType, Scalar } from '../core/types/column-type.ts';
import { asColumnType, asObject, malformed } from './wire-json.ts';
import type { WireJson } from './wire-json.ts';

const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
]);

const INT_RANGES = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
} as const;

/** A cell of `type` as JSON that cellFromWire reads back to the identical value. */
export function cellToWire(type: ColumnType, value: CellValue): WireJson {
  const kind = physicalKind(type);
  switch (kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'text':
      return value as number | string;
    case 'int64':
      return (value as bigint).toString();
    case 'float32':
    case 'float64':
      return floatToWire(value as number);
    default:
      return unreachable(kind);
  }
}

/** The cell of `type` that `json` encodes; BAD_REQUEST when it is not one. */
export function cellFromWire(type: ColumnType, json: unknown, where: string): CellValue {
  const kind = physicalKind(type);
  switch (kind) {
    case 'int8':
    case 'int16':
    case 'int32': {
      const [min, max] = INT_RANGES[kind];
      if (typeof json !== 'number' || !Number.isInteger(json) || json < min || json > max)
        throw malformed(where, `is not a ${type} value`);
      return json;
    }
    case 'int64':
      return int64FromWire(type, json, where);
    case 'float32':
    case 'float64':
      return floatFromWire(type, json, where);
    case 'text':
      if (typeof json !== 'string') throw malformed(where, `is not a ${type} value`);
      return json;
    default:
      return unreachable(kind);
  }
}

/** A typed scalar as `{ type, value }` JSON. */
export function scalarToWire(scalar: Scalar): WireJson {
  return { type: scalar.type, value: cellToWire(scalar.type, scalar.value) };
}

/** The scalar scalarToWire wrote; BAD_REQUEST otherwise. */
export function scalarFromWire(json: unknown, where: string): Scalar {
  const object = asObject(json, where);
  const type = asColumnType(object['type'], `${where}.type`);
  return { type, value: cellFromWire(type, object['value'], `${where}.value`) };
}

function floatToWire(value: number): WireJson {
  if (Number.isFinite(value) && !Object.is(value, -0)) return value;
  return Object.is(value, -0) ? '-0' : String(value);
}

function floatFromWire(type: ColumnType, json: unknown, where: string): number {
  if (typeof json === 'number') return json;
  const special = typeof json === 'string' ? SPECIAL_FLOATS.get(json) : undefined;
  if (special === undefined) throw malformed(where, `is not a ${type} value`);
  return special;
}

function int64FromWire(type: ColumnType, json: unknown, where: string): bigint {
  if (typeof json !== 'string' || !/^-?\d{1,19}$/.test(json))
    throw malformed(where, `is not a ${type} value`);
  const value = BigInt(json);
  if (BigInt.asIntN(64, value) !== value) throw malformed(where, `is outside ${type}'s range`);
  return value;
}
