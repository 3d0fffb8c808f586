// Proves call() arguments take the Shoal type a TypeScript program means: scalars, arrays as
// vectors of the widest type with nulls as sentinels (fast-check over random arrays), mixed
// arrays as tuples, typed arrays by element type, Values as is, and the rest refused.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import { NULL_DOUBLE, NULL_INT32, NULL_INT64, NULL_INT8 } from '../core/types/column-type.ts';
import { columnValues } from '../core/types/column-ops.ts';
import type { Value } from '../query/value.ts';
import { toValue } from './client-args.ts';
import type { ClientArg } from './client-args.ts';

const INT_MIN = -2147483647; // −2³¹ is INT's null sentinel
const INT_MAX = 2147483647;

function vectorOf(value: Value): { type: string; cells: unknown[] } {
  expect(value.kind).toBe('vector');
  if (value.kind !== 'vector') return { type: '', cells: [] };
  return { type: value.column.type, cells: columnValues(value.column) };
}

function refused(arg: unknown): void {
  let error: unknown = null;
  try {
    toValue(arg as ClientArg);
  } catch (e) {
    error = e;
  }
  expect(isShoalError(error, 'INVALID_ARGUMENT'), `refuses ${String(arg)}`).toBe(true);
}

describe('call() arguments', () => {
  it('types scalars: integer INT, other numbers DOUBLE, bigint LONG, string, boolean, null', () => {
    expect(toValue(7)).toEqual({ kind: 'scalar', type: 'INT', value: 7 });
    expect(toValue(1.5)).toEqual({ kind: 'scalar', type: 'DOUBLE', value: 1.5 });
    expect(toValue(2 ** 31)).toEqual({ kind: 'scalar', type: 'DOUBLE', value: 2 ** 31 });
    // INT's null sentinel and −0 would change meaning as INT: they stay DOUBLE.
    expect(toValue(NULL_INT32)).toEqual({ kind: 'scalar', type: 'DOUBLE', value: NULL_INT32 });
    expect(toValue(-0)).toEqual({ kind: 'scalar', type: 'DOUBLE', value: -0 });
    expect(toValue(5n)).toEqual({ kind: 'scalar', type: 'LONG', value: 5n });
    expect(toValue('IBM')).toEqual({ kind: 'scalar', type: 'STRING', value: 'IBM' });
    expect(toValue(true)).toEqual({ kind: 'scalar', type: 'BOOL', value: 1 });
    expect(toValue(false)).toEqual({ kind: 'scalar', type: 'BOOL', value: 0 });
    expect(toValue(null)).toEqual({ kind: 'null' });
  });

  it('types an array of integers as INT, widened to DOUBLE by any fraction, nulls as sentinels', () => {
    const cell = fc.oneof(
      fc.integer({ min: INT_MIN, max: INT_MAX }),
      fc.double({ noNaN: true }),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 30 }), (items) => {
        const { type, cells } = vectorOf(toValue(items));
        const fitsInt = (n: number): boolean =>
          Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX && !Object.is(n, -0);
        const ints = items.every((n) => n === null || fitsInt(n));
        const numbers = items.filter((n) => n !== null);
        expect(type).toBe(ints && numbers.length > 0 ? 'INT' : 'DOUBLE');
        const sentinel = type === 'INT' ? NULL_INT32 : NULL_DOUBLE;
        expect(cells).toEqual(items.map((n) => (n === null ? sentinel : n)));
      }),
    );
  });

  it('types arrays of bigints, strings and booleans as LONG, STRING and BOOL vectors', () => {
    expect(vectorOf(toValue([1n, null, -3n]))).toEqual({
      type: 'LONG',
      cells: [1n, NULL_INT64, -3n],
    });
    expect(vectorOf(toValue(['a', null, 'b']))).toEqual({ type: 'STRING', cells: ['a', '', 'b'] });
    expect(vectorOf(toValue([true, null, false]))).toEqual({
      type: 'BOOL',
      cells: [1, NULL_INT8, 0],
    });
  });

  it('makes mixed or nested arrays tuples, element by element', () => {
    expect(toValue([1, 'a'])).toEqual({
      kind: 'tuple',
      elements: [
        { kind: 'scalar', type: 'INT', value: 1 },
        { kind: 'scalar', type: 'STRING', value: 'a' },
      ],
    });
    const nested = toValue([[1, 2], 'x']);
    expect(nested.kind).toBe('tuple');
    if (nested.kind === 'tuple') expect(vectorOf(nested.elements[0] as Value).type).toBe('INT');
  });

  it('types typed arrays by element type and passes Values through', () => {
    const cases: [ClientArg, string][] = [
      [new Int8Array([1]), 'CHAR'],
      [new Int16Array([1]), 'SHORT'],
      [new Int32Array([1]), 'INT'],
      [new BigInt64Array([1n]), 'LONG'],
      [new Float32Array([1]), 'FLOAT'],
      [new Float64Array([1]), 'DOUBLE'],
    ];
    for (const [arg, type] of cases) expect(vectorOf(toValue(arg)).type).toBe(type);
    const name: Value = { kind: 'name', name: 'VALUE' };
    expect(toValue(name)).toBe(name);
  });

  it('refuses what has no Shoal form, with INVALID_ARGUMENT', () => {
    refused(undefined);
    refused({ a: 1 });
    refused(new Date(0));
    refused(new Uint8Array(2));
    refused(2n ** 63n);
    refused(() => 1);
  });
});
