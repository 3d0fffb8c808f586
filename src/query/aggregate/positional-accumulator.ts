// first and last: the first or last row's value in input order, null or not (as DolphinDB).
// Because a null can be the answer, the state is the value column plus a BOOL "seen" column.

import { assert } from '../../core/assert.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import type { Accumulator } from './accumulator.ts';
import { cellsOf } from './cell-views.ts';
import { grow } from './growth.ts';
import { ValueSlots } from './value-slots.ts';

/** first or last over `inputType`; partials must be merged in input order. */
export class PositionalAccumulator implements Accumulator {
  readonly stateTypes: readonly ColumnType[];
  readonly statesPerGroup = true;
  private readonly last: boolean;
  private readonly slots: ValueSlots;
  private seen = new Uint8Array(16);

  constructor(inputType: ColumnType, which: 'first' | 'last') {
    this.stateTypes = [inputType, 'BOOL'];
    this.last = which === 'last';
    this.slots = new ValueSlots(inputType);
  }

  add(groups: Int32Array, groupCount: number, input: Column | null, rows: number): void {
    assert(input !== null, 'first/last needs its input column');
    this.fold(groups, groupCount, cellsOf(input), rows, null);
  }

  merge(groups: Int32Array, groupCount: number, states: readonly Column[]): void {
    const values = cellsOf(states[0] as Column);
    const seen = (states[1] as Column).data as Int8Array;
    this.fold(groups, groupCount, values, values.length, seen);
  }

  states(groupCount: number): Column[] {
    this.seen = grow(this.seen, groupCount);
    const seen = Int8Array.from(this.seen.subarray(0, groupCount));
    return [this.finish(groupCount), { type: 'BOOL', data: seen }];
  }

  finish(groupCount: number): Column {
    this.slots.ensure(groupCount);
    return this.slots.column(groupCount);
  }

  // Row i counts when `only` is null or only[i] is 1 (a partial's group that saw a row).
  private fold(
    groups: Int32Array,
    groupCount: number,
    cells: ArrayLike<CellValue>,
    rows: number,
    only: Int8Array | null,
  ): void {
    const { slots, last } = this;
    slots.ensure(groupCount);
    const seen = (this.seen = grow(this.seen, groupCount));
    for (let i = 0; i < rows; i++) {
      if (only !== null && only[i] === 0) continue;
      const g = groups[i] as number;
      if (last || seen[g] === 0) slots.set(g, cells[i] as CellValue);
      seen[g] = 1;
    }
  }
}
