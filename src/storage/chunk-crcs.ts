// CRC-32s of memory ranges remembered for one write, so bytes checksummed once are not read
// again: a replicating master takes the CRC-32 of an append's task data frames, and then of
// its segment, and for an append to one partition the segment's column bytes are exactly the
// frames' column slices, in order (72.6 of the tutorial append's 72.7 MB). The segment's
// checksum is then combined from the slices' (crc32Combine) instead of read again.

import { crc32 } from 'node:zlib';
import { crc32Combine } from './crc32-combine.ts';

interface RangeCrc {
  readonly start: number;
  readonly end: number;
  readonly crc: number;
}

/**
 * Remembered CRC-32s of byte ranges, per buffer. Valid only while nothing writes that memory:
 * make one per write, and let it go when the write is done.
 */
export class ChunkCrcs {
  private readonly ranges = new Map<ArrayBufferLike, RangeCrc[]>();

  /** The CRC-32 of `chunks` in order, each chunk's remembered for a later `crcOf`. */
  remember(chunks: readonly Uint8Array[]): number {
    let total = 0;
    for (const chunk of chunks) {
      const crc = crc32(chunk);
      const list = this.ranges.get(chunk.buffer) ?? [];
      list.push({ start: chunk.byteOffset, end: chunk.byteOffset + chunk.byteLength, crc });
      this.ranges.set(chunk.buffer, list);
      total = crc32Combine(total, crc, chunk.byteLength);
    }
    return total;
  }

  /**
   * The CRC-32 of `chunks` in order: a chunk that remembered ranges cover exactly, end to end,
   * is combined from theirs; every other chunk is read.
   */
  crcOf(chunks: readonly Uint8Array[]): number {
    let total = 0;
    for (const chunk of chunks) {
      const known = this.covered(chunk);
      total =
        known === undefined ? crc32(chunk, total) : crc32Combine(total, known, chunk.byteLength);
    }
    return total;
  }

  /** The CRC-32 of `chunk` from remembered ranges that tile it, if they do. */
  private covered(chunk: Uint8Array): number | undefined {
    const list = this.ranges.get(chunk.buffer);
    if (list === undefined || chunk.byteLength === 0) return undefined;
    const end = chunk.byteOffset + chunk.byteLength;
    let at = chunk.byteOffset;
    let crc = 0;
    while (at < end) {
      const next = list.find((r) => r.start === at && r.end <= end && r.end > r.start);
      if (next === undefined) return undefined;
      crc = crc32Combine(crc, next.crc, next.end - next.start);
      at = next.end;
    }
    return crc;
  }
}
