// sum and avg. Integer sums are exact LONGs (wrapping at 2^64 as DolphinDB's int64 does);
// FLOAT/DOUBLE sums and every avg fold doubles. State: the sum plus a LONG count of non-null
// values, so "all null" (null result) is told apart from a zero sum.

import { assert } from '../../core/assert.ts';
import { NULL_DOUBLE, NULL_INT64, nullOf, physicalKind } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { HIGH, LOW, halvesOf } from '../../core/types/int64-halves.ts';
import type { Accumulator } from './accumulator.ts';
import { doublesOf, isNullDouble } from './cell-views.ts';
import { countsToLong, grow, longToCounts } from './growth.ts';

/**
 * Rows folded into the pending double sums before they move to the bigint totals: each added
 * term is below 2^32 in magnitude, so 2^21 of them keep every pending sum exact (< 2^53).
 */
const EXACT_ROWS = 1 << 21;

/** sum of BOOL, CHAR, SHORT, INT or LONG: an exact LONG. */
export class IntegerSumAccumulator implements Accumulator {
  readonly stateTypes = ['LONG', 'LONG'] as const;
  readonly statesPerGroup = true;
  // Per-row work stays in doubles (no bigint allocation); totals take them every EXACT_ROWS.
  private totals = new BigInt64Array(16);
  private pendingHigh = new Float64Array(16);
  private pendingLow = new Float64Array(16);
  private pendingRows = 0;
  private counts = new Float64Array(16);

  add(groups: Int32Array, groupCount: number, input: Column | null, rows: number): void {
    assert(input !== null && physicalKind(input.type) !== 'text', 'sum needs an integer input');
    this.ensure(groupCount);
    for (let start = 0; start < rows; start += EXACT_ROWS) {
      const end = Math.min(rows, start + EXACT_ROWS);
      if (this.pendingRows + (end - start) > EXACT_ROWS) this.flush(groupCount);
      if (input.data instanceof BigInt64Array) this.addInt64(groups, input.data, start, end);
      else
        this.addSmall(groups, input.data as Int32Array, nullOf(input.type) as number, start, end);
      this.pendingRows += end - start;
    }
  }

  merge(groups: Int32Array, groupCount: number, states: readonly Column[]): void {
    this.ensure(groupCount);
    const sums = (states[0] as Column).data as BigInt64Array;
    const counts = longToCounts((states[1] as Column).data as BigInt64Array);
    for (let p = 0; p < sums.length; p++) {
      const g = groups[p] as number;
      this.totals[g] = (this.totals[g] as bigint) + (sums[p] as bigint);
      this.counts[g] = (this.counts[g] as number) + (counts[p] as number);
    }
  }

  states(groupCount: number): Column[] {
    this.ensure(groupCount);
    this.flush(groupCount);
    return [
      { type: 'LONG', data: this.totals.slice(0, groupCount) },
      { type: 'LONG', data: countsToLong(this.counts, groupCount) },
    ];
  }

  finish(groupCount: number): Column {
    this.ensure(groupCount);
    this.flush(groupCount);
    const out = this.totals.slice(0, groupCount);
    for (let g = 0; g < groupCount; g++) if (this.counts[g] === 0) out[g] = NULL_INT64;
    return { type: 'LONG', data: out };
  }

  private ensure(groupCount: number): void {
    this.totals = grow(this.totals, groupCount);
    this.pendingHigh = grow(this.pendingHigh, groupCount);
    this.pendingLow = grow(this.pendingLow, groupCount);
    this.counts = grow(this.counts, groupCount);
  }

  private addSmall(
    groups: Int32Array,
    data: Int8Array | Int16Array | Int32Array,
    sentinel: number,
    start: number,
    end: number,
  ): void {
    const { pendingLow, counts } = this;
    for (let i = start; i < end; i++) {
      const v = data[i] as number;
      if (v === sentinel) continue;
      const g = groups[i] as number;
      pendingLow[g] = (pendingLow[g] as number) + v;
      counts[g] = (counts[g] as number) + 1;
    }
  }

