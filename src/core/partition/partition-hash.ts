// The HASH partition function. Rows are stored by bucket, so this must never change once data is
// written: it is defined on physical values alone, with 32-bit integer arithmetic (Math.imul,
// >>>), the same on every platform and endianness.
//
//   CHAR, SHORT, INT and the 32-bit temporal types: the value modulo buckets, made non-negative
//     (as DolphinDB: consecutive ints go round-robin).
//   LONG and the 64-bit temporal types: mix64(high, low) = fmix32(low XOR fmix32(high)) on the
//     two's-complement halves, modulo buckets (their values share factors such as 1000, which
//     plain modulo would map to few buckets).
//   DOUBLE: mix64 of its IEEE-754 bits; FLOAT: fmix32 of its bits; −0 hashes as 0. (NaN, like
//     null, is in no partition.)
//   SYMBOL, STRING: 32-bit FNV-1a over the UTF-16 code units, modulo buckets.
// fmix32 is MurmurHash3's finaliser. BOOL hashes as its value 0 or 1.

import { unreachable } from '../assert.ts';
import { physicalKind } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { HIGH, LOW, int64Halves } from '../types/int64-halves.ts';

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The unsigned 32-bit hash of a 64-bit pattern given as signed 32-bit halves. */
export function mix64(high: number, low: number): number {
  return fmix32(low ^ fmix32(high));
}

/** The unsigned 32-bit FNV-1a hash of `text`'s UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An unsigned 32-bit hash modulo `buckets`; by division, which V8 runs faster than `%` on doubles. */
export function hashToBucket(hash: number, buckets: number): number {
  return hash - Math.floor(hash / buckets) * buckets;
}

/** `value` modulo `buckets`, non-negative. */
export function intBucket(value: number, buckets: number): number {
  const r = value % buckets;
  return r < 0 ? r + buckets : r;
}

const scratch = new Float64Array(1);
const scratchHalves = new Int32Array(scratch.buffer);
const scratch32 = new Float32Array(1);
const scratch32Bits = new Int32Array(scratch32.buffer);

/** mix64 of the bits of a double, with −0 as 0. */
export function doubleHash(value: number): number {
  if (value === 0) return mix64(0, 0);
  scratch[0] = value;
  return mix64(scratchHalves[HIGH]!, scratchHalves[LOW]!);
}

/** fmix32 of the bits of a float32, with −0 as 0. */
export function floatHash(value: number): number {
  if (value === 0) return fmix32(0);
  scratch32[0] = value;
  return fmix32(scratch32Bits[0]!);
}

/** The bucket of one non-null physical value of `type` among `buckets` (see the file comment). */
export function hashBucket(type: ColumnType, value: CellValue, buckets: number): number {
  const kind = physicalKind(type);
  switch (kind) {
    case 'int8':
    case 'int16':
    case 'int32':
      return intBucket(value as number, buckets);
    case 'int64': {
      const [high, low] = int64Halves(value as bigint);
      return hashToBucket(mix64(high, low), buckets);
    }
    case 'float32':
      return hashToBucket(floatHash(value as number), buckets);
    case 'float64':
      return hashToBucket(doubleHash(value as number), buckets);
    case 'text':
      return hashToBucket(fnv1a(value as string), buckets);
    default:
      return unreachable(kind);
  }
}
