// The column types of SPEC §3, their physical representation, and their nulls.
//
// Like DolphinDB, every type has a null that is a sentinel value of its physical
// representation, so a column is one flat typed array with no separate validity bitmap:
// vectorised code never branches on a bitmap, and a null round-trips through Arrow as is.

export const COLUMN_TYPES = [
  'BOOL',
  'CHAR',
  'SHORT',
  'INT',
  'LONG',
  'FLOAT',
  'DOUBLE',
  'DATE',
  'MONTH',
  'TIME',
  'MINUTE',
  'SECOND',
  'DATETIME',
  'TIMESTAMP',
  'NANOTIME',
  'NANOTIMESTAMP',
  'SYMBOL',
  'STRING',
] as const;

export type ColumnType = (typeof COLUMN_TYPES)[number];

/** Types held in an Int8Array: BOOL (0, 1) and CHAR (a signed byte). */
export type Int8Type = 'BOOL' | 'CHAR';
export type Int16Type = 'SHORT';
/**
 * Types held in an Int32Array. Units: DATE days since 1970.01.01; MONTH months since year 0
 * (year × 12 + month − 1, as DolphinDB); TIME milliseconds, MINUTE minutes and SECOND seconds
 * since midnight; DATETIME seconds since 1970.01.01T00:00:00 (UTC, no time zone).
 */
export type Int32Type = 'INT' | 'DATE' | 'MONTH' | 'TIME' | 'MINUTE' | 'SECOND' | 'DATETIME';
/**
 * Types held in a BigInt64Array. TIMESTAMP milliseconds and NANOTIMESTAMP nanoseconds since
 * 1970.01.01; NANOTIME nanoseconds since midnight.
 */
export type Int64Type = 'LONG' | 'TIMESTAMP' | 'NANOTIME' | 'NANOTIMESTAMP';
export type Float32Type = 'FLOAT';
export type Float64Type = 'DOUBLE';
export type NumericType = Int8Type | Int16Type | Int32Type | Int64Type | Float32Type | Float64Type;
export type TextType = 'SYMBOL' | 'STRING';

/** Temporal types, in the order DolphinDB widens them. */
export const TEMPORAL_TYPES: readonly ColumnType[] = [
  'DATE',
  'MONTH',
  'TIME',
  'MINUTE',
  'SECOND',
  'DATETIME',
  'TIMESTAMP',
  'NANOTIME',
  'NANOTIMESTAMP',
];

/** Null sentinels (DolphinDB's): the minimum of the integer type, −max for floats, '' for text. */
export const NULL_INT8 = -128;
export const NULL_INT16 = -32768;
export const NULL_INT32 = -2147483648;
export const NULL_INT64 = -9223372036854775808n;
export const NULL_FLOAT = -3.4028234663852886e38;
export const NULL_DOUBLE = -Number.MAX_VALUE;
export const NULL_TEXT = '';

/** One cell's physical value: number (≤32-bit ints, floats), bigint (64-bit ints), string. */
export type CellValue = number | bigint | string;

/** A typed single value. `value` is physical (see the unit notes above); null is the sentinel. */
export interface Scalar {
  readonly type: ColumnType;
  readonly value: CellValue;
}

/** The physical family a type belongs to. */
export type PhysicalKind = 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'text';

/** Returns the physical family of `type`. */
export function physicalKind(type: ColumnType): PhysicalKind {
  switch (type) {
    case 'BOOL':
    case 'CHAR':
      return 'int8';
    case 'SHORT':
      return 'int16';
    case 'INT':
    case 'DATE':
    case 'MONTH':
    case 'TIME':
    case 'MINUTE':
    case 'SECOND':
    case 'DATETIME':
      return 'int32';
    case 'LONG':
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
      return 'int64';
    case 'FLOAT':
      return 'float32';
    case 'DOUBLE':
      return 'float64';
    case 'SYMBOL':
    case 'STRING':
      return 'text';
  }
}

/** The null sentinel of `type`. */
export function nullOf(type: ColumnType): CellValue {
  switch (physicalKind(type)) {
    case 'int8':
      return NULL_INT8;
    case 'int16':
      return NULL_INT16;
    case 'int32':
      return NULL_INT32;
    case 'int64':
      return NULL_INT64;
    case 'float32':
      return NULL_FLOAT;
    case 'float64':
      return NULL_DOUBLE;
    case 'text':
      return NULL_TEXT;
  }
}

/** True when `value` is the null of `type`. Float32 nulls compare after rounding to f32. */
export function isNullValue(type: ColumnType, value: CellValue): boolean {
  if (physicalKind(type) === 'float32') return Math.fround(value as number) === NULL_FLOAT;
  return value === nullOf(type);
}

/** True when `name` is one of the column types (case-sensitive, DolphinDB spelling). */
export function isColumnType(name: string): name is ColumnType {
  return (COLUMN_TYPES as readonly string[]).includes(name);
}
