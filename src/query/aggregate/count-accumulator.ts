// count(*) counts rows; count(x) counts rows where x is not null. State: one LONG per group.

import { assert } from '../../core/assert.ts';
import { nullOf } from '../../core/types/column-type.ts';
import type { CellValue } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import type { Accumulator } from './accumulator.ts';
import { cellsOf, isNullCell } from './cell-views.ts';
import { countsToLong, grow } from './growth.ts';

/** count(*) when `star`, else count(x). */
export class CountAccumulator implements Accumulator {
  readonly stateTypes = ['LONG'] as const;
  readonly statesPerGroup = true;
  private readonly star: boolean;
  // Doubles count exactly up to 2^53 rows and update without allocating, unlike bigints.
  private counts = new Float64Array(16);

  constructor(star: boolean) {
    this.star = star;
  }

  add(groups: Int32Array, groupCount: number, input: Column | null, rows: number): void {
    const counts = (this.counts = grow(this.counts, groupCount));
    if (this.star) {
      // One group (a global count, the monitoring query): every row is in group 0.
      if (groupCount === 1) {
        counts[0] = (counts[0] as number) + rows;
        return;
      }
      for (let i = 0; i < rows; i++) {
        const g = groups[i] as number;
        counts[g] = (counts[g] as number) + 1;
      }
      return;
    }
    assert(input !== null, 'count(x) needs its input column');
    const cells = cellsOf(input);
    const sentinel = nullOf(input.type);
    for (let i = 0; i < rows; i++) {
      if (isNullCell(cells[i] as CellValue, sentinel)) continue;
      const g = groups[i] as number;
      counts[g] = (counts[g] as number) + 1;
    }
  }

  merge(groups: Int32Array, groupCount: number, states: readonly Column[]): void {
    const counts = (this.counts = grow(this.counts, groupCount));
    const partial = (states[0] as Column).data as BigInt64Array;
    for (let p = 0; p < partial.length; p++) {
      const g = groups[p] as number;
      counts[g] = (counts[g] as number) + Number(partial[p] as bigint);
    }
  }

  states(groupCount: number): Column[] {
    return [this.finish(groupCount)];
  }

  finish(groupCount: number): Column {
    this.counts = grow(this.counts, groupCount);
    return { type: 'LONG', data: countsToLong(this.counts, groupCount) };
  }
}
