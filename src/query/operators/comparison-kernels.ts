// The loops behind every comparison: equality and less-than per domain, over lanes with
// strides (0 repeats a scalar). Nulls are each domain's sentinel, which is its smallest value,
// so comparing sentinels gives DolphinDB's order (null smallest, nulls equal) with no extra
// test; only doubles add one, to read NaN as null. `flip` 1 negates: != is not ==, >= is not <.
// Flags combine as numbers (Number(bool), & and |) rather than `&&`/`? :`: the branches those
// compile to mispredict on real data and cost 3× the loop.

import { NULL_DOUBLE } from '../../core/types/column-type.ts';
import { HIGH, LOW, halvesOf } from '../../core/types/int64-halves.ts';

/** out[i] = (a[i·sa] == b[i·sb]) xor flip, for 32-bit ints. */
export function eqInt32(
  a: Int32Array,
  sa: number,
  b: Int32Array,
  sb: number,
  flip: number,
  out: Int8Array,
): void {
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
    out[i] = (a[ia] === b[ib] ? 1 : 0) ^ flip;
  }
}

/** out[i] = (a[i·sa] < b[i·sb]) xor flip, for 32-bit ints. */
export function ltInt32(
  a: Int32Array,
  sa: number,
  b: Int32Array,
  sb: number,
  flip: number,
  out: Int8Array,
): void {
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
    out[i] = (a[ia]! < b[ib]! ? 1 : 0) ^ flip;
  }
}

/**
 * out[i] = (a[i·sa] == b[i·sb]) xor flip, for doubles; NaN reads as the null sentinel. The
 * flags combine as numbers, not through `? :`, so the loop has no unpredictable branch.
 */
export function eqFloat64(
  a: Float64Array,
  sa: number,
  b: Float64Array,
  sb: number,
  flip: number,
  out: Int8Array,
): void {
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
    const x = a[ia]!;
    const y = b[ib]!;
    const xNull = Number(x !== x) | Number(x === NULL_DOUBLE);
    const yNull = Number(y !== y) | Number(y === NULL_DOUBLE);
    out[i] = (Number(x === y) | (xNull & yNull)) ^ flip;
  }
}

/**
 * out[i] = (a[i·sa] < b[i·sb]) xor flip, for doubles; NaN reads as the null sentinel (NaN
 * compares false, so the NaN cases are added: a NaN x is below any y above the sentinel, and
 * only -Infinity is below a NaN y).
 */
export function ltFloat64(
  a: Float64Array,
  sa: number,
  b: Float64Array,
  sb: number,
  flip: number,
  out: Int8Array,
): void {
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
    const x = a[ia]!;
    const y = b[ib]!;
    const nanX = Number(x !== x) & Number(y > NULL_DOUBLE);
    const nanY = Number(y !== y) & Number(x < NULL_DOUBLE);
    out[i] = (Number(x < y) | nanX | nanY) ^ flip;
  }
}

/** out[i] = (a[i·sa] == b[i·sb]) xor flip, for 64-bit ints read as halves (no bigint per row). */
export function eqInt64(
  a: BigInt64Array,
  sa: number,
  b: BigInt64Array,
  sb: number,
  flip: number,
  out: Int8Array,
): void {
  const ha = halvesOf(a);
  const hb = halvesOf(b);
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += 2 * sa, ib += 2 * sb) {
    out[i] =
      (Number(ha[ia + HIGH] === hb[ib + HIGH]) & Number(ha[ia + LOW] === hb[ib + LOW])) ^ flip;
  }
}

/** out[i] = (a[i·sa] < b[i·sb]) xor flip, for 64-bit ints: signed high halves, then unsigned low. */
export function ltInt64(
  a: BigInt64Array,
  sa: number,
  b: BigInt64Array,
  sb: number,
  flip: number,
  out: Int8Array,
): void {
  const ha = halvesOf(a);
  const hb = halvesOf(b);
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += 2 * sa, ib += 2 * sb) {
    const xh = ha[ia + HIGH]!;
    const yh = hb[ib + HIGH]!;
    const lowLess = Number(ha[ia + LOW]! >>> 0 < hb[ib + LOW]! >>> 0);
    out[i] = (Number(xh < yh) | (Number(xh === yh) & lowLess)) ^ flip;
  }
}

/** out[i] = (a[i·sa] == b[i·sb]) xor flip, for strings (the null string is ''). */
export function eqText(
  a: readonly string[],
  sa: number,
  b: readonly string[],
  sb: number,
  flip: number,
  out: Int8Array,
): void {
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
    out[i] = (a[ia] === b[ib] ? 1 : 0) ^ flip;
  }
}

/** out[i] = (a[i·sa] < b[i·sb]) xor flip, for strings in UTF-16 code unit order ('' first). */
export function ltText(
  a: readonly string[],
  sa: number,
  b: readonly string[],
  sb: number,
  flip: number,
  out: Int8Array,
): void {
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
    out[i] = (a[ia]! < b[ib]! ? 1 : 0) ^ flip;
  }
}
