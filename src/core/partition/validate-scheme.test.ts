// Proves validateScheme accepts every well-formed scheme kind and rejects each malformed one with
// INVALID_PARTITION_SCHEME and a message naming the problem: a table of cases plus fast-check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../errors.ts';
import { NULL_INT32, NULL_INT64 } from '../types/column-type.ts';
import type { PartitionScheme } from './partition-scheme.ts';
import { schemeArbitrary } from './scheme-arbitraries.ts';
import { validateScheme } from './validate-scheme.ts';

function errorOf(scheme: PartitionScheme): unknown {
  try {
    validateScheme(scheme);
  } catch (error) {
    return error;
  }
  return undefined;
}

const DAYS = Array.from({ length: 365 }, (_, i) => 19358 + i);

describe('valid schemes', () => {
  const valid: readonly PartitionScheme[] = [
    { kind: 'VALUE', type: 'DATE', values: DAYS },
    { kind: 'VALUE', type: 'SYMBOL', values: ['AAPL', 'MSFT'] },
    { kind: 'RANGE', type: 'INT', boundaries: [0, 10, 20] },
    { kind: 'RANGE', type: 'SYMBOL', boundaries: ['A', 'M', 'a'] },
    { kind: 'HASH', type: 'SYMBOL', buckets: 1 },
    { kind: 'HASH', type: 'INT', buckets: 65536 },
    { kind: 'LIST', type: 'SYMBOL', lists: [['A', 'B'], ['C']] },
    {
      kind: 'COMPO',
      levels: [
        { kind: 'VALUE', type: 'DATE', values: DAYS },
        { kind: 'HASH', type: 'SYMBOL', buckets: 10 },
      ],
    },
    { kind: 'VALUE', type: 'INT', values: Array.from({ length: 1_000_000 }, (_, i) => i) },
  ];
  it.each(valid.map((s) => [s.kind, s] as const))('accepts %s', (_, scheme) => {
    expect(() => validateScheme(scheme)).not.toThrow();
  });

  it('accepts every generated scheme', () => {
    fc.assert(fc.property(schemeArbitrary, (scheme) => validateScheme(scheme)));
  });
});

describe('invalid schemes', () => {
  const hash = { kind: 'HASH', type: 'INT', buckets: 4 } as const;
  const cases: readonly (readonly [string, PartitionScheme, RegExp])[] = [
    ['empty VALUE', { kind: 'VALUE', type: 'INT', values: [] }, /at least one value/],
    [
      'duplicate VALUE',
      { kind: 'VALUE', type: 'DATE', values: [1, 2, 1] },
      /1970\.01\.02 appears twice/,
    ],
    [
      'duplicate FLOAT after rounding',
      { kind: 'VALUE', type: 'FLOAT', values: [0.1, Math.fround(0.1)] },
      /twice/,
    ],
    ['null VALUE', { kind: 'VALUE', type: 'INT', values: [1, NULL_INT32] }, /cannot hold a null/],
    ['null text', { kind: 'VALUE', type: 'SYMBOL', values: ['A', ''] }, /cannot hold a null/],
    [
      'null LONG',
      { kind: 'RANGE', type: 'LONG', boundaries: [NULL_INT64, 0n] },
      /cannot hold a null/,
    ],
    ['NaN', { kind: 'VALUE', type: 'DOUBLE', values: [Number.NaN] }, /NaN is not a valid DOUBLE/],
    ['wrong JS type', { kind: 'VALUE', type: 'LONG', values: [1] }, /1 is not a valid LONG/],
    ['fraction in INT', { kind: 'VALUE', type: 'INT', values: [1.5] }, /not a valid INT/],
    ['out of range SHORT', { kind: 'VALUE', type: 'SHORT', values: [40000] }, /not a valid SHORT/],
    ['BOOL 2', { kind: 'VALUE', type: 'BOOL', values: [2] }, /not a valid BOOL/],
    ['one boundary', { kind: 'RANGE', type: 'INT', boundaries: [0] }, /at least two boundaries/],
    [
      'equal boundaries',
      { kind: 'RANGE', type: 'INT', boundaries: [0, 5, 5] },
      /strictly ascending: 5 follows 5/,
    ],
    [
      'descending text',
      { kind: 'RANGE', type: 'SYMBOL', boundaries: ['b', 'a'] },
      /"a" follows "b"/,
    ],
    ['zero buckets', { kind: 'HASH', type: 'INT', buckets: 0 }, /from 1 to 65536, not 0/],
    ['too many buckets', { kind: 'HASH', type: 'INT', buckets: 65537 }, /not 65537/],
    ['fractional buckets', { kind: 'HASH', type: 'INT', buckets: 2.5 }, /not 2.5/],
    ['no lists', { kind: 'LIST', type: 'INT', lists: [] }, /at least one list/],
    ['empty list', { kind: 'LIST', type: 'INT', lists: [[1], []] }, /list 1 .* is empty/],
    [
      'value in two lists',
      { kind: 'LIST', type: 'SYMBOL', lists: [['A'], ['B', 'A']] },
      /"A" is in lists 0 and 1/,
    ],
    [
      'one level',
      { kind: 'COMPO', levels: [hash] } as unknown as PartitionScheme,
      /exactly two levels, not 1/,
    ],
    [
      'three levels',
      { kind: 'COMPO', levels: [hash, hash, hash] } as unknown as PartitionScheme,
      /exactly two levels, not 3/,
    ],
    [
      'nested COMPO',
      { kind: 'COMPO', levels: [hash, { kind: 'COMPO', levels: [hash, hash] }] },
      /nest/,
    ],
    [
      'unknown type',
      { kind: 'HASH', type: 'UUID', buckets: 2 } as unknown as PartitionScheme,
      /UUID/,
    ],
    [
      'unknown kind',
      { kind: 'SPLIT', type: 'INT' } as unknown as PartitionScheme,
      /unknown .* SPLIT/,
    ],
    [
      'too many values',
      { kind: 'VALUE', type: 'INT', values: Array.from({ length: 1_000_001 }, (_, i) => i) },
      /at most 1,000,000 partitions; this VALUE scheme has 1000001/,
    ],
    [
      'too many partitions in all',
      {
        kind: 'COMPO',
        levels: [
          { kind: 'HASH', type: 'INT', buckets: 1001 },
          { kind: 'HASH', type: 'INT', buckets: 1000 },
        ],
      },
      /at most 1,000,000 partitions; this one has 1001000/,
    ],
  ];
  it.each(cases)('rejects %s', (_, scheme, message) => {
    const error = errorOf(scheme);
    expect(isShoalError(error, 'INVALID_PARTITION_SCHEME')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
