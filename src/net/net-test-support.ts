// Test helpers for src/net: column arbitraries with nulls and edge values for every type, and
// a bit-exact column comparison (NaN payloads, −0 and SYMBOL codes included).

import fc from 'fast-check';
import { expect } from 'vitest';
import { unreachable } from '../core/assert.ts';
import { COLUMN_TYPES, NULL_FLOAT, nullOf, physicalKind } from '../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import { columnFromValues } from '../core/types/column-ops.ts';
import type { Column } from '../core/types/column.ts';
import type { Value } from '../query/value.ts';

/** Every column type, for tests that cover them all. */
export const ALL_TYPES: readonly ColumnType[] = COLUMN_TYPES;

/** Cells of `type`: its null, its extremes, and random values (floats: NaN, ±Infinity, −0). */
export function cellArbitrary(type: ColumnType): fc.Arbitrary<CellValue> {
  const kind = physicalKind(type);
  const nul = fc.constant(nullOf(type));
  switch (kind) {
    case 'int8':
      return type === 'BOOL'
        ? fc.constantFrom(0, 1, nullOf(type))
        : fc.oneof(nul, fc.integer({ min: -128, max: 127 }));
    case 'int16':
      return fc.oneof(nul, fc.integer({ min: -32768, max: 32767 }));
    case 'int32':
      return fc.oneof(nul, fc.integer({ min: -2147483648, max: 2147483647 }));
    case 'int64':
      return fc.oneof(nul, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
    case 'float32':
      return fc.oneof(fc.constant(NULL_FLOAT), fc.float());
    case 'float64':
      return fc.oneof(nul, fc.double());
    case 'text':
      return type === 'SYMBOL'
        ? fc.constantFrom('', 'IBM', 'AAPL', 'MSFT', 'é', '株')
        : fc.oneof(nul, fc.string({ unit: 'grapheme', maxLength: 12 }));
    default:
      return unreachable(kind);
  }
}

/** A column of `type` with up to `maxLength` rows (nulls and edge values likely). */
export function columnArbitrary(type: ColumnType, maxLength = 40): fc.Arbitrary<Column> {
  return fc.array(cellArbitrary(type), { maxLength }).map((cells) => columnFromValues(type, cells));
}

/** A column of any type. */
export const anyColumn: fc.Arbitrary<Column> = fc
  .constantFrom(...ALL_TYPES)
  .chain((type) => columnArbitrary(type));

/** Asserts `actual` is `expected` bit for bit (typed arrays by bytes, SYMBOL codes and dictionary). */
export function expectSameColumn(actual: Column, expected: Column): void {
  expect(actual.type).toBe(expected.type);
  if (expected.type === 'SYMBOL' && actual.type === 'SYMBOL') {
    expectSameBytes(actual.data.codes, expected.data.codes);
    expect([...actual.data.dictionary]).toEqual([...expected.data.dictionary]);
  } else if (expected.type === 'STRING' && actual.type === 'STRING') {
    expect(actual.data.length).toBe(expected.data.length);
    // One mismatch reported, not a diff of a million-element array.
    const row = expected.data.findIndex((text, i) => actual.data[i] !== text);
    expect(
      row === -1 ? null : { row, actual: actual.data[row], expected: expected.data[row] },
    ).toBe(null);
  } else {
    expectSameBytes(actual.data as ArrayBufferView, expected.data as ArrayBufferView);
  }
}

/** Asserts two values are the same, columns compared bit for bit. */
export function expectSameValue(actual: Value, expected: Value): void {
  expect(actual.kind).toBe(expected.kind);
  if (expected.kind === 'vector' && actual.kind === 'vector')
    return expectSameColumn(actual.column, expected.column);
  if (expected.kind === 'table' && actual.kind === 'table') {
    expect(actual.table.names).toEqual(expected.table.names);
    expect(actual.table.columns.length).toBe(expected.table.columns.length);
    expected.table.columns.forEach((column, i) =>
      expectSameColumn(actual.table.columns[i] as Column, column),
    );
    return;
  }
  if (expected.kind === 'tuple' && actual.kind === 'tuple') {
    expect(actual.elements.length).toBe(expected.elements.length);
    expected.elements.forEach((e, i) => expectSameValue(actual.elements[i] as Value, e));
    return;
  }
  if (expected.kind === 'dictionary' && actual.kind === 'dictionary') {
    expect(actual.keys).toEqual(expected.keys);
    expected.values.forEach((v, i) => expectSameValue(actual.values[i] as Value, v));
    return;
  }
  // Scalars compare with Object.is, so NaN and −0 must survive exactly.
  expect(actual).toStrictEqual(expected);
}

function expectSameBytes(actual: ArrayBufferView, expected: ArrayBufferView): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(b)) return;
  const at = a.findIndex((byte, i) => byte !== b[i]);
  expect.fail(`columns differ: ${a.length} vs ${b.length} bytes, first difference at byte ${at}`);
}
