// Proves assignPartitions puts each row where partitionKeyOf says, for every scheme kind and type
// conversion, and rejects bad columns and out-of-scheme values with the documented codes and
// messages: golden cases, a fast-check comparison row by row, and one 1.2M-row column.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../errors.ts';
import { NULL_INT32 } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import type { Column } from '../types/column.ts';
import { assignPartitions } from './assign-partitions.ts';
import { partitionKeyOf } from './partition-key-of.ts';
import { partitionKeys } from './partition-keys.ts';
import type { PartitionScheme } from './partition-scheme.ts';
import {
  columnOf,
  columnTypesFor,
  levelsOf,
  rowValueFor,
  schemeArbitrary,
} from './scheme-arbitraries.ts';

const DB = { dbName: 'dfs://testDB' };
const YEAR_2023: PartitionScheme = {
  kind: 'VALUE',
  type: 'DATE',
  values: Array.from({ length: 365 }, (_, i) => 19358 + i),
};
/** 2023.01.01T00:00:00 in seconds. */
const JAN_1 = 19358 * 86400;

/** The key of each row, as assignPartitions reports it. */
function rowKeys(scheme: PartitionScheme, columns: readonly Column[]): string[] {
  const { keys, rowPartition } = assignPartitions(scheme, columns, DB);
  return [...rowPartition].map((p) => keys[p]!);
}

