// The partition of one row given as values: the scalar counterpart of assignPartitions.

import { ShoalError } from '../errors.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { hasPhysicalForm } from './cell-values.ts';
import { coerceValue } from './column-coerce.ts';
import { levelPartitionOf } from './level-lookup.ts';
import { compositeKey } from './partition-keys.ts';
import type { PartitionScheme } from './partition-scheme.ts';
import { indexScheme } from './scheme-index.ts';

/**
 * The key of the partition holding a row whose partition columns have `values` of `valueTypes`
 * (one each per level), or undefined when a value is null or outside the scheme. Types convert as
 * in assignPartitions. Throws ShoalError INVALID_ARGUMENT when the counts do not match the
 * levels, TYPE_MISMATCH for a type that cannot be partitioned by its level or a value that is not
 * a physical value of its type, INVALID_PARTITION_SCHEME for an invalid scheme.
 */
export function partitionKeyOf(
  scheme: PartitionScheme,
  values: readonly CellValue[],
  valueTypes: readonly ColumnType[],
): string | undefined {
  const { levels } = indexScheme(scheme);
  if (values.length !== levels.length || valueTypes.length !== levels.length) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `the partition scheme has ${levels.length} level(s): give one value and one type for each`,
    );
  }
  const parts: number[] = [];
  for (const [l, level] of levels.entries()) {
    const value = values[l]!;
    const type = valueTypes[l]!;
    if (!hasPhysicalForm(type, value)) {
      throw new ShoalError('TYPE_MISMATCH', `${String(value)} is not a physical ${type} value`);
    }
    const partition = levelPartitionOf(level, coerceValue(value, type, level.type));
    if (partition < 0) return undefined;
    parts.push(partition);
  }
  return compositeKey(levels, parts);
}
