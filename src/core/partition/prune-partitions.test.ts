// Proves prunePartitions never drops a partition that could hold a match (fast-check against a
// brute-force oracle over random schemes, values and predicates), and prunes tightly in the
// common cases (golden cases), including predicates of another temporal type than the scheme.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NULL_INT32, isNullValue } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { compareCells, normalizeCell } from './cell-values.ts';
import { partitionKeyOf } from './partition-key-of.ts';
import { partitionKeys } from './partition-keys.ts';
import type { PartitionScheme } from './partition-scheme.ts';
import { prunePartitions } from './prune-partitions.ts';
import type { PartitionPredicate } from './prune-partitions.ts';
import {
  columnTypesFor,
  levelsOf,
  predicateOf,
  rowValueFor,
  schemeArbitrary,
} from './scheme-arbitraries.ts';

const JAN: PartitionScheme = {
  kind: 'VALUE',
  type: 'DATE',
  values: Array.from({ length: 31 }, (_, i) => 19358 + i),
};
/** 2023.01.01T00:00:00 in seconds. */
const JAN_1 = 19358 * 86400;
const INTS: PartitionScheme = { kind: 'RANGE', type: 'INT', boundaries: [0, 10, 20, 30] };

function range(
  type: ColumnType,
  low: CellValue | undefined,
  high: CellValue | undefined,
  inclusive = true,
) {
  return {
    kind: 'range',
    type,
    ...(low === undefined ? {} : { low }),
    ...(high === undefined ? {} : { high }),
    lowInclusive: inclusive,
    highInclusive: inclusive,
  } as const satisfies PartitionPredicate;
}

