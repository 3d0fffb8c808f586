// Test support (not shipped code): fast-check arbitraries for partition schemes, columns and
// predicates over small domains, so generated values often hit scheme values and boundaries.

import fc from 'fast-check';
import { nullOf, physicalKind } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import type { Column } from '../types/column.ts';
import { compareCells, normalizeCell } from './cell-values.ts';
import type { PartitionPredicate } from './partition-predicate.ts';
import type { LevelScheme, PartitionScheme } from './partition-scheme.ts';

/** Scheme types the properties cover, with the column types that convert to each. */
export const SCHEME_TYPES: readonly ColumnType[] = [
  'INT',
  'LONG',
  'DATE',
  'MONTH',
  'DATETIME',
  'TIMESTAMP',
  'SECOND',
  'SYMBOL',
  'STRING',
  'DOUBLE',
  'FLOAT',
  'SHORT',
];

const COLUMN_TYPES_FOR: Partial<Record<ColumnType, readonly ColumnType[]>> = {
  DATE: ['DATE', 'DATETIME', 'TIMESTAMP', 'NANOTIMESTAMP', 'MONTH'],
  MONTH: ['MONTH', 'DATE', 'DATETIME', 'TIMESTAMP', 'NANOTIMESTAMP'],
  DATETIME: ['DATETIME', 'DATE', 'TIMESTAMP', 'NANOTIMESTAMP'],
  TIMESTAMP: ['TIMESTAMP', 'DATETIME', 'NANOTIMESTAMP', 'DATE'],
  SECOND: ['SECOND', 'TIME', 'MINUTE', 'DATETIME', 'TIMESTAMP', 'NANOTIME'],
  SYMBOL: ['SYMBOL', 'STRING'],
  STRING: ['STRING', 'SYMBOL'],
};

/** Column types whose values a scheme over `type` accepts. */
export function columnTypesFor(type: ColumnType): readonly ColumnType[] {
  return COLUMN_TYPES_FOR[type] ?? [type];
}

const DAY0 = 19000; // 2022.01.08
const TEXT = fc.constantFrom('A', 'B', 'C', 'AB', 'a', 'b_c', 'x/y', '.', 'é', '%41', ' ', '🐚');

/** Non-null values of `type` from a small domain around 2022.01 (temporal) or 0 (numbers). */
export function valueOf(type: ColumnType): fc.Arbitrary<CellValue> {
  switch (type) {
    case 'BOOL':
      return fc.constantFrom(0, 1);
    case 'CHAR':
    case 'SHORT':
    case 'INT':
      return fc.integer({ min: -40, max: 40 });
    case 'LONG':
      return fc.oneof(fc.bigInt({ min: -40n, max: 40n }), fc.constantFrom(2n ** 60n, -(2n ** 62n)));
    case 'FLOAT':
      return fc.constantFrom(-2.5, -1, -0, 0, 0.1, 1, 1.5, 3, 1e30).map(Math.fround);
    case 'DOUBLE':
      return fc.constantFrom(-2.5, -1, -0, 0, 0.1, 1, 1.5, 3, 1e300, -Infinity);
    case 'DATE':
      return fc.integer({ min: DAY0, max: DAY0 + 40 });
    case 'MONTH':
      return fc.integer({ min: 2022 * 12, max: 2022 * 12 + 3 });
    case 'DATETIME':
      return fc.integer({ min: DAY0 * 86400, max: (DAY0 + 40) * 86400 });
    case 'TIMESTAMP':
      return fc
        .integer({ min: DAY0 * 86400, max: (DAY0 + 40) * 86400 })
        .map((s) => BigInt(s) * 1000n + 999n);
    case 'NANOTIMESTAMP':
      return fc
        .integer({ min: DAY0 * 86400, max: (DAY0 + 40) * 86400 })
        .map((s) => BigInt(s) * 1_000_000_000n + 7n);
    case 'TIME':
      return fc.integer({ min: 0, max: 86_399_999 });
    case 'MINUTE':
      return fc.integer({ min: 0, max: 1439 });
    case 'SECOND':
      return fc.integer({ min: 0, max: 86399 });
    case 'NANOTIME':
      return fc.integer({ min: 0, max: 86399 }).map((s) => BigInt(s) * 1_000_000_000n + 5n);
    case 'SYMBOL':
    case 'STRING':
      return TEXT;
  }
}

/** Values of `type` with nulls now and then. */
export function cellOf(type: ColumnType): fc.Arbitrary<CellValue> {
  return fc.oneof(
    { weight: 12, arbitrary: valueOf(type) },
    { weight: 1, arbitrary: fc.constant(nullOf(type)) },
  );
}

