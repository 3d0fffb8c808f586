// Order-independent content checksums: each row hashes to two 32-bit lanes (murmur3-style
// mixing of its column values in schema order), and a partition's checksum is the row count
// plus the lane sums mod 2^32. Same rows → same checksum, whatever the segments, their
// order, deletions or compaction; a table's checksum sums its partitions' the same way.

import { assert } from '../core/assert.ts';
import type { Column } from '../core/types/column.ts';
import { columnLength } from '../core/types/column.ts';

/** Row count and the two lane sums; combine with addChecksums, print with formatChecksum. */
export interface ContentChecksum {
  readonly rows: number;
  readonly lane1: number;
  readonly lane2: number;
}

export const EMPTY_CHECKSUM: ContentChecksum = { rows: 0, lane1: 0, lane2: 0 };

const SEED1 = 0x9747b28c;
const SEED2 = 0x85ebca6b;

/** Checksum of the rows of `columns` (all of one length), in schema order. */
export function checksumColumns(columns: readonly Column[]): ContentChecksum {
  const rows = columns.length === 0 ? 0 : columnLength(columns[0] as Column);
  const h1 = new Int32Array(rows).fill(SEED1);
  const h2 = new Int32Array(rows).fill(SEED2);
  for (const column of columns) {
    assert(columnLength(column) === rows, 'checksum over columns of different lengths');
    mixColumn(h1, h2, column);
  }
  let lane1 = 0;
  let lane2 = 0;
  for (let i = 0; i < rows; i++) {
    lane1 = (lane1 + finalise(h1[i] as number)) >>> 0;
    lane2 = (lane2 + finalise(h2[i] as number)) >>> 0;
  }
  return { rows, lane1, lane2 };
}

/** The checksum of the union of two row multisets. */
export function addChecksums(a: ContentChecksum, b: ContentChecksum): ContentChecksum {
  return {
    rows: a.rows + b.rows,
    lane1: (a.lane1 + b.lane1) >>> 0,
    lane2: (a.lane2 + b.lane2) >>> 0,
  };
}

/** Stable text form: `<rows>-<lane1 hex>-<lane2 hex>`. */
export function formatChecksum(checksum: ContentChecksum): string {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `${checksum.rows}-${hex(checksum.lane1)}-${hex(checksum.lane2)}`;
}

function mixColumn(h1: Int32Array, h2: Int32Array, column: Column): void {
  switch (column.type) {
    case 'SYMBOL': {
      const words = column.data.dictionary.map(hashText);
      const { codes } = column.data;
      for (let i = 0; i < codes.length; i++)
        mixWord(h1, h2, i, words[codes[i] as number] as number);
      return;
    }
    case 'STRING':
      for (let i = 0; i < column.data.length; i++)
        mixWord(h1, h2, i, hashText(column.data[i] as string));
      return;
    case 'LONG':
    case 'TIMESTAMP':
    case 'NANOTIME':
    case 'NANOTIMESTAMP':
    case 'DOUBLE': {
      const words = new Int32Array(
        column.data.buffer,
        column.data.byteOffset,
        column.data.length * 2,
      );
      for (let i = 0; i < column.data.length; i++) {
        mixWord(h1, h2, i, words[2 * i] as number);
        mixWord(h1, h2, i, words[2 * i + 1] as number);
      }
      return;
    }
    case 'FLOAT': {
      const words = new Int32Array(column.data.buffer, column.data.byteOffset, column.data.length);
      for (let i = 0; i < words.length; i++) mixWord(h1, h2, i, words[i] as number);
      return;
    }
    default:
      for (let i = 0; i < column.data.length; i++) mixWord(h1, h2, i, column.data[i] as number);
  }
}

function mixWord(h1: Int32Array, h2: Int32Array, row: number, word: number): void {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let a = (h1[row] as number) ^ k;
  a = (a << 13) | (a >>> 19);
  h1[row] = (Math.imul(a, 5) + 0xe6546b64) | 0;
  let b = (h2[row] as number) ^ Math.imul(k, 0x2545f491);
  b = (b << 17) | (b >>> 15);
  h2[row] = (Math.imul(b, 9) + 0x3c6ef372) | 0;
}

function finalise(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a over UTF-16 code units, with the length folded in so '' differs from absent. */
function hashText(text: string): number {
  let h = 0x811c9dc5 ^ text.length;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}