describe('golden pruning', () => {
  it('keeps everything for no predicate or "all"', () => {
    expect(prunePartitions(JAN, [])).toEqual(partitionKeys(JAN));
    expect(prunePartitions(JAN, [{ kind: 'all' }])).toEqual(partitionKeys(JAN));
  });

  it('eq and in pick their VALUE partitions, in scheme order', () => {
    expect(prunePartitions(JAN, [{ kind: 'eq', type: 'DATE', value: 19360 }])).toEqual([
      '20230103',
    ]);
    expect(prunePartitions(JAN, [{ kind: 'in', type: 'DATE', values: [19362, 19358, 1] }])).toEqual(
      ['20230101', '20230105'],
    );
    expect(prunePartitions(JAN, [{ kind: 'eq', type: 'DATE', value: NULL_INT32 }])).toEqual([]);
  });

  it('a DATETIME range on a DATE scheme keeps every day it touches', () => {
    const predicate = range('DATETIME', JAN_1 + 86400 + 3600, JAN_1 + 3 * 86400, false);
    expect(prunePartitions(JAN, [predicate])).toEqual(['20230102', '20230103', '20230104']);
    expect(
      prunePartitions(JAN, [{ kind: 'eq', type: 'TIMESTAMP', value: BigInt(JAN_1 - 1) * 1000n }]),
    ).toEqual([]);
  });

  it('a MONTH predicate on a DATE scheme keeps the whole month', () => {
    expect(prunePartitions(JAN, [{ kind: 'eq', type: 'MONTH', value: 2023 * 12 }])).toEqual(
      partitionKeys(JAN),
    );
    expect(prunePartitions(JAN, [{ kind: 'eq', type: 'MONTH', value: 2023 * 12 + 1 }])).toEqual([]);
  });

  it('RANGE partitions meet ranges by their half-open bounds', () => {
    expect(prunePartitions(INTS, [range('INT', 10, 19)])).toEqual(['10_20']);
    expect(prunePartitions(INTS, [range('INT', 9, 20)])).toEqual(['0_10', '10_20', '20_30']);
    expect(prunePartitions(INTS, [range('INT', 10, 20, false)])).toEqual(['10_20']);
    expect(prunePartitions(INTS, [range('INT', undefined, 0)])).toEqual(['0_10']);
    expect(prunePartitions(INTS, [range('INT', 30, undefined)])).toEqual([]);
    expect(prunePartitions(INTS, [range('INT', 15, 5)])).toEqual([]);
    expect(prunePartitions(INTS, [{ kind: 'in', type: 'INT', values: [25, 3] }])).toEqual([
      '0_10',
      '20_30',
    ]);
  });

  it('HASH keeps the buckets of the values, or all for wide or open ranges', () => {
    const hash: PartitionScheme = { kind: 'HASH', type: 'INT', buckets: 10 };
    expect(prunePartitions(hash, [{ kind: 'in', type: 'INT', values: [3, 13, 4] }])).toEqual([
      'Key3',
      'Key4',
    ]);
    expect(prunePartitions(hash, [range('INT', 5, 7)])).toEqual(['Key5', 'Key6', 'Key7']);
    expect(prunePartitions(hash, [range('INT', 5, undefined)])).toHaveLength(10);
    const symbols: PartitionScheme = { kind: 'HASH', type: 'SYMBOL', buckets: 10 };
    expect(prunePartitions(symbols, [{ kind: 'eq', type: 'STRING', value: 'AAPL' }])).toEqual([
      'Key5',
    ]);
    expect(prunePartitions(symbols, [range('SYMBOL', 'A', 'B')])).toHaveLength(10);
  });

  it('HASH over DOUBLE keeps every bucket for a range, even one with whole-number bounds', () => {
    // Found by the property below (seed 1660155097): (0, 1) was read as the integers in it.
    const doubles: PartitionScheme = { kind: 'HASH', type: 'DOUBLE', buckets: 8 };
    const open = {
      kind: 'range',
      type: 'DOUBLE',
      low: 0,
      high: 1,
      lowInclusive: false,
      highInclusive: false,
    } as const;
    expect(prunePartitions(doubles, [open])).toHaveLength(8);
  });

  it('LIST keeps the lists holding a value', () => {
    const list: PartitionScheme = {
      kind: 'LIST',
      type: 'SYMBOL',
      lists: [['IBM', 'ORCL'], ['AAPL'], ['MSFT']],
    };
    expect(
      prunePartitions(list, [{ kind: 'in', type: 'SYMBOL', values: ['ORCL', 'MSFT'] }]),
    ).toEqual(['List0', 'List2']);
    expect(prunePartitions(list, [range('SYMBOL', 'B', 'J')])).toEqual(['List0']);
  });

  it('COMPO combines the levels', () => {
    const compo: PartitionScheme = {
      kind: 'COMPO',
      levels: [JAN, { kind: 'HASH', type: 'SYMBOL', buckets: 10 }],
    };
    expect(
      prunePartitions(compo, [
        { kind: 'eq', type: 'DATE', value: 19358 },
        { kind: 'in', type: 'SYMBOL', values: ['AAPL', 'MSFT'] },
      ]),
    ).toEqual(['20230101/Key3', '20230101/Key5']);
    expect(prunePartitions(compo, [])).toHaveLength(31 * 10);
    expect(
      prunePartitions(compo, [{ kind: 'all' }, { kind: 'eq', type: 'SYMBOL', value: 'AAPL' }]),
    ).toHaveLength(31);
  });

  it('keeps everything for predicates it cannot translate', () => {
    expect(prunePartitions(JAN, [{ kind: 'eq', type: 'INT', value: 5 }])).toEqual(
      partitionKeys(JAN),
    );
    const seconds: PartitionScheme = {
      kind: 'RANGE',
      type: 'SECOND',
      boundaries: [0, 3600, 86400],
    };
    expect(prunePartitions(seconds, [range('DATETIME', JAN_1, JAN_1 + 60)])).toEqual(
      partitionKeys(seconds),
    );
    expect(
      prunePartitions(seconds, [{ kind: 'eq', type: 'DATETIME', value: JAN_1 + 3600 }]),
    ).toEqual(['010000_240000']);
  });

  it('rejects more predicates than levels and values of the wrong form', () => {
    const tooMany = (): unknown => prunePartitions(JAN, [{ kind: 'all' }, { kind: 'all' }]);
    expect(tooMany).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
    const wrongForm = (): unknown =>
      prunePartitions(JAN, [{ kind: 'eq', type: 'DATE', value: 5n }]);
    expect(wrongForm).toThrow(expect.objectContaining({ kind: 'TYPE_MISMATCH' }));
  });
});

