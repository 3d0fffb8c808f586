// std and var, the sample versions (divide by n − 1). Welford's update per value and Chan's
// parallel formula per merge keep them stable where the sum of squares would cancel.
// State: LONG n, DOUBLE mean, DOUBLE m2 (the sum of squared deviations from the mean).

import { assert } from '../../core/assert.ts';
import { NULL_DOUBLE } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import type { Accumulator } from './accumulator.ts';
import { doublesOf, isNullDouble } from './cell-views.ts';
import { countsToLong, grow, longToCounts } from './growth.ts';

/** std or var of any arithmetic type; null for fewer than two non-null values. */
export class MomentAccumulator implements Accumulator {
  readonly stateTypes = ['LONG', 'DOUBLE', 'DOUBLE'] as const;
  readonly statesPerGroup = true;
  private readonly std: boolean;
  private n = new Float64Array(16);
  private mean = new Float64Array(16);
  private m2 = new Float64Array(16);

  constructor(which: 'std' | 'var') {
    this.std = which === 'std';
  }

  add(groups: Int32Array, groupCount: number, input: Column | null, rows: number): void {
    assert(input !== null, 'std/var needs its input column');
    this.ensure(groupCount);
    const { n, mean, m2 } = this;
    const values = doublesOf(input);
    for (let i = 0; i < rows; i++) {
      const v = values[i] as number;
      if (isNullDouble(v)) continue;
      const g = groups[i] as number;
      const count = (n[g] as number) + 1;
      const delta = v - (mean[g] as number);
      const nextMean = (mean[g] as number) + delta / count;
      n[g] = count;
      mean[g] = nextMean;
      m2[g] = (m2[g] as number) + delta * (v - nextMean);
    }
  }

  merge(groups: Int32Array, groupCount: number, states: readonly Column[]): void {
    this.ensure(groupCount);
    const { n, mean, m2 } = this;
    const partialN = longToCounts((states[0] as Column).data as BigInt64Array);
    const partialMean = (states[1] as Column).data as Float64Array;
    const partialM2 = (states[2] as Column).data as Float64Array;
    for (let p = 0; p < partialN.length; p++) {
      const nb = partialN[p] as number;
      if (nb === 0) continue;
      const g = groups[p] as number;
      const na = n[g] as number;
      const count = na + nb;
      const delta = (partialMean[p] as number) - (mean[g] as number);
      n[g] = count;
      mean[g] = (mean[g] as number) + (delta * nb) / count;
      m2[g] = (m2[g] as number) + (partialM2[p] as number) + (delta * delta * na * nb) / count;
    }
  }

  states(groupCount: number): Column[] {
    this.ensure(groupCount);
    return [
      { type: 'LONG', data: countsToLong(this.n, groupCount) },
      { type: 'DOUBLE', data: this.mean.slice(0, groupCount) },
      { type: 'DOUBLE', data: this.m2.slice(0, groupCount) },
    ];
  }

  finish(groupCount: number): Column {
    this.ensure(groupCount);
    const out = new Float64Array(groupCount);
    for (let g = 0; g < groupCount; g++) {
      const count = this.n[g] as number;
      const variance = (this.m2[g] as number) / (count - 1);
      out[g] = count < 2 ? NULL_DOUBLE : this.std ? Math.sqrt(variance) : variance;
    }
    return { type: 'DOUBLE', data: out };
  }

  private ensure(groupCount: number): void {
    this.n = grow(this.n, groupCount);
    this.mean = grow(this.mean, groupCount);
    this.m2 = grow(this.m2, groupCount);
  }
}
