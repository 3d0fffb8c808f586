// Proves partitionKeyOf finds the partition of single rows, converting temporal values, and
// reports nulls and out-of-scheme values as undefined and bad arguments as errors. Golden cases.

import { describe, expect, it } from 'vitest';
import { NULL_INT64 } from '../types/column-type.ts';
import { partitionKeyOf } from './partition-key-of.ts';
import type { PartitionScheme } from './partition-scheme.ts';

const COMPO: PartitionScheme = {
  kind: 'COMPO',
  levels: [
    { kind: 'RANGE', type: 'MONTH', boundaries: [24276, 24277, 24278] },
    { kind: 'LIST', type: 'SYMBOL', lists: [['A', 'B'], ['C']] },
  ],
};

describe('partitionKeyOf', () => {
  it('finds a COMPO partition from a TIMESTAMP and a STRING', () => {
    // 2023.02.01T00:00:00.000 is in [2023.02M, 2023.03M).
    expect(partitionKeyOf(COMPO, [1675209600000n, 'C'], ['TIMESTAMP', 'STRING'])).toBe(
      '202302M_202303M/List1',
    );
  });

  it('is undefined for nulls and values outside the scheme', () => {
    expect(partitionKeyOf(COMPO, [NULL_INT64, 'C'], ['TIMESTAMP', 'STRING'])).toBeUndefined();
    expect(partitionKeyOf(COMPO, [1675209600000n, 'D'], ['TIMESTAMP', 'STRING'])).toBeUndefined();
    expect(partitionKeyOf(COMPO, [1675209600000n, ''], ['TIMESTAMP', 'SYMBOL'])).toBeUndefined();
    expect(partitionKeyOf(COMPO, [24278, 'A'], ['MONTH', 'SYMBOL'])).toBeUndefined();
  });

  it('normalises FLOAT values and −0', () => {
    const floats: PartitionScheme = { kind: 'VALUE', type: 'FLOAT', values: [0.1, 0] };
    expect(partitionKeyOf(floats, [Math.fround(0.1)], ['FLOAT'])).toBe('0.10000000149011612');
    expect(partitionKeyOf(floats, [-0], ['FLOAT'])).toBe('0');
  });

  it('rejects wrong counts, incompatible types and values of the wrong form', () => {
    expect(() => partitionKeyOf(COMPO, [24276], ['MONTH'])).toThrow(
      expect.objectContaining({ kind: 'INVALID_ARGUMENT' }),
    );
    expect(() => partitionKeyOf(COMPO, [1, 'A'], ['INT', 'SYMBOL'])).toThrow(
      expect.objectContaining({
        kind: 'TYPE_MISMATCH',
        message: expect.stringMatching(/INT.*MONTH/),
      }),
    );
    expect(() => partitionKeyOf(COMPO, [1n, 'A'], ['MONTH', 'SYMBOL'])).toThrow(
      expect.objectContaining({ kind: 'TYPE_MISMATCH' }),
    );
  });
});
