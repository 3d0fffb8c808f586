// Arguments of the SDK's call(): a Value as is, or a plain JS value typed the way a
// TypeScript program means it (integer → INT, other number → DOUBLE, bigint → LONG, …).

import { ShoalError } from '../core/errors.ts';
import { NULL_INT32, NULL_INT64, nullOf } from '../core/types/column-type.ts';
import type { CellValue } from '../core/types/column-type.ts';
import { columnFromValues } from '../core/types/column-ops.ts';
import type { Column } from '../core/types/column.ts';
import type { Value } from '../query/value.ts';

/** A plain JS cell: null is the NULL of the array's (or DolphinDB's untyped) type. */
export type PlainCell = number | bigint | string | boolean | null;

/** One typed array per numeric column form, taken as a vector of that type. */
export type TypedVector =
  Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/**
 * What call() takes: a Value; a number (INT when an integer INT can hold, else DOUBLE),
 * bigint (LONG), string (STRING), boolean (BOOL) or null (NULL); an array of those (a vector
 * of the widest type, nulls as that type's null; mixed kinds or nested arrays → a tuple);
 * or a typed array (Int8Array → CHAR, Int16Array → SHORT, Int32Array → INT, BigInt64Array →
 * LONG, Float32Array → FLOAT, Float64Array → DOUBLE).
 */
export type ClientArg = Value | PlainCell | TypedVector | readonly ClientArg[];

type CellKind = 'INT' | 'DOUBLE' | 'LONG' | 'STRING' | 'BOOL';

/** The Value `arg` stands for; INVALID_ARGUMENT for what has no Shoal form. */
export function toValue(arg: ClientArg): Value {
  if (arg === null) return { kind: 'null' };
  if (Array.isArray(arg)) return arrayValue(arg as readonly ClientArg[]);
  if (ArrayBuffer.isView(arg)) return { kind: 'vector', column: typedColumn(arg as TypedVector) };
  if (typeof arg === 'object') return checkedValue(arg as Value);
  const kind = cellKind(arg);
  if (kind === null) throw unsupported(arg);
  return { kind: 'scalar', type: kind, value: cellValue(kind, arg) };
}

function arrayValue(items: readonly ClientArg[]): Value {
  const kinds = items.map((item) => (item === null ? 'null' : cellKind(item)));
  if (kinds.some((kind) => kind === null)) return { kind: 'tuple', elements: items.map(toValue) };
  const present = new Set(kinds.filter((kind): kind is CellKind => kind !== 'null'));
  const type = vectorType(present);
  if (type === null) return { kind: 'tuple', elements: items.map(toValue) };
  const cells = items.map((item) =>
    item === null ? nullOf(type) : cellValue(type, item as PlainCell & {}),
  );
  return { kind: 'vector', column: columnFromValues(type, cells) };
}

// The one type that holds every element: INT widens to DOUBLE; other mixes are tuples. An
// array of nulls only (or an empty array) is a DOUBLE vector, DolphinDB's default numeric.
function vectorType(kinds: ReadonlySet<CellKind>): CellKind | null {
  if (kinds.size === 0) return 'DOUBLE';
  if (kinds.size === 1) return [...kinds][0] as CellKind;
  if (kinds.size === 2 && kinds.has('INT') && kinds.has('DOUBLE')) return 'DOUBLE';
  return null;
}

function cellKind(item: ClientArg): CellKind | null {
  switch (typeof item) {
    case 'number':
      return isIntCell(item) ? 'INT' : 'DOUBLE';
    case 'bigint':
      return 'LONG';
    case 'string':
      return 'STRING';
    case 'boolean':
      return 'BOOL';
    default:
      return null;
  }
}

// An integer INT holds that is not INT's null sentinel; −0 stays a DOUBLE to keep its sign.
function isIntCell(n: number): boolean {
  return Number.isInteger(n) && n > NULL_INT32 && n <= 2147483647 && !Object.is(n, -0);
}

function cellValue(kind: CellKind, item: PlainCell & {}): CellValue {
  switch (kind) {
    case 'BOOL':
      return item === true ? 1 : 0;
    case 'LONG': {
      const value = item as bigint;
      if (value < NULL_INT64 || value > -(NULL_INT64 + 1n))
        throw new ShoalError(
          'INVALID_ARGUMENT',
          `${value}n does not fit in a LONG (64-bit signed); pass a smaller bigint`,
        );
      return value;
    }
    default:
      return item as number | string;
  }
}

function typedColumn(array: TypedVector): Column {
  if (array instanceof Int8Array) return { type: 'CHAR', data: array };
  if (array instanceof Int16Array) return { type: 'SHORT', data: array };
  if (array instanceof Int32Array) return { type: 'INT', data: array };
  if (array instanceof BigInt64Array) return { type: 'LONG', data: array };
  if (array instanceof Float32Array) return { type: 'FLOAT', data: array };
  if (array instanceof Float64Array) return { type: 'DOUBLE', data: array };
  throw unsupported(array);
}

const VALUE_KINDS: ReadonlySet<string> = new Set([
  'null',
  'scalar',
  'vector',
  'pair',
  'table',
  'dictionary',
  'name',
  'tuple',
  'database',
  'tableHandle',
  'void',
]);

// Objects must be Values: a Date or a plain record would otherwise fail far from here.
function checkedValue(value: Value): Value {
  const kind: unknown = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !VALUE_KINDS.has(kind)) throw unsupported(value);
  return value;
}

function unsupported(arg: unknown): ShoalError {
  const what = arg instanceof Object ? (arg.constructor?.name ?? 'object') : typeof arg;
  return new ShoalError(
    'INVALID_ARGUMENT',
    `call() cannot pass ${what === 'Object' ? 'a plain object' : `a ${what}`}; pass a Value, a number, bigint, string, boolean, null, an array of those or a typed array`,
  );
}
