// 64-bit cells read as two 32-bit halves through an Int32Array view: reading a BigInt64Array
// element allocates a bigint, and the hot loops here must not allocate per row.

/** Index of the low half of cell i is 2i + LOW, of the high half 2i + HIGH (platform endianness). */
export const LOW = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
/** See LOW. */
export const HIGH = 1 - LOW;

/** 2^32: the weight of the high half. */
export const TWO_32 = 4294967296;

/** An Int32Array over the same memory as `data`: two halves per cell. */
export function halvesOf(data: BigInt64Array): Int32Array {
  return new Int32Array(data.buffer, data.byteOffset, data.length * 2);
}

/**
 * The int64 with halves (high, low) as the nearest double (the one rounding of Number(v)).
 * Exact for |v| < 2^53, and, as rounding is monotone, it compares with any safe integer exactly
 * as v does: the lookups below rely on that.
 */
export function int64ToNumber(high: number, low: number): number {
  return high * TWO_32 + (low >>> 0);
}

/** The halves of a bigint in the int64 range, as [high, low] signed 32-bit numbers. */
export function int64Halves(value: bigint): readonly [number, number] {
  return [Number(BigInt.asIntN(32, value >> 32n)), Number(BigInt.asIntN(32, value))];
}
