// Proves temporal conversions floor to the period that holds a value (also before 1970), map nulls
// and unsupported pairs as documented, and that the column path equals the value path: golden tables plus fast-check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../errors.ts';
import { NULL_INT32, NULL_INT64, TEMPORAL_TYPES, physicalKind } from './column-type.ts';
import type { CellValue, ColumnType } from './column-type.ts';
import type { Column } from './column.ts';
import {
  canConvertTemporal,
  convertTemporalColumn,
  convertTemporalTicks,
  convertTemporalValue,
  isMonotoneTemporalConversion,
} from './temporal-convert.ts';

const MS_PER_DAY = 86_400_000;
/** 2023.01.08T10:15:30 in seconds. */
const SEC = 1673172930;
const NANO = 1673172930_123456789n;

/** Days since 1970-01-01 of the UTC date of `ms` per JS Date: an oracle independent of calendar.ts. */
function utcDaysOfMillis(ms: number): number {
  const d = new Date(ms);
  // Not Date.UTC: it reads years 0..99 as 1900..1999, which made this property fail at random.
  const midnight = new Date(0);
  midnight.setUTCFullYear(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return midnight.getTime() / MS_PER_DAY;
}

function utcMonthOfMillis(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function columnOf(type: ColumnType, values: readonly CellValue[]): Column {
  if (physicalKind(type) === 'int64') {
    return { type, data: BigInt64Array.from(values as bigint[]) } as Column;
  }
  return { type, data: Int32Array.from(values as number[]) } as Column;
}

function valuesOf(column: Column): CellValue[] {
  if (column.data instanceof BigInt64Array || column.data instanceof Int32Array)
    return [...column.data];
  throw new Error('not a temporal column');
}

describe('convertTemporalValue golden', () => {
  const cases: readonly (readonly [ColumnType, CellValue, ColumnType, CellValue])[] = [
    ['DATETIME', SEC, 'DATE', 19365],
    ['DATETIME', -1, 'DATE', -1],
    ['DATETIME', -86400, 'DATE', -1],
    ['DATETIME', -86401, 'DATE', -2],
    ['DATETIME', SEC, 'MONTH', 2023 * 12],
    ['DATETIME', -1, 'MONTH', 1969 * 12 + 11],
    ['TIMESTAMP', BigInt(SEC) * 1000n + 7n, 'DATE', 19365],
    ['TIMESTAMP', -1n, 'DATE', -1],
    ['NANOTIMESTAMP', NANO, 'DATE', 19365],
    ['NANOTIMESTAMP', -1n, 'DATE', -1],
    ['NANOTIMESTAMP', NANO, 'MONTH', 2023 * 12],
    ['DATE', 19365, 'MONTH', 2023 * 12],
    ['DATE', -1, 'MONTH', 1969 * 12 + 11],
    ['MONTH', 2023 * 12 + 1, 'DATE', 19389],
    ['DATE', 19365, 'DATETIME', 19365 * 86400],
    ['DATE', 19365, 'NANOTIMESTAMP', 19365n * 86_400_000_000_000n],
    ['DATETIME', SEC, 'TIMESTAMP', BigInt(SEC) * 1000n],
    ['TIMESTAMP', -1n, 'DATETIME', -1],
    ['NANOTIMESTAMP', NANO, 'TIMESTAMP', 1673172930123n],
    ['NANOTIMESTAMP', -1n, 'TIMESTAMP', -1n],
    ['NANOTIMESTAMP', NANO, 'DATETIME', SEC],
    ['TIMESTAMP', 1673172930123n, 'NANOTIMESTAMP', 1673172930_123000000n],
    ['DATETIME', SEC, 'TIME', 36930000],
    ['DATETIME', -1, 'SECOND', 86399],
    ['DATETIME', SEC, 'MINUTE', 615],
    ['TIMESTAMP', -1n, 'TIME', 86399999],
    ['NANOTIMESTAMP', NANO, 'NANOTIME', 36930_123456789n],
    ['NANOTIMESTAMP', NANO, 'TIME', 36930123],
    ['TIME', 36930123, 'SECOND', 36930],
    ['TIME', 36930123, 'MINUTE', 615],
    ['MINUTE', 615, 'TIME', 36900000],
    ['SECOND', 36930, 'NANOTIME', 36930_000000000n],
    ['NANOTIME', 36930_123456789n, 'TIME', 36930123],
    ['DATETIME', NULL_INT32, 'DATE', NULL_INT32],
    ['DATE', NULL_INT32, 'TIMESTAMP', NULL_INT64],
    ['NANOTIMESTAMP', NULL_INT64, 'MONTH', NULL_INT32],
    ['NANOTIME', NULL_INT64, 'SECOND', NULL_INT32],
    // Results the target cannot hold become its null.
    ['DATE', 1_000_000, 'DATETIME', NULL_INT32],
    ['TIMESTAMP', 2n ** 62n, 'NANOTIMESTAMP', NULL_INT64],
  ];
  it.each(cases)('%s %s → %s is %s', (from, value, to, expected) => {
    expect(convertTemporalValue(value, from, to)).toBe(expected);
  });

  it('returns the value unchanged for equal types, temporal or not', () => {
    expect(convertTemporalValue(5, 'INT', 'INT')).toBe(5);
    expect(convertTemporalValue(19365, 'DATE', 'DATE')).toBe(19365);
  });
});

describe('unsupported conversions', () => {
  const pairs: readonly (readonly [ColumnType, ColumnType])[] = [
    ['DATE', 'TIME'],
    ['MONTH', 'SECOND'],
    ['TIME', 'DATE'],
    ['NANOTIME', 'TIMESTAMP'],
    ['INT', 'DATE'],
    ['DATE', 'INT'],
    ['SYMBOL', 'DATE'],
  ];
  it.each(pairs)('%s → %s is TYPE_MISMATCH naming both types', (from, to) => {
    expect(canConvertTemporal(from, to)).toBe(false);
    const error = (() => {
      try {
        convertTemporalValue(0, from, to);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isShoalError(error, 'TYPE_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain(from);
    expect((error as Error).message).toContain(to);
    expect(() => convertTemporalColumn(columnOf('DATE', [1]), 'TIME')).toThrow(/DATE.*TIME/);
  });

  it('rejects a value whose physical form does not match its type', () => {
    expect(() => convertTemporalValue(5n, 'DATETIME', 'DATE')).toThrow(/physical DATETIME/);
  });

  it('reports which conversions keep order', () => {
    expect(isMonotoneTemporalConversion('DATETIME', 'DATE')).toBe(true);
    expect(isMonotoneTemporalConversion('MONTH', 'TIMESTAMP')).toBe(true);
    expect(isMonotoneTemporalConversion('DATETIME', 'TIME')).toBe(false);
    expect(isMonotoneTemporalConversion('DATE', 'TIME')).toBe(false);
  });

  it('converts ticks without range limits', () => {
    expect(convertTemporalTicks(1_000_000n, 'DATE', 'DATETIME')).toBe(86_400_000_000n);
  });
});

describe('properties', () => {
  it('DATETIME → DATE and → MONTH agree with the UTC date of JS Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483647, max: 2147483647 }), (seconds) => {
        expect(convertTemporalValue(seconds, 'DATETIME', 'DATE')).toBe(
          utcDaysOfMillis(seconds * 1000),
        );
        expect(convertTemporalValue(seconds, 'DATETIME', 'MONTH')).toBe(
          utcMonthOfMillis(seconds * 1000),
        );
      }),
    );
  });

  it('TIMESTAMP → DATE agrees with JS Date over its whole range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(convertTemporalValue(BigInt(ms), 'TIMESTAMP', 'DATE')).toBe(utcDaysOfMillis(ms));
      }),
      // 0099.12.31T23:59:59.999: the oracle once read year 99 as 1999 (CI seed 1383911335).
      { examples: [[-59011459200001]] },
    );
  });

  const supported = TEMPORAL_TYPES.flatMap((from) =>
    TEMPORAL_TYPES.filter((to) => canConvertTemporal(from, to)).map((to) => [from, to] as const),
  );

  /** Physical values of `type`: small, typical, extreme and null, to reach every column path. */
  function valueOf(type: ColumnType): fc.Arbitrary<CellValue> {
    if (physicalKind(type) === 'int64') {
      return fc.oneof(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }),
        fc.bigInt({ min: -(2n ** 20n), max: 2n ** 20n }),
        fc.bigInt({ min: 1_600_000_000_000_000_000n, max: 1_800_000_000_000_000_000n }),
        fc.constant(NULL_INT64),
      );
    }
    return fc.oneof(
      fc.integer({ min: -2147483648, max: 2147483647 }),
      fc.integer({ min: -100_000, max: 100_000 }),
      fc.constant(NULL_INT32),
    );
  }

  it('the column path equals the value path for every supported pair', () => {
    const arbitrary = fc
      .constantFrom(...supported)
      .chain(([from, to]) =>
        fc.tuple(fc.constant(from), fc.constant(to), fc.array(valueOf(from), { maxLength: 40 })),
      );
    fc.assert(
      fc.property(arbitrary, ([from, to, values]) => {
        const converted = convertTemporalColumn(columnOf(from, values), to);
        expect(converted.type).toBe(to);
        expect(valuesOf(converted)).toEqual(values.map((v) => convertTemporalValue(v, from, to)));
      }),
      { numRuns: 500 },
    );
  });

  it('monotone conversions keep order', () => {
    const monotone = supported.filter(([from, to]) => isMonotoneTemporalConversion(from, to));
    const arbitrary = fc
      .constantFrom(...monotone)
      .chain(([from, to]) =>
        fc.tuple(fc.constant(from), fc.constant(to), valueOf(from), valueOf(from)),
      );
    fc.assert(
      fc.property(arbitrary, ([from, to, a, b]) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const x = convertTemporalTicks(BigInt(lo), from, to);
        const y = convertTemporalTicks(BigInt(hi), from, to);
        expect(x <= y).toBe(true);
      }),
    );
  });
});

describe('columns', () => {
  it('returns the column itself for equal types', () => {
    const column = columnOf('DATE', [1, 2]);
    expect(convertTemporalColumn(column, 'DATE')).toBe(column);
  });

  it('converts 1.2M NANOTIMESTAMP rows to DATE in one call', () => {
    const n = 1_200_000;
    const data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) data[i] = NANO + BigInt(i) * 1_000_000_007n;
    const days = convertTemporalColumn({ type: 'NANOTIMESTAMP', data }, 'DATE').data as Int32Array;
    expect(days[0]).toBe(19365);
    expect(days[n - 1]).toBe(Number((NANO + BigInt(n - 1) * 1_000_000_007n) / 86_400_000_000_000n));
  });
});
