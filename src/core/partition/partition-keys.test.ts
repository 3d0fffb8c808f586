// Proves partition keys are DolphinDB-style, filesystem-safe, unique within a scheme and stable:
// golden keys for every scheme kind and type, plus fast-check over generated schemes and texts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { encodeKeyText, partitionKeys } from './partition-keys.ts';
import type { PartitionScheme } from './partition-scheme.ts';
import { schemeArbitrary } from './scheme-arbitraries.ts';

const KEY = /^[A-Za-z0-9_.%/-]+$/;

function valueKeys(type: ColumnType, values: readonly CellValue[]): string[] {
  return partitionKeys({ kind: 'VALUE', type, values });
}

describe('golden keys', () => {
  it.each([
    [
      'DATE',
      [19365, -1, 0, -719528, -719529],
      ['20230108', '19691231', '19700101', '00000101', '-00011231'],
    ],
    ['MONTH', [2023 * 12, 2023 * 12 + 11, 5], ['202301M', '202312M', '000006M']],
    ['DATETIME', [1673172930, -1], ['20230108T101530', '19691231T235959']],
    ['TIMESTAMP', [1673172930007n], ['20230108T101530007']],
    ['NANOTIMESTAMP', [1673172930_000000123n], ['20230108T101530000000123']],
    ['TIME', [36930007, 0], ['101530007', '000000000']],
    ['SECOND', [36930], ['101530']],
    ['MINUTE', [615, 1440], ['1015m', '2400m']],
    ['NANOTIME', [36930_000000001n], ['101530000000001']],
    ['INT', [0, -5, 2147483647], ['0', '-5', '2147483647']],
    ['LONG', [-(2n ** 63n) + 1n], ['-9223372036854775807']],
    ['SHORT', [7], ['7']],
    ['BOOL', [0, 1], ['0', '1']],
    ['DOUBLE', [1.5, -0.25, 1e21], ['1.5', '-0.25', '1e%2B21']],
    ['FLOAT', [0.5], ['0.5']],
    [
      'SYMBOL',
      ['AAPL', 'a b', 'x/y', '100%', 'é', '🐚', '.', '..', 'a.b'],
      ['AAPL', 'a%20b', 'x%2Fy', '100%25', '%C3%A9', '%F0%9F%90%9A', '%2E', '%2E%2E', 'a.b'],
    ],
  ] as const)('VALUE over %s', (type, values, keys) => {
    expect(valueKeys(type, values)).toEqual(keys);
  });

  it('RANGE keys join the compact bounds with _ (escaped inside text bounds)', () => {
    expect(partitionKeys({ kind: 'RANGE', type: 'INT', boundaries: [-10, 0, 10] })).toEqual([
      '-10_0',
      '0_10',
    ]);
    expect(partitionKeys({ kind: 'RANGE', type: 'DATE', boundaries: [19358, 19389] })).toEqual([
      '20230101_20230201',
    ]);
    expect(partitionKeys({ kind: 'RANGE', type: 'SYMBOL', boundaries: ['a', 'a_b', 'b'] })).toEqual(
      ['a_a%5Fb', 'a%5Fb_b'],
    );
  });

  it('HASH, LIST and COMPO keys', () => {
    expect(partitionKeys({ kind: 'HASH', type: 'SYMBOL', buckets: 3 })).toEqual([
      'Key0',
      'Key1',
      'Key2',
    ]);
    expect(partitionKeys({ kind: 'LIST', type: 'SYMBOL', lists: [['A'], ['B', 'C']] })).toEqual([
      'List0',
      'List1',
    ]);
    const compo: PartitionScheme = {
      kind: 'COMPO',
      levels: [
        { kind: 'VALUE', type: 'DATE', values: [19365, 19366] },
        { kind: 'HASH', type: 'SYMBOL', buckets: 2 },
      ],
    };
    expect(partitionKeys(compo)).toEqual([
      '20230108/Key0',
      '20230108/Key1',
      '20230109/Key0',
      '20230109/Key1',
    ]);
  });

  it('keeps VALUE keys in scheme order, not sorted', () => {
    expect(valueKeys('INT', [3, 1, 2])).toEqual(['3', '1', '2']);
  });

  it('escapes lone surrogates distinctly', () => {
    expect(encodeKeyText('\ud800')).toBe('%ED%A0%80');
    expect(encodeKeyText('\udc00')).toBe('%ED%B0%80');
  });
});

describe('properties', () => {
  it('keys are unique, filesystem-safe and stable across calls', () => {
    fc.assert(
      fc.property(schemeArbitrary, (scheme) => {
        const keys = partitionKeys(scheme);
        expect(new Set(keys).size).toBe(keys.length);
        for (const key of keys) {
          expect(key).toMatch(KEY);
          for (const part of key.split('/')) expect(['.', '..', '']).not.toContain(part);
        }
        expect(partitionKeys(structuredClone(scheme))).toEqual(keys);
      }),
      { numRuns: 300 },
    );
  });

  it('text encoding is injective and safe', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(encodeKeyText(a)).toMatch(/^[A-Za-z0-9_.%-]*$/);
        if (a !== b) expect(encodeKeyText(a)).not.toBe(encodeKeyText(b));
      }),
    );
  });

  it('distinct DATE and TIMESTAMP values give distinct keys', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -2147483647, max: 2147483647 }), { minLength: 1 }),
        (values) => {
          const keys = valueKeys('DATE', values);
          expect(new Set(keys).size).toBe(values.length);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }), {
          minLength: 1,
        }),
        (values) => {
          const keys = valueKeys('TIMESTAMP', values);
          expect(new Set(keys).size).toBe(values.length);
        },
      ),
    );
  });
});
