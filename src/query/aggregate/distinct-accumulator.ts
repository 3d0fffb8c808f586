// nunique: the number of distinct non-null values per group. Merging needs the values
// themselves, so the state is NOT one row per group: it is every (group, distinct value) pair,
// flattened into an INT group-id column and a value column of the input type, grouped by id.

import { assert } from '../../core/assert.ts';
import { nullOf } from '../../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import { columnFromValues } from '../../core/types/column-ops.ts';
import type { Column } from '../../core/types/column.ts';
import type { Accumulator } from './accumulator.ts';
import { cellsOf, isNullCell } from './cell-views.ts';

/** nunique over `inputType`; 0 for a group with no non-null value. */
export class DistinctAccumulator implements Accumulator {
  readonly stateTypes: readonly ColumnType[];
  readonly statesPerGroup = false;
  private readonly inputType: ColumnType;
  // One set per group (not per row); Set's SameValueZero equates bigints by value and −0 with 0.
  private readonly sets: Set<CellValue>[] = [];

  constructor(inputType: ColumnType) {
    this.inputType = inputType;
    this.stateTypes = ['INT', inputType];
  }

  add(groups: Int32Array, groupCount: number, input: Column | null, rows: number): void {
    assert(input !== null, 'nunique needs its input column');
    this.fold(groups, groupCount, null, cellsOf(input), rows);
  }

  merge(groups: Int32Array, groupCount: number, states: readonly Column[]): void {
    const owners = (states[0] as Column).data as Int32Array;
    const values = cellsOf(states[1] as Column);
    assert(owners.length === values.length, 'nunique state: group-id and value lengths differ');
    this.fold(groups, groupCount, owners, values, values.length);
  }

  states(groupCount: number): Column[] {
    this.ensure(groupCount);
    let total = 0;
    for (let g = 0; g < groupCount; g++) total += (this.sets[g] as Set<CellValue>).size;
    const owners = new Int32Array(total);
    const values = new Array<CellValue>(total);
    let row = 0;
    for (let g = 0; g < groupCount; g++) {
      for (const value of this.sets[g] as Set<CellValue>) {
        owners[row] = g;
        values[row++] = value;
      }
    }
    return [{ type: 'INT', data: owners }, columnFromValues(this.inputType, values)];
  }

  finish(groupCount: number): Column {
    this.ensure(groupCount);
    const out = new BigInt64Array(groupCount);
    for (let g = 0; g < groupCount; g++) out[g] = BigInt((this.sets[g] as Set<CellValue>).size);
    return { type: 'LONG', data: out };
  }

  private ensure(groupCount: number): void {
    while (this.sets.length < groupCount) this.sets.push(new Set());
  }

  // Row i belongs to groups[owners[i]] when owners is given (a partial), else to groups[i].
  private fold(
    groups: Int32Array,
    groupCount: number,
    owners: Int32Array | null,
    cells: ArrayLike<CellValue>,
    rows: number,
  ): void {
    this.ensure(groupCount);
    const sentinel = nullOf(this.inputType);
    for (let i = 0; i < rows; i++) {
      const v = cells[i] as CellValue;
      if (isNullCell(v, sentinel)) continue;
      const owner = owners === null ? i : (owners[i] as number);
      assert(owner >= 0 && owner < groups.length, `nunique state: group id ${owner} has no group`);
      (this.sets[groups[owner] as number] as Set<CellValue>).add(v);
    }
  }
}
