// A validated partition scheme in the form the other modules use: canonical values, a value →
// partition Map for VALUE and LIST, and the partition count. Built once per scheme object (a
// WeakMap cache): schemes are immutable, and a write must not re-validate a 1M-value scheme.

import { ShoalError } from '../errors.ts';
import { isColumnType, isNullValue } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { compareCells, isValidCell, normalizeCell } from './cell-values.ts';
import { MAX_HASH_BUCKETS, MAX_PARTITIONS } from './partition-scheme.ts';
import type { LevelScheme, PartitionScheme } from './partition-scheme.ts';
import { formatCell } from './value-format.ts';

interface LevelBase {
  readonly type: ColumnType;
  /** Number of partitions of the level. */
  readonly count: number;
}

/** One validated level. Values are canonical (normalizeCell); `lookup` maps each to its partition. */
export type LevelIndex =
  | (LevelBase & {
      readonly kind: 'VALUE';
      readonly values: readonly CellValue[];
      readonly lookup: ReadonlyMap<CellValue, number>;
    })
  | (LevelBase & {
      readonly kind: 'LIST';
      readonly lists: readonly (readonly CellValue[])[];
      readonly lookup: ReadonlyMap<CellValue, number>;
    })
  | (LevelBase & { readonly kind: 'RANGE'; readonly boundaries: readonly CellValue[] })
  | (LevelBase & { readonly kind: 'HASH'; readonly buckets: number });

/** A validated scheme: its levels and partition count. */
export interface SchemeIndex {
  /** One entry per level: one, or two for COMPO. */
  readonly levels: readonly LevelIndex[];
  /** Number of partitions: the product of the level counts. */
  readonly count: number;
}

const schemeCache = new WeakMap<PartitionScheme, SchemeIndex>();

/**
 * The index of `scheme`, validating it on first use. Throws ShoalError INVALID_PARTITION_SCHEME
 * naming the first problem found (see validateScheme for the rules).
 */
export function indexScheme(scheme: PartitionScheme): SchemeIndex {
  const cached = schemeCache.get(scheme);
  if (cached !== undefined) return cached;
  const levels = schemeLevelsOf(scheme).map(indexLevel);
  const count = levels.reduce((product, level) => product * level.count, 1);
  if (count > MAX_PARTITIONS) {
    invalid(
      `a scheme may have at most ${groupDigits(MAX_PARTITIONS)} partitions; this one has ${count}`,
    );
  }
  const index = { levels, count };
  schemeCache.set(scheme, index);
  return index;
}

/** 1000000 as 1,000,000 (no locale: messages must not depend on the platform). */
function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function invalid(message: string): never {
  throw new ShoalError('INVALID_PARTITION_SCHEME', message);
}

function schemeLevelsOf(scheme: PartitionScheme): readonly LevelScheme[] {
  if (scheme.kind !== 'COMPO') return [scheme];
  const levels: readonly PartitionScheme[] = Array.isArray(scheme.levels) ? scheme.levels : [];
  if (levels.length !== 2) invalid(`a COMPO scheme needs exactly two levels, not ${levels.length}`);
  return levels.map((level) => {
    if (level.kind === 'COMPO') invalid('a COMPO scheme cannot nest another COMPO scheme');
    return level;
  });
}

function indexLevel(level: LevelScheme): LevelIndex {
  const { kind, type } = level;
  if (!isColumnType(type)) invalid(`${String(type)} is not a column type`);
  switch (kind) {
    case 'VALUE':
      return indexValues(type, level.values);
    case 'LIST':
      return indexLists(type, level.lists);
    case 'RANGE':
      return indexRange(type, level.boundaries);
    case 'HASH':
      return indexHash(type, level.buckets);
    default:
      return invalid(`unknown partition scheme kind ${String((level as { kind: unknown }).kind)}`);
  }
}

function checkSize(kind: string, count: number): void {
  if (count > MAX_PARTITIONS) {
    invalid(
      `a scheme may have at most ${groupDigits(MAX_PARTITIONS)} partitions; ` +
        `this ${kind} scheme has ${count}`,
    );
  }
}

/** The canonical form of a scheme value; throws for a null or a value not of `type`. */
function schemeValue(type: ColumnType, value: CellValue): CellValue {
  if (isValidCell(type, value)) return normalizeCell(type, value);
  if (isNullValue(type, value)) invalid(`a partition scheme over ${type} cannot hold a null value`);
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value)
      : typeof value === 'bigint'
        ? `${value}n`
        : String(value);
  return invalid(`${shown} is not a valid ${type} value, in a partition scheme over ${type}`);
}

function indexValues(type: ColumnType, values: readonly CellValue[]): LevelIndex {
  if (values.length === 0) invalid(`a VALUE scheme over ${type} needs at least one value`);
  checkSize('VALUE', values.length);
  const canonical = values.map((v) => schemeValue(type, v));
  const lookup = new Map<CellValue, number>();
  canonical.forEach((value, i) => {
    if (lookup.has(value))
      invalid(`value ${formatCell(type, value)} appears twice in a VALUE scheme`);
    lookup.set(value, i);
  });
  return { kind: 'VALUE', type, count: canonical.length, values: canonical, lookup };
}

function indexLists(type: ColumnType, lists: readonly (readonly CellValue[])[]): LevelIndex {
  if (lists.length === 0) invalid(`a LIST scheme over ${type} needs at least one list`);
  checkSize('LIST', lists.length);
  const lookup = new Map<CellValue, number>();
  const canonical = lists.map((list, i) => {
    if (list.length === 0) invalid(`list ${i} of a LIST scheme over ${type} is empty`);
    return list.map((v) => {
      const value = schemeValue(type, v);
      const other = lookup.get(value);
      if (other !== undefined) {
        invalid(`value ${formatCell(type, value)} is in lists ${other} and ${i} of a LIST scheme`);
      }
      lookup.set(value, i);
      return value;
    });
  });
  return { kind: 'LIST', type, count: canonical.length, lists: canonical, lookup };
}

function indexRange(type: ColumnType, boundaries: readonly CellValue[]): LevelIndex {
  if (boundaries.length < 2) {
    invalid(`a RANGE scheme over ${type} needs at least two boundaries, not ${boundaries.length}`);
  }
  checkSize('RANGE', boundaries.length - 1);
  const canonical = boundaries.map((v) => schemeValue(type, v));
  for (let i = 1; i < canonical.length; i++) {
    const [lo, hi] = [canonical[i - 1]!, canonical[i]!];
    if (compareCells(lo, hi) >= 0) {
      invalid(
        `RANGE boundaries must be strictly ascending: ${formatCell(type, hi)} follows ${formatCell(type, lo)}`,
      );
    }
  }
  return { kind: 'RANGE', type, count: canonical.length - 1, boundaries: canonical };
}

function indexHash(type: ColumnType, buckets: number): LevelIndex {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_HASH_BUCKETS) {
    invalid(
      `a HASH scheme needs a whole number of buckets from 1 to ${MAX_HASH_BUCKETS}, not ${String(buckets)}`,
    );
  }
  return { kind: 'HASH', type, count: buckets, buckets };
}