  // Reads int64 cells as (signed high, unsigned low) halves: value = high · 2^32 + low.
  private addInt64(groups: Int32Array, data: BigInt64Array, start: number, end: number): void {
    const { pendingHigh, pendingLow, counts } = this;
    const halves = halvesOf(data);
    for (let i = start; i < end; i++) {
      const high = halves[2 * i + HIGH] as number;
      const low = halves[2 * i + LOW] as number;
      if (high === -2147483648 && low === 0) continue; // the int64 null
      const g = groups[i] as number;
      pendingHigh[g] = (pendingHigh[g] as number) + high;
      pendingLow[g] = (pendingLow[g] as number) + (low >>> 0);
      counts[g] = (counts[g] as number) + 1;
    }
  }

  private flush(groupCount: number): void {
    const { totals, pendingHigh, pendingLow } = this;
    for (let g = 0; g < groupCount; g++) {
      const high = pendingHigh[g] as number;
      const low = pendingLow[g] as number;
      if (high === 0 && low === 0) continue;
      // Storing into a BigInt64Array wraps modulo 2^64, like int64 addition.
      totals[g] = (totals[g] as bigint) + (BigInt(high) << 32n) + BigInt(low);
      pendingHigh[g] = 0;
      pendingLow[g] = 0;
    }
    this.pendingRows = 0;
  }
}

/** sum of FLOAT or DOUBLE (`sum`), or avg of any arithmetic type (`avg`): folds doubles. */
export class DoubleSumAccumulator implements Accumulator {
  readonly stateTypes = ['DOUBLE', 'LONG'] as const;
  readonly statesPerGroup = true;
  private readonly mode: 'sum' | 'avg';
  private sums = new Float64Array(16);
  private counts = new Float64Array(16);

  constructor(mode: 'sum' | 'avg') {
    this.mode = mode;
  }

  add(groups: Int32Array, groupCount: number, input: Column | null, rows: number): void {
    assert(input !== null, `${this.mode} needs its input column`);
    const sums = (this.sums = grow(this.sums, groupCount));
    const counts = (this.counts = grow(this.counts, groupCount));
    const values = doublesOf(input);
    for (let i = 0; i < rows; i++) {
      const v = values[i] as number;
      if (isNullDouble(v)) continue;
      const g = groups[i] as number;
      sums[g] = (sums[g] as number) + v;
      counts[g] = (counts[g] as number) + 1;
    }
  }

  merge(groups: Int32Array, groupCount: number, states: readonly Column[]): void {
    const sums = (this.sums = grow(this.sums, groupCount));
    const counts = (this.counts = grow(this.counts, groupCount));
    const partialSums = (states[0] as Column).data as Float64Array;
    const partialCounts = longToCounts((states[1] as Column).data as BigInt64Array);
    for (let p = 0; p < partialSums.length; p++) {
      const g = groups[p] as number;
      sums[g] = (sums[g] as number) + (partialSums[p] as number);
      counts[g] = (counts[g] as number) + (partialCounts[p] as number);
    }
  }

  states(groupCount: number): Column[] {
    this.sums = grow(this.sums, groupCount);
    this.counts = grow(this.counts, groupCount);
    return [
      { type: 'DOUBLE', data: this.sums.slice(0, groupCount) },
      { type: 'LONG', data: countsToLong(this.counts, groupCount) },
    ];
  }

  finish(groupCount: number): Column {
    this.sums = grow(this.sums, groupCount);
    this.counts = grow(this.counts, groupCount);
    const out = new Float64Array(groupCount);
    for (let g = 0; g < groupCount; g++) {
      const n = this.counts[g] as number;
      const sum = this.sums[g] as number;
      out[g] = n === 0 ? NULL_DOUBLE : this.mode === 'sum' ? sum : sum / n;
    }
    return { type: 'DOUBLE', data: out };
  }
}
