// min and max of any type (text by string order, temporal by time). Nulls are skipped, so a
// group's state is null exactly while no value was seen: one column of the input type.

import { assert } from '../../core/assert.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import type { Accumulator } from './accumulator.ts';
import { cellsOf, isNullCell } from './cell-views.ts';
import { ValueSlots } from './value-slots.ts';

/** min or max over `inputType`. */
export class ExtremeAccumulator implements Accumulator {
  readonly stateTypes: readonly ColumnType[];
  readonly statesPerGroup = true;
  private readonly max: boolean;
  private readonly slots: ValueSlots;

  constructor(inputType: ColumnType, which: 'min' | 'max') {
    this.stateTypes = [inputType];
    this.max = which === 'max';
    this.slots = new ValueSlots(inputType);
  }

  add(groups: Int32Array, groupCount: number, input: Column | null, rows: number): void {
    assert(input !== null, 'min/max needs its input column');
    this.fold(groups, groupCount, cellsOf(input), rows);
  }

  // A partial's state is a column of candidates with nulls for empty groups: fold it like rows.
  merge(groups: Int32Array, groupCount: number, states: readonly Column[]): void {
    const candidates = cellsOf(states[0] as Column);
    this.fold(groups, groupCount, candidates, candidates.length);
  }

  states(groupCount: number): Column[] {
    return [this.finish(groupCount)];
  }

  finish(groupCount: number): Column {
    this.slots.ensure(groupCount);
    return this.slots.column(groupCount);
  }

  private fold(
    groups: Int32Array,
    groupCount: number,
    cells: ArrayLike<CellValue>,
    rows: number,
  ): void {
    const { slots, max } = this;
    const sentinel = slots.sentinel;
    slots.ensure(groupCount);
    for (let i = 0; i < rows; i++) {
      const v = cells[i] as CellValue;
      if (isNullCell(v, sentinel)) continue;
      const g = groups[i] as number;
      const current = slots.get(g);
      if (current === sentinel || (max ? less(current, v) : less(v, current))) slots.set(g, v);
    }
  }
}

// Both cells come from one column type, so both are numbers, bigints or strings, which JS `<`
// orders alike (strings by UTF-16 code unit, as compareCells does).
function less(a: CellValue, b: CellValue): boolean {
  return (a as number) < (b as number);
}