function distinct(type: ColumnType, min: number, max: number): fc.Arbitrary<CellValue[]> {
  return fc.uniqueArray(valueOf(type), {
    minLength: min,
    maxLength: max,
    selector: (v) => normalizeCell(type, v),
    comparator: 'SameValueZero',
  });
}

/** A valid non-COMPO scheme over `type`. */
export function levelSchemeOf(type: ColumnType): fc.Arbitrary<LevelScheme> {
  return fc.oneof(
    distinct(type, 1, 12).map((values): LevelScheme => ({ kind: 'VALUE', type, values })),
    distinct(type, 2, 8).map((values): LevelScheme => ({
      kind: 'RANGE',
      type,
      boundaries: [...values].sort(compareCells),
    })),
    fc
      .integer({ min: 1, max: 12 })
      .map((buckets): LevelScheme => ({ kind: 'HASH', type, buckets })),
    fc
      .tuple(distinct(type, 1, 10), fc.array(fc.nat(), { minLength: 10, maxLength: 10 }))
      .map(([values, picks]): LevelScheme => {
        const lists: CellValue[][] = [];
        values.forEach((v, i) => {
          const list = lists[(picks[i] ?? 0) % (lists.length + 1)];
          if (list === undefined) lists.push([v]);
          else list.push(v);
        });
        return { kind: 'LIST', type, lists };
      }),
  );
}

/** A valid scheme, one or two levels, with its level types. */
export const schemeArbitrary: fc.Arbitrary<PartitionScheme> = fc.oneof(
  fc.constantFrom(...SCHEME_TYPES).chain(levelSchemeOf),
  fc
    .tuple(fc.constantFrom(...SCHEME_TYPES), fc.constantFrom(...SCHEME_TYPES))
    .chain(([a, b]) => fc.tuple(levelSchemeOf(a), levelSchemeOf(b)))
    .map(([a, b]): PartitionScheme => ({ kind: 'COMPO', levels: [a, b] })),
);

/** The levels of a valid scheme. */
export function levelsOf(scheme: PartitionScheme): readonly LevelScheme[] {
  return scheme.kind === 'COMPO' ? (scheme.levels as readonly LevelScheme[]) : [scheme];
}

/** A column of `type` holding `values` (SYMBOL dictionary-encoded, with an unused entry). */
export function columnOf(type: ColumnType, values: readonly CellValue[]): Column {
  const kind = physicalKind(type);
  switch (kind) {
    case 'text': {
      const texts = values as readonly string[];
      if (type === 'STRING') return { type, data: texts };
      const dictionary = ['unused', ...new Set(texts)];
      const codes = Int32Array.from(texts, (t) => dictionary.indexOf(t));
      return { type: 'SYMBOL', data: { codes, dictionary } };
    }
    case 'int8':
      return { type, data: Int8Array.from(values as number[]) } as Column;
    case 'int16':
      return { type, data: Int16Array.from(values as number[]) } as Column;
    case 'int32':
      return { type, data: Int32Array.from(values as number[]) } as Column;
    case 'int64':
      return { type, data: BigInt64Array.from(values as bigint[]) } as Column;
    case 'float32':
      return { type, data: Float32Array.from(values as number[]) } as Column;
    case 'float64':
      return { type, data: Float64Array.from(values as number[]) } as Column;
  }
}

/** A predicate on values of `type`. */
export function predicateOf(type: ColumnType): fc.Arbitrary<PartitionPredicate> {
  const bound = fc.option(cellOf(type), { nil: undefined });
  return fc.oneof(
    fc.constant<PartitionPredicate>({ kind: 'all' }),
    cellOf(type).map((value): PartitionPredicate => ({ kind: 'eq', type, value })),
    fc
      .array(cellOf(type), { maxLength: 4 })
      .map((values): PartitionPredicate => ({ kind: 'in', type, values })),
    fc
      .tuple(bound, bound, fc.boolean(), fc.boolean())
      .map(([low, high, lowInclusive, highInclusive]): PartitionPredicate => ({
        kind: 'range',
        type,
        ...(low === undefined ? {} : { low }),
        ...(high === undefined ? {} : { high }),
        lowInclusive,
        highInclusive,
      })),
  );
}

/** Values of column type `type` for a level: often values of the scheme itself, when types agree. */
export function rowValueFor(level: LevelScheme, type: ColumnType): fc.Arbitrary<CellValue> {
  const same =
    type === level.type || (physicalKind(type) === 'text' && physicalKind(level.type) === 'text');
  const inside =
    level.kind === 'VALUE'
      ? level.values
      : level.kind === 'LIST'
        ? level.lists.flat()
        : level.kind === 'RANGE'
          ? level.boundaries
          : [];
  if (!same || inside.length === 0) return cellOf(type);
  return fc.oneof(cellOf(type), fc.constantFrom(...inside));
}