/** Whether `value` of `type` satisfies `predicate` (a null satisfies nothing; a null bound is none). */
function satisfies(predicate: PartitionPredicate, type: ColumnType, value: CellValue): boolean {
  if (isNullValue(type, value)) return false;
  const compare = (other: CellValue): number =>
    compareCells(normalizeCell(type, value), normalizeCell(type, other));
  switch (predicate.kind) {
    case 'all':
      return true;
    case 'eq':
      return !isNullValue(type, predicate.value) && compare(predicate.value) === 0;
    case 'in':
      return predicate.values.some((v) => !isNullValue(type, v) && compare(v) === 0);
    case 'range': {
      const { low, high } = predicate;
      const aboveLow =
        low === undefined ||
        isNullValue(type, low) ||
        compare(low) > 0 ||
        (compare(low) === 0 && predicate.lowInclusive);
      const belowHigh =
        high === undefined ||
        isNullValue(type, high) ||
        compare(high) < 0 ||
        (compare(high) === 0 && predicate.highInclusive);
      return aboveLow && belowHigh;
    }
  }
}

describe('properties', () => {
  /** A scheme; per level a column type, a predicate on it, and candidate values of it. */
  const queries = schemeArbitrary.chain((scheme) => {
    const levels = levelsOf(scheme);
    return fc
      .tuple(...levels.map((level) => fc.constantFrom(...columnTypesFor(level.type))))
      .chain((types) =>
        fc.tuple(
          fc.constant(scheme),
          fc.constant(types),
          fc.tuple(...types.map((type) => predicateOf(type))),
          fc.tuple(
            ...types.map((type, l) => fc.array(rowValueFor(levels[l]!, type), { maxLength: 12 })),
          ),
        ),
      );
  });

  it('never drops a partition holding a matching value', () => {
    fc.assert(
      fc.property(queries, ([scheme, types, predicates, candidates]) => {
        const kept = new Set(prunePartitions(scheme, predicates));
        const matching = candidates.map((values, l) =>
          values.filter((v) => satisfies(predicates[l]!, types[l]!, v)),
        );
        const [first = [], second] = matching;
        const rows =
          second === undefined
            ? first.map((v) => [v])
            : first.flatMap((a) => second.map((b) => [a, b]));
        for (const row of rows) {
          const key = partitionKeyOf(scheme, row, types);
          if (key !== undefined) expect(kept).toContain(key);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('returns a subsequence of partitionKeys', () => {
    fc.assert(
      fc.property(queries, ([scheme, , predicates]) => {
        const kept = prunePartitions(scheme, predicates);
        expect(partitionKeys(scheme).filter((key) => kept.includes(key))).toEqual(kept);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps exactly the partition of an equality on the scheme type', () => {
    fc.assert(
      fc.property(
        schemeArbitrary
          .filter((s) => s.kind !== 'COMPO')
          .chain((scheme) => {
            const [level] = levelsOf(scheme);
            return fc.tuple(
              fc.constant(scheme),
              rowValueFor(level!, level!.type),
              fc.constant(level!.type),
            );
          }),
        ([scheme, value, type]) => {
          const key = partitionKeyOf(scheme, [value], [type]);
          const kept = prunePartitions(scheme, [{ kind: 'eq', type, value }]);
          expect(kept).toEqual(key === undefined ? [] : [key]);
        },
      ),
    );
  });
});
