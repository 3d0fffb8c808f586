// Picks the accumulator family for an aggregate, after checking its argument type (so a bad
// query fails at its position before any row is folded).

import { assert, unreachable } from '../../core/assert.ts';
import type { Accumulator } from './accumulator.ts';
import { aggregateResultType, isFloatType } from './aggregate-spec.ts';
import type { AggregateSpec } from './aggregate-spec.ts';
import { CountAccumulator } from './count-accumulator.ts';
import { DistinctAccumulator } from './distinct-accumulator.ts';
import { ExtremeAccumulator } from './extreme-accumulator.ts';
import { MomentAccumulator } from './moment-accumulator.ts';
import { PositionalAccumulator } from './positional-accumulator.ts';
import { DoubleSumAccumulator, IntegerSumAccumulator } from './sum-accumulators.ts';

/** A fresh accumulator for `spec`; throws TYPE_MISMATCH / INVALID_ARGUMENT as aggregateResultType. */
export function createAccumulator(spec: AggregateSpec): Accumulator {
  aggregateResultType(spec);
  const { name, inputType } = spec;
  if (name === 'count') return new CountAccumulator(inputType === null);
  assert(inputType !== null, `${name}(*) passed the type check`);
  switch (name) {
    case 'sum':
      return isFloatType(inputType) ? new DoubleSumAccumulator('sum') : new IntegerSumAccumulator();
    case 'avg':
      return new DoubleSumAccumulator('avg');
    case 'min':
    case 'max':
      return new ExtremeAccumulator(inputType, name);
    case 'first':
    case 'last':
      return new PositionalAccumulator(inputType, name);
    case 'std':
    case 'var':
      return new MomentAccumulator(name);
    case 'nunique':
      return new DistinctAccumulator(inputType);
    default:
      return unreachable(name);
  }
}