function errorOf(run: () => unknown): Error & { kind?: string } {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('scheme kinds', () => {
  it('VALUE over DATE with a DATETIME column (the seed case)', () => {
    const column = columnOf('DATETIME', [
      JAN_1 + 7 * 86400 + 36000,
      JAN_1,
      JAN_1 - 1 + 365 * 86400,
      JAN_1 + 5,
    ]);
    const { keys, rowPartition } = assignPartitions(YEAR_2023, [column], DB);
    expect(keys).toEqual(['20230101', '20230108', '20231231']);
    expect([...rowPartition]).toEqual([1, 0, 2, 0]);
  });

  it('gives each call its own answer while it reuses its working arrays', () => {
    const day = (d: number): number => JAN_1 + d * 86400;
    const first = assignPartitions(YEAR_2023, [columnOf('DATETIME', [day(3), day(1)])], DB);
    const converted = columnOf('DATETIME', [day(9), day(9), day(9)]);
    // One partition: every index is 0; then a larger write, then a smaller one again.
    const one = assignPartitions(YEAR_2023, [converted], DB);
    const larger = assignPartitions(
      YEAR_2023,
      [
        columnOf(
          'DATETIME',
          Array.from({ length: 50 }, (_, i) => day(i % 5)),
        ),
      ],
      DB,
    );
    const last = assignPartitions(YEAR_2023, [columnOf('DATETIME', [day(2), day(7)])], DB);
    expect([first.keys, [...first.rowPartition]]).toEqual([
      ['20230102', '20230104'],
      [1, 0],
    ]);
    expect([one.keys, [...one.rowPartition]]).toEqual([['20230110'], [0, 0, 0]]);
    expect(larger.keys).toHaveLength(5);
    expect([...larger.rowPartition].slice(0, 6)).toEqual([0, 1, 2, 3, 4, 0]);
    expect([last.keys, [...last.rowPartition]]).toEqual([
      ['20230103', '20230108'],
      [0, 1],
    ]);
    // The converted column itself is left as it was.
    expect([...(converted.data as Int32Array)]).toEqual([day(9), day(9), day(9)]);
  });

  it('VALUE over DATE with DATE, TIMESTAMP and NANOTIMESTAMP columns', () => {
    expect(rowKeys(YEAR_2023, [columnOf('DATE', [19365])])).toEqual(['20230108']);
    expect(rowKeys(YEAR_2023, [columnOf('TIMESTAMP', [BigInt(JAN_1) * 1000n + 1n])])).toEqual([
      '20230101',
    ]);
    expect(
      rowKeys(YEAR_2023, [columnOf('NANOTIMESTAMP', [BigInt(JAN_1 + 86400) * 10n ** 9n])]),
    ).toEqual(['20230102']);
  });

  it('VALUE over MONTH with a DATE column', () => {
    const scheme: PartitionScheme = { kind: 'VALUE', type: 'MONTH', values: [24276, 24277] };
    expect(rowKeys(scheme, [columnOf('DATE', [19358, 19389, 19388])])).toEqual([
      '202301M',
      '202302M',
      '202301M',
    ]);
  });

  it('VALUE over SYMBOL with SYMBOL and STRING columns', () => {
    const scheme: PartitionScheme = {
      kind: 'VALUE',
      type: 'SYMBOL',
      values: ['MSFT', 'AAPL', 'a b'],
    };
    expect(rowKeys(scheme, [columnOf('SYMBOL', ['AAPL', 'a b', 'AAPL'])])).toEqual([
      'AAPL',
      'a%20b',
      'AAPL',
    ]);
    expect(rowKeys(scheme, [columnOf('STRING', ['MSFT', 'AAPL'])])).toEqual(['MSFT', 'AAPL']);
  });

  it('keys come in scheme order, not row order', () => {
    const scheme: PartitionScheme = { kind: 'VALUE', type: 'SYMBOL', values: ['MSFT', 'AAPL'] };
    expect(assignPartitions(scheme, [columnOf('SYMBOL', ['AAPL', 'MSFT'])], DB).keys).toEqual([
      'MSFT',
      'AAPL',
    ]);
  });

  it('RANGE over INT', () => {
    const scheme: PartitionScheme = { kind: 'RANGE', type: 'INT', boundaries: [0, 10, 20, 30] };
    expect(rowKeys(scheme, [columnOf('INT', [0, 9, 10, 29, 15])])).toEqual([
      '0_10',
      '0_10',
      '10_20',
      '20_30',
      '10_20',
    ]);
  });

  it('RANGE over SYMBOL compares by code units', () => {
    const scheme: PartitionScheme = { kind: 'RANGE', type: 'SYMBOL', boundaries: ['A', 'N', 'a'] };
    expect(rowKeys(scheme, [columnOf('SYMBOL', ['AAPL', 'NVDA', 'Zed'])])).toEqual([
      'A_N',
      'N_a',
      'N_a',
    ]);
  });

  it('HASH over SYMBOL and INT', () => {
    const symbols: PartitionScheme = { kind: 'HASH', type: 'SYMBOL', buckets: 10 };
    expect(rowKeys(symbols, [columnOf('SYMBOL', ['AAPL', 'MSFT', 'AAPL'])])).toEqual([
      'Key5',
      'Key3',
      'Key5',
    ]);
    const ints: PartitionScheme = { kind: 'HASH', type: 'INT', buckets: 4 };
    expect(rowKeys(ints, [columnOf('INT', [0, 5, -1, 7])])).toEqual([
      'Key0',
      'Key1',
      'Key3',
      'Key3',
    ]);
  });

  it('LIST over SYMBOL', () => {
    const scheme: PartitionScheme = {
      kind: 'LIST',
      type: 'SYMBOL',
      lists: [['IBM', 'ORCL'], ['AAPL']],
    };
    expect(rowKeys(scheme, [columnOf('STRING', ['AAPL', 'ORCL', 'IBM'])])).toEqual([
      'List1',
      'List0',
      'List0',
    ]);
  });

  it('COMPO of VALUE over DATE and HASH over SYMBOL', () => {
    const scheme: PartitionScheme = {
      kind: 'COMPO',
      levels: [YEAR_2023, { kind: 'HASH', type: 'SYMBOL', buckets: 10 }],
    };
    const dates = columnOf('TIMESTAMP', [
      BigInt(JAN_1) * 1000n,
      BigInt(JAN_1 + 86400) * 1000n,
      BigInt(JAN_1) * 1000n,
    ]);
    const symbols = columnOf('SYMBOL', ['AAPL', 'AAPL', 'MSFT']);
    const { keys, rowPartition } = assignPartitions(scheme, [dates, symbols], DB);
    expect(keys).toEqual(['20230101/Key3', '20230101/Key5', '20230102/Key5']);
    expect([...rowPartition]).toEqual([1, 2, 0]);
  });

  it('no rows, no keys', () => {
    expect(assignPartitions(YEAR_2023, [columnOf('DATETIME', [])], DB)).toEqual({
      keys: [],
      rowPartition: new Int32Array(0),
    });
  });
});

describe('errors', () => {
  it('names a value outside the scheme, the database and the scheme', () => {
    const error = errorOf(() =>
      assignPartitions(YEAR_2023, [columnOf('DATE', [19358, 19723])], DB),
    );
    expect(isShoalError(error, 'OUTSIDE_PARTITION_SCHEME')).toBe(true);
    expect(error.message).toBe(
      '2024.01.01 is outside the partition scheme of dfs://testDB (VALUE over DATE 2023.01.01..2023.12.31)',
    );
  });

  it('prints the original value of a converted column', () => {
    const error = errorOf(() =>
      assignPartitions(YEAR_2023, [columnOf('DATETIME', [JAN_1 - 1])], DB),
    );
    expect(error.message).toMatch(/^2022\.12\.31T23:59:59 is outside/);
  });

  it.each<readonly [string, PartitionScheme, Column]>([
    ['VALUE', YEAR_2023, columnOf('DATE', [19358, NULL_INT32])],
    [
      'RANGE',
      { kind: 'RANGE', type: 'INT', boundaries: [-2147483647, 0] },
      columnOf('INT', [NULL_INT32]),
    ],
    ['HASH', { kind: 'HASH', type: 'INT', buckets: 3 }, columnOf('INT', [NULL_INT32])],
    ['LIST', { kind: 'LIST', type: 'SYMBOL', lists: [['A']] }, columnOf('SYMBOL', ['A', ''])],
    ['HASH text', { kind: 'HASH', type: 'STRING', buckets: 3 }, columnOf('STRING', [''])],
  ])('rejects nulls under %s', (_, scheme, column) => {
    const error = errorOf(() => assignPartitions(scheme, [column], DB));
    expect(isShoalError(error, 'OUTSIDE_PARTITION_SCHEME')).toBe(true);
    expect(error.message).toMatch(/^null \(row \d+\) is outside .*cannot hold nulls/);
  });

  it.each<readonly [string, PartitionScheme, Column]>([
    ['RANGE', { kind: 'RANGE', type: 'INT', boundaries: [0, 10] }, columnOf('INT', [10])],
    ['LIST', { kind: 'LIST', type: 'SYMBOL', lists: [['A']] }, columnOf('SYMBOL', ['B'])],
    ['VALUE text', { kind: 'VALUE', type: 'STRING', values: ['A'] }, columnOf('STRING', ['B'])],
  ])('rejects values outside %s', (_, scheme, column) => {
    expect(
      isShoalError(
        errorOf(() => assignPartitions(scheme, [column], DB)),
        'OUTSIDE_PARTITION_SCHEME',
      ),
    ).toBe(true);
  });

  it.each<readonly [ColumnType, ColumnType]>([
    ['INT', 'DATE'],
    ['TIME', 'DATE'],
    ['SYMBOL', 'INT'],
    ['LONG', 'INT'],
    ['DATE', 'SYMBOL'],
  ])('rejects a %s column under a scheme over %s, naming both', (columnType, schemeType) => {
    const scheme: PartitionScheme = { kind: 'HASH', type: schemeType, buckets: 2 };
    const column = columnOf(columnType, []);
    const error = errorOf(() => assignPartitions(scheme, [column], DB));
    expect(isShoalError(error, 'TYPE_MISMATCH')).toBe(true);
    expect(error.message).toContain(columnType);
    expect(error.message).toContain(schemeType);
  });

  it('needs one column per level, of equal lengths', () => {
    const compo: PartitionScheme = {
      kind: 'COMPO',
      levels: [YEAR_2023, { kind: 'HASH', type: 'INT', buckets: 2 }],
    };
    expect(
      isShoalError(
        errorOf(() => assignPartitions(compo, [columnOf('DATE', [])], DB)),
        'COLUMN_MISMATCH',
      ),
    ).toBe(true);
    const uneven = [columnOf('DATE', [19358]), columnOf('INT', [])];
    expect(
      isShoalError(
        errorOf(() => assignPartitions(compo, uneven, DB)),
        'COLUMN_MISMATCH',
      ),
    ).toBe(true);
  });

  it('rejects an invalid scheme', () => {
    const scheme: PartitionScheme = { kind: 'VALUE', type: 'INT', values: [] };
    expect(
      isShoalError(
        errorOf(() => assignPartitions(scheme, [columnOf('INT', [])], DB)),
        'INVALID_PARTITION_SCHEME',
      ),
    ).toBe(true);
  });
});

describe('properties', () => {
  /** A scheme, a column type per level, and rows of values of those types. */
  const writes = schemeArbitrary.chain((scheme) => {
    const levels = levelsOf(scheme);
    return fc
      .tuple(...levels.map((level) => fc.constantFrom(...columnTypesFor(level.type))))
      .chain((types) =>
        fc.tuple(
          fc.constant(scheme),
          fc.constant(types),
          fc.array(fc.tuple(...types.map((type, l) => rowValueFor(levels[l]!, type))), {
            maxLength: 30,
          }),
        ),
      );
  });

  it('agrees with partitionKeyOf row by row, and rejects a row it has no partition for', () => {
    fc.assert(
      fc.property(writes, ([scheme, types, rows]) => {
        const columnsOf = (some: readonly (readonly CellValue[])[]): Column[] =>
          types.map((type, l) =>
            columnOf(
              type,
              some.map((row) => row[l]!),
            ),
          );
        const expected = rows.map((row) => partitionKeyOf(scheme, row, types));
        if (expected.includes(undefined)) {
          const error = errorOf(() => assignPartitions(scheme, columnsOf(rows), DB));
          expect(isShoalError(error, 'OUTSIDE_PARTITION_SCHEME')).toBe(true);
        }
        // The rows that have a partition, on their own.
        const inside = rows.filter((_, i) => expected[i] !== undefined);
        const { keys, rowPartition } = assignPartitions(scheme, columnsOf(inside), DB);
        expect([...rowPartition].map((p) => keys[p])).toEqual(
          expected.filter((key) => key !== undefined),
        );
        const all = partitionKeys(scheme);
        expect(keys).toEqual(all.filter((key) => keys.includes(key)));
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('scale', () => {
  it('assigns a 1.2M-row DATETIME column in one call', () => {
    const n = 1_200_000;
    const data = new Int32Array(n);
    for (let i = 0; i < n; i++) data[i] = JAN_1 + Math.floor((i * 365 * 86400) / n);
    const { keys, rowPartition } = assignPartitions(YEAR_2023, [{ type: 'DATETIME', data }], DB);
    expect(keys.length).toBe(365);
    expect(keys[0]).toBe('20230101');
    expect(keys[364]).toBe('20231231');
    for (const i of [0, 1, 4567, 600_000, n - 1]) {
      expect(keys[rowPartition[i]!]).toBe(partitionKeyOf(YEAR_2023, [data[i]!], ['DATETIME']));
    }
  });
});
