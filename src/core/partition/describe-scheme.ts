// Short human descriptions of schemes, for messages: "VALUE over DATE 2023.01.01..2023.12.31",
// "RANGE over INT [0, 100) in 10 ranges", "HASH over SYMBOL into 10 buckets".

import { unreachable } from '../assert.ts';
import { physicalKind } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { compareCells } from './cell-values.ts';
import type { PartitionScheme } from './partition-scheme.ts';
import { indexScheme } from './scheme-index.ts';
import type { LevelIndex } from './scheme-index.ts';
import { formatCell } from './value-format.ts';

/**
 * A one-line description of `scheme`. VALUE shows its lowest..highest value (with the count
 * unless they are consecutive integers), RANGE its span and count, HASH its buckets, LIST its
 * lists, COMPO both levels. Throws ShoalError INVALID_PARTITION_SCHEME for an invalid scheme.
 */
export function describeScheme(scheme: PartitionScheme): string {
  const levels = indexScheme(scheme).levels.map(describeLevel);
  return levels.length === 1 ? levels.join('') : `COMPO of ${levels.join(' and ')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function describeLevel(level: LevelIndex): string {
  const over = `${level.kind} over ${level.type}`;
  switch (level.kind) {
    case 'VALUE':
      return `${over} ${describeValues(level.type, level.values)}`;
    case 'RANGE': {
      const lo = formatCell(level.type, level.boundaries[0]!);
      const hi = formatCell(level.type, level.boundaries[level.count]!);
      return `${over} [${lo}, ${hi}) in ${plural(level.count, 'range')}`;
    }
    case 'HASH':
      return `${over} into ${plural(level.buckets, 'bucket')}`;
    case 'LIST':
      return `${over} in ${plural(level.count, 'list')}`;
    default:
      return unreachable(level);
  }
}

function describeValues(type: ColumnType, values: readonly CellValue[]): string {
  const sorted = [...values].sort(compareCells);
  const shown = sorted.map((v) => formatCell(type, v));
  if (shown.length <= 2) return shown.join(', ');
  const span = `${shown[0]}..${shown[shown.length - 1]}`;
  return consecutive(type, sorted) ? span : `${span} (${values.length} values)`;
}

/** True when sorted integer values leave no gap, so "first..last" says it all. */
function consecutive(type: ColumnType, sorted: readonly CellValue[]): boolean {
  const kind = physicalKind(type);
  if (kind === 'text' || kind === 'float32' || kind === 'float64') return false;
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  return BigInt(last) - BigInt(first) + 1n === BigInt(sorted.length);
}
