// Growing a scheme, as DolphinDB's addValuePartitions and addRangePartitions: new VALUE values are
// appended, new RANGE boundaries extend past the last one. Existing partitions never change, so
// their keys, and the data under them, stay valid.

import { ShoalError } from '../errors.ts';
import type { CellValue } from '../types/column-type.ts';
import { compareCells, isValidCell, normalizeCell } from './cell-values.ts';
import type { LevelScheme, PartitionScheme } from './partition-scheme.ts';
import { indexScheme } from './scheme-index.ts';
import { formatCell } from './value-format.ts';

/**
 * `scheme` with `values` appended as new partitions of its VALUE level `level` (0, or 1 of a
 * COMPO); a value given twice is added once. Returns `scheme` itself for no values. Throws
 * ShoalError PARTITION_EXISTS when a value already has a partition, INVALID_ARGUMENT when level
 * `level` does not exist or is not VALUE, INVALID_PARTITION_SCHEME for a null or wrongly typed
 * value, or a result beyond MAX_PARTITIONS (and for an invalid `scheme`).
 */
export function addValuePartitions(
  scheme: PartitionScheme,
  values: readonly CellValue[],
  level = 0,
): PartitionScheme {
  const target = levelOf(scheme, level);
  if (target.kind !== 'VALUE') throw notKind('VALUE', target, level);
  if (values.length === 0) return scheme;
  const existing = new Set(target.values.map(canonical(target)));
  const added: CellValue[] = [];
  const seen = new Set<CellValue>();
  for (const value of values) {
    const v = canonical(target)(value);
    if (existing.has(v)) {
      throw new ShoalError(
        'PARTITION_EXISTS',
        `a partition for ${formatCell(target.type, v)} already exists in the VALUE scheme over ${target.type}`,
      );
    }
    if (seen.has(v)) continue;
    seen.add(v);
    added.push(value);
  }
  return grown(scheme, level, { ...target, values: [...target.values, ...added] });
}

/**
 * `scheme` with its RANGE level `level` (0, or 1 of a COMPO) extended by `boundaries`, which must
 * ascend strictly from above the current last boundary: each adds the partition [previous, it).
 * Returns `scheme` itself for no boundaries. Throws ShoalError INVALID_PARTITION_SCHEME for a
 * boundary not above the one before it, a null or wrongly typed boundary, or a result beyond
 * MAX_PARTITIONS; INVALID_ARGUMENT when level `level` does not exist or is not RANGE.
 */
export function addRangePartitions(
  scheme: PartitionScheme,
  boundaries: readonly CellValue[],
  level = 0,
): PartitionScheme {
  const target = levelOf(scheme, level);
  if (target.kind !== 'RANGE') throw notKind('RANGE', target, level);
  if (boundaries.length === 0) return scheme;
  let previous = target.boundaries[target.boundaries.length - 1]!;
  for (const boundary of boundaries) {
    // Invalid values are left to the validation of the result, which names them.
    if (!isValidCell(target.type, boundary)) break;
    const next = normalizeCell(target.type, boundary);
    if (compareCells(next, normalizeCell(target.type, previous)) <= 0) {
      throw new ShoalError(
        'INVALID_PARTITION_SCHEME',
        `new RANGE boundary ${formatCell(target.type, next)} must be above ${formatCell(target.type, previous)}`,
      );
    }
    previous = next;
  }
  return grown(scheme, level, { ...target, boundaries: [...target.boundaries, ...boundaries] });
}

function canonical(target: LevelScheme): (value: CellValue) => CellValue {
  return (value) => (isValidCell(target.type, value) ? normalizeCell(target.type, value) : value);
}

/** Level `level` of a validated `scheme`; INVALID_ARGUMENT when there is none. */
function levelOf(scheme: PartitionScheme, level: number): LevelScheme {
  indexScheme(scheme);
  const levels = scheme.kind === 'COMPO' ? scheme.levels : [scheme];
  const target = Number.isInteger(level) ? levels[level] : undefined;
  if (target === undefined || target.kind === 'COMPO') {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `the partition scheme has no level ${level}; levels count from 0`,
    );
  }
  return target;
}

function notKind(kind: string, target: LevelScheme, level: number): ShoalError {
  return new ShoalError(
    'INVALID_ARGUMENT',
    `level ${level} of the partition scheme is ${target.kind}, not ${kind}: only ${kind} partitions can be added this way`,
  );
}

/** `scheme` with level `level` replaced by `replacement`, validated. */
function grown(scheme: PartitionScheme, level: number, replacement: LevelScheme): PartitionScheme {
  const result: PartitionScheme =
    scheme.kind !== 'COMPO'
      ? replacement
      : {
          kind: 'COMPO',
          levels: level === 0 ? [replacement, scheme.levels[1]] : [scheme.levels[0], replacement],
        };
  indexScheme(result);
  return result;
}
