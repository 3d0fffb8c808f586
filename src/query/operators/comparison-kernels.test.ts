// Proves the branch-free comparison loops equal plain comparisons after reading NaN as the null
// sentinel (doubles) and of bigints (64-bit halves), also at -Infinity and the int64 extremes,
// with strides for scalars and the flip: fast-check against one-line references.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NULL_DOUBLE } from '../../core/types/column-type.ts';
import { eqFloat64, eqInt64, ltFloat64, ltInt64 } from './comparison-kernels.ts';

const doubleArb = fc.oneof(
  fc.constantFrom(NULL_DOUBLE, Number.NaN, -Infinity, Infinity, 0, -0, Number.MAX_VALUE),
  fc.double(),
);
const int64Arb = fc.oneof(
  fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, -1n, 0n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);

function normal(x: number): number {
  return Number.isNaN(x) ? NULL_DOUBLE : x;
}

describe('double comparison loops', () => {
  it('equal normalise-then-compare for any doubles, vector against vector or scalar', () => {
    fc.assert(
      fc.property(fc.array(doubleArb), doubleArb, fc.constantFrom(0, 1), (xs, y, flip) => {
        const a = Float64Array.from(xs);
        const b = Float64Array.of(y);
        const eq = new Int8Array(xs.length);
        const lt = new Int8Array(xs.length);
        const gt = new Int8Array(xs.length);
        eqFloat64(a, 1, b, 0, flip, eq);
        ltFloat64(a, 1, b, 0, flip, lt);
        ltFloat64(b, 0, a, 1, flip, gt);
        const f = (truth: boolean): number => Number(truth) ^ flip;
        expect(Array.from(eq)).toEqual(xs.map((x) => f(normal(x) === normal(y))));
        expect(Array.from(lt)).toEqual(xs.map((x) => f(normal(x) < normal(y))));
        expect(Array.from(gt)).toEqual(xs.map((x) => f(normal(y) < normal(x))));
      }),
    );
  });
});

describe('64-bit comparison loops', () => {
  it('equal bigint comparisons, vector against vector', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(int64Arb, int64Arb)), fc.constantFrom(0, 1), (pairs, flip) => {
        const a = BigInt64Array.from(pairs, ([x]) => x);
        const b = BigInt64Array.from(pairs, ([, y]) => y);
        const eq = new Int8Array(pairs.length);
        const lt = new Int8Array(pairs.length);
        eqInt64(a, 1, b, 1, flip, eq);
        ltInt64(a, 1, b, 1, flip, lt);
        expect(Array.from(eq)).toEqual(pairs.map(([x, y]) => Number(x === y) ^ flip));
        expect(Array.from(lt)).toEqual(pairs.map(([x, y]) => Number(x < y) ^ flip));
      }),
    );
  });
});
