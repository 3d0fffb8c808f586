// Proves addValuePartitions and addRangePartitions grow a scheme without touching existing keys,
// on plain and COMPO schemes, and reject what DolphinDB rejects with the documented codes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NULL_INT32 } from '../types/column-type.ts';
import { addRangePartitions, addValuePartitions } from './evolve-scheme.ts';
import { partitionKeys } from './partition-keys.ts';
import type { PartitionScheme } from './partition-scheme.ts';

const DATES: PartitionScheme = { kind: 'VALUE', type: 'DATE', values: [19358, 19359] };
const INTS: PartitionScheme = { kind: 'RANGE', type: 'INT', boundaries: [0, 10] };
const COMPO: PartitionScheme = {
  kind: 'COMPO',
  levels: [{ kind: 'HASH', type: 'INT', buckets: 2 }, DATES],
};

describe('addValuePartitions', () => {
  it('appends new values once each, keeping existing keys first', () => {
    const grown = addValuePartitions(DATES, [19361, 19360, 19361]);
    expect(partitionKeys(grown)).toEqual(['20230101', '20230102', '20230104', '20230103']);
  });

  it('grows level 1 of a COMPO scheme', () => {
    const grown = addValuePartitions(COMPO, [19360], 1);
    expect(partitionKeys(grown)).toEqual([
      'Key0/20230101',
      'Key0/20230102',
      'Key0/20230103',
      'Key1/20230101',
      'Key1/20230102',
      'Key1/20230103',
    ]);
  });

  it('returns the scheme itself for no values', () => {
    expect(addValuePartitions(DATES, [])).toBe(DATES);
  });

  it('rejects existing values, other kinds and missing levels', () => {
    expect(() => addValuePartitions(DATES, [19360, 19358])).toThrow(
      expect.objectContaining({
        kind: 'PARTITION_EXISTS',
        message: expect.stringContaining('2023.01.01'),
      }),
    );
    expect(() => addValuePartitions(INTS, [5])).toThrow(
      expect.objectContaining({ kind: 'INVALID_ARGUMENT' }),
    );
    expect(() => addValuePartitions(COMPO, [19360], 0)).toThrow(
      expect.objectContaining({ kind: 'INVALID_ARGUMENT' }),
    );
    expect(() => addValuePartitions(COMPO, [19360], 2)).toThrow(
      expect.objectContaining({ kind: 'INVALID_ARGUMENT' }),
    );
    expect(() => addValuePartitions(DATES, [NULL_INT32])).toThrow(
      expect.objectContaining({ kind: 'INVALID_PARTITION_SCHEME' }),
    );
  });

  it('never changes existing keys', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 19360, max: 30000 })), (values) => {
        const before = partitionKeys(DATES);
        expect(partitionKeys(addValuePartitions(DATES, values)).slice(0, before.length)).toEqual(
          before,
        );
      }),
    );
  });
});

describe('addRangePartitions', () => {
  it('extends past the last boundary', () => {
    expect(partitionKeys(addRangePartitions(INTS, [20, 35]))).toEqual(['0_10', '10_20', '20_35']);
  });

  it('grows a RANGE level of a COMPO scheme', () => {
    const compo: PartitionScheme = { kind: 'COMPO', levels: [INTS, DATES] };
    expect(partitionKeys(addRangePartitions(compo, [20], 0))).toEqual([
      '0_10/20230101',
      '0_10/20230102',
      '10_20/20230101',
      '10_20/20230102',
    ]);
  });

  it('rejects boundaries not strictly ascending past the last, and other kinds', () => {
    expect(() => addRangePartitions(INTS, [10])).toThrow(
      expect.objectContaining({
        kind: 'INVALID_PARTITION_SCHEME',
        message: expect.stringMatching(/10 must be above 10/),
      }),
    );
    expect(() => addRangePartitions(INTS, [30, 20])).toThrow(
      expect.objectContaining({
        kind: 'INVALID_PARTITION_SCHEME',
        message: expect.stringMatching(/20 must be above 30/),
      }),
    );
    expect(() => addRangePartitions(INTS, [20n])).toThrow(
      expect.objectContaining({ kind: 'INVALID_PARTITION_SCHEME' }),
    );
    expect(() => addRangePartitions(DATES, [5])).toThrow(
      expect.objectContaining({ kind: 'INVALID_ARGUMENT' }),
    );
    expect(addRangePartitions(INTS, [])).toBe(INTS);
  });

  it('stops at the partition limit', () => {
    const many = Array.from({ length: 1_000_000 }, (_, i) => 11 + i);
    expect(() => addRangePartitions(INTS, many)).toThrow(
      expect.objectContaining({
        kind: 'INVALID_PARTITION_SCHEME',
        message: expect.stringContaining('1,000,000'),
      }),
    );
  });
});
