// Proves crc32Combine against zlib's crc32 of the joined bytes: random strings and split
// points (empty parts too), and megabytes.

import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32Combine } from './crc32-combine.ts';

describe('crc32Combine', () => {
  it('gives the CRC-32 of the joined bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(), (bytes, cut) => {
        const at = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        const a = bytes.subarray(0, at);
        const b = bytes.subarray(at);
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(bytes));
      }),
    );
  });

  it('holds for megabytes', () => {
    const bytes = new Uint8Array(5_000_000).map((_, i) => (i * 7919) % 251);
    const at = 1_234_567;
    const combined = crc32Combine(
      crc32(bytes.subarray(0, at)),
      crc32(bytes.subarray(at)),
      5_000_000 - at,
    );
    expect(combined).toBe(crc32(bytes));
  });
});
