// Proves ChunkCrcs against zlib's crc32 of the joined bytes: a segment-like list of chunks
// whose large ones are tiled by remembered slices, others not, and memory it never saw.

import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ChunkCrcs } from './chunk-crcs.ts';

describe('ChunkCrcs', () => {
  it('combines a chunk tiled by remembered slices, and reads the others', () => {
    const memory = new Uint8Array(10_000).map((_, i) => (i * 31) % 256);
    const other = new Uint8Array(300).fill(9);
    const crcs = new ChunkCrcs();
    // Frames: slices of the memory with small chunks of their own between them.
    const frames = [
      other.subarray(0, 10),
      memory.subarray(0, 4000),
      other.subarray(10, 20),
      memory.subarray(4000, 10_000),
    ];
    expect(crcs.remember(frames)).toBe(crc32(Buffer.concat(frames)));
    // A segment: its own header, the whole memory (tiled), a slice no range starts at, a tail.
    const segment = [
      other.subarray(100, 150),
      memory,
      memory.subarray(10, 4000),
      other.subarray(200),
    ];
    expect(crcs.crcOf(segment)).toBe(crc32(Buffer.concat(segment)));
    // Only remembered bytes are trusted: different memory of the same length is read.
    const copy = new Uint8Array(memory);
    copy[5000] = (copy[5000] as number) ^ 1;
    expect(crcs.crcOf([copy])).toBe(crc32(copy));
    expect(new ChunkCrcs().crcOf(segment)).toBe(crc32(Buffer.concat(segment)));
  });
});
