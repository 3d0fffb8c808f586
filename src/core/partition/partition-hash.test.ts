// Proves the HASH function is the documented one and never drifts: published FNV-1a and murmur3
// vectors, frozen buckets per type (data on disk depends on them), and an even spread.

import { describe, expect, it } from 'vitest';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { fmix32, fnv1a, hashBucket, mix64 } from './partition-hash.ts';

describe('building blocks', () => {
  it('FNV-1a and fmix32 match their published values', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
    expect(mix64(0, 1)).toBe(fmix32(1));
  });
});

describe('frozen buckets', () => {
  // Never edit these expectations: a change moves stored rows to other partitions.
  it.each<readonly [ColumnType, CellValue, number, number]>([
    ['INT', 7, 7, 7],
    ['INT', -7, 3, 65529],
    ['SHORT', -1, 9, 65535],
    ['DATE', 19365, 5, 19365],
    ['LONG', 7n, 0, 44740],
    ['LONG', -1n, 9, 18073],
    ['TIMESTAMP', 1673172930007n, 5, 1521],
    ['DOUBLE', 1.5, 8, 15134],
    ['DOUBLE', 0, 0, 0],
    ['FLOAT', 1.5, 3, 55207],
    ['SYMBOL', 'AAPL', 5, 13067],
    ['STRING', 'MSFT', 3, 39539],
    ['SYMBOL', '🐚', 6, 44662],
  ])('%s %s', (type, value, in10, in65536) => {
    expect(hashBucket(type, value, 10)).toBe(in10);
    expect(hashBucket(type, value, 65536)).toBe(in65536);
  });

  it('hashes −0 as 0, SYMBOL as STRING', () => {
    expect(hashBucket('DOUBLE', -0, 7)).toBe(hashBucket('DOUBLE', 0, 7));
    expect(hashBucket('FLOAT', -0, 7)).toBe(hashBucket('FLOAT', 0, 7));
    expect(hashBucket('SYMBOL', 'x', 7)).toBe(hashBucket('STRING', 'x', 7));
  });
});

describe('spread', () => {
  it.each<readonly [string, (i: number) => readonly [ColumnType, CellValue]]>([
    ['symbols', (i) => ['SYMBOL', `S${i}`]],
    ['whole-second timestamps', (i) => ['TIMESTAMP', 1672531200000n + BigInt(i) * 1000n]],
    ['ints', (i) => ['INT', i]],
  ])('puts %s evenly into 16 buckets', (_, valueAt) => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) {
      const [type, value] = valueAt(i);
      const bucket = hashBucket(type, value, 16);
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});
