// Per-group state arrays indexed by group id. Group ids only grow, so the arrays grow
// geometrically (amortised O(1) per new group) and keep their contents.

/** A typed array of any element type that can be constructed by length. */
type Growable = Float64Array | Uint8Array | BigInt64Array;

/** `array` when it holds `needed` slots, else a copy at least twice as long, new slots zero. */
export function grow<T extends Growable>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const ctor = array.constructor as new (length: number) => T;
  const next = new ctor(Math.max(needed, array.length * 2, 16));
  next.set(array as never);
  return next;
}

/** The first `n` slots of `array` as a LONG column's data (counts are exact below 2^53). */
export function countsToLong(array: Float64Array, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  for (let g = 0; g < n; g++) out[g] = BigInt(array[g] as number);
  return out;
}

/** LONG state data as doubles (exact for counts, which stay below 2^53). */
export function longToCounts(data: BigInt64Array): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i] as bigint);
  return out;
}
