// Assigning the rows of a write to partitions: each level's column is brought to its scheme type,
// every row gets its level partition (assign-level.ts), and the pairs of a COMPO scheme combine
// into one partition number. Returns the distinct keys the rows fall in, in scheme order.

import { ShoalError } from '../errors.ts';
import { columnLength } from '../types/column.ts';
import type { Column } from '../types/column.ts';
import { isNullValue } from '../types/column-type.ts';
import type { CellValue } from '../types/column-type.ts';
import { assignLevel } from './assign-level.ts';
import { coerceColumn } from './column-coerce.ts';
import { describeScheme } from './describe-scheme.ts';
import { compositeKey } from './partition-keys.ts';
import type { PartitionScheme } from './partition-scheme.ts';
import { indexScheme } from './scheme-index.ts';
import type { LevelIndex } from './scheme-index.ts';
import { formatCell } from './value-format.ts';

/** Where the rows of one write go. */
export interface PartitionAssignment {
  /** The distinct keys of the partitions the rows fall in, in scheme order. */
  readonly keys: readonly string[];
  /** For each row, the index of its partition's key in `keys`. */
  readonly rowPartition: Int32Array;
}

/**
 * The partition of every row. `columns` holds the partition column of each level (one, or two for
 * COMPO), all of one length; a temporal column of another type than its level is converted first
 * (convertTemporalColumn), and SYMBOL and STRING are interchangeable. Throws ShoalError
 * COLUMN_MISMATCH for the wrong number or lengths of columns, TYPE_MISMATCH for a column that
 * cannot be partitioned by its level's type (naming both), OUTSIDE_PARTITION_SCHEME for the first
 * null or out-of-scheme value (printed, with `context.dbName` and the scheme described), and
 * INVALID_PARTITION_SCHEME for an invalid scheme. Zero rows give no keys.
 */
export function assignPartitions(
  scheme: PartitionScheme,
  columns: readonly Column[],
  context: { readonly dbName: string },
): PartitionAssignment {
  const { levels, count } = indexScheme(scheme);
  checkColumns(levels, columns);
  const rows = columns.length === 0 ? 0 : columnLength(columns[0]!);
  const rowPartition = scratch.take(0, rows);
  const parts = levels.map((level, l) => {
    const column = columns[l]!;
    const out = l === 0 ? rowPartition : scratch.take(1 + l, rows);
    assignLevel(level, coerceColumn(column, level.type, scratch.take(1, rows)), out);
    const outside = out.indexOf(-1);
    if (outside >= 0) throw outsideError(scheme, column, outside, context.dbName);
    return out;
  });
  const second = parts[1];
  if (second !== undefined) {
    const width = levels[1]!.count;
    for (let i = 0; i < rows; i++) rowPartition[i] = rowPartition[i]! * width + second[i]!;
  }
  const used = rows * 4 >= count ? compactDense(rowPartition, count) : compactSparse(rowPartition);
  const keys = used.map((partition) => compositeKey(levels, splitPartition(levels, partition)));
  // One partition: every row's index is 0, and new zeroed memory costs nothing until read.
  return { keys, rowPartition: used.length === 1 ? new Int32Array(rows) : rowPartition.slice() };
}

/**
 * Rows up to which the per-row arrays of assignPartitions are reused from call to call: on a
 * machine that faults in new memory slowly, the new arrays of the tutorial append's 1,210,000
 * rows took most of the 33 ms its assignment took. Larger writes get new arrays, so at most
 * 3 × 8 MiB stay allocated (slot 0: the row partitions; 1: a converted column; 2: a second
 * level's partitions).
 */
const SCRATCH_MAX_ROWS = 1 << 21;

/**
 * Int32 arrays reused by the (synchronous, so never overlapping) assignPartitions calls;
 * what they hold is never returned.
 */
class ScratchArrays {
  private readonly slots: Int32Array[] = [];

  /** An array of `rows` in slot `slot`, its content undefined: reused when small enough. */
  take(slot: number, rows: number): Int32Array {
    if (rows > SCRATCH_MAX_ROWS) return new Int32Array(rows);
    let array = this.slots[slot];
    if (array === undefined || array.length < rows) {
      array = new Int32Array(Math.min(SCRATCH_MAX_ROWS, Math.max(rows, 2 * (array?.length ?? 0))));
      this.slots[slot] = array;
    }
    return array.subarray(0, rows);
  }
}

const scratch = new ScratchArrays();

function checkColumns(levels: readonly LevelIndex[], columns: readonly Column[]): void {
  if (columns.length !== levels.length) {
    throw new ShoalError(
      'COLUMN_MISMATCH',
      `the partition scheme has ${levels.length} level(s), so a write needs ${levels.length} ` +
        `partition column(s), not ${columns.length}`,
    );
  }
  const lengths = new Set(columns.map(columnLength));
  if (lengths.size > 1) {
    throw new ShoalError(
      'COLUMN_MISMATCH',
      `partition columns differ in length: ${[...lengths].join(', ')}`,
    );
  }
}

function outsideError(
  scheme: PartitionScheme,
  column: Column,
  row: number,
  dbName: string,
): ShoalError {
  const value = cellAt(column, row);
  const where = `the partition scheme of ${dbName} (${describeScheme(scheme)})`;
  if (isNullValue(column.type, value)) {
    return new ShoalError(
      'OUTSIDE_PARTITION_SCHEME',
      `null (row ${row}) is outside ${where}: partition columns cannot hold nulls`,
    );
  }
  return new ShoalError(
    'OUTSIDE_PARTITION_SCHEME',
    `${formatCell(column.type, value)} is outside ${where}`,
  );
}

/** The physical value of one row, for the message. */
function cellAt(column: Column, row: number): CellValue {
  return column.type === 'SYMBOL'
    ? (column.data.dictionary[column.data.codes[row]!] ?? '')
    : column.data[row]!;
}

/** The level partitions of a combined partition number. */
function splitPartition(levels: readonly LevelIndex[], partition: number): number[] {
  const second = levels[1];
  if (second === undefined) return [partition];
  return [Math.floor(partition / second.count), partition % second.count];
}

/**
 * Renumbers `rowPartition` in place from partition numbers to indexes into the sorted list of
 * used partitions, which it returns. Dense: a table over all `count` partitions.
 */
function compactDense(rowPartition: Int32Array, count: number): number[] {
  const slot = new Int32Array(count).fill(-1);
  for (let i = 0; i < rowPartition.length; i++) slot[rowPartition[i]!] = 0;
  const used: number[] = [];
  for (let p = 0; p < count; p++) {
    if (slot[p] === 0) {
      slot[p] = used.length;
      used.push(p);
    }
  }
  for (let i = 0; i < rowPartition.length; i++) rowPartition[i] = slot[rowPartition[i]!]!;
  return used;
}

/** As compactDense, for few rows among many partitions: sorts the used ones instead. */
function compactSparse(rowPartition: Int32Array): number[] {
  const used = [...new Set(rowPartition)].sort((a, b) => a - b);
  const slot = new Map(used.map((p, i) => [p, i]));
  for (let i = 0; i < rowPartition.length; i++) rowPartition[i] = slot.get(rowPartition[i]!)!;
  return used;
}
