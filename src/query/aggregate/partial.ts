// Aggregation in two steps: each partition folds its batches into a partial (key columns plus
// state columns, plain Columns so they travel as Arrow), then the partials of all partitions
// are merged in a fixed order and finished into result columns.

import { assert } from '../../core/assert.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import { columnLength } from '../../core/types/column.ts';
import type { Column } from '../../core/types/column.ts';
import type { Accumulator } from './accumulator.ts';
import type { AggregateSpec } from './aggregate-spec.ts';
import { createAccumulator } from './create-accumulator.ts';
import { GroupIndex } from './group-index.ts';

/**
 * A partition's (or any row set's) partial result: key columns + state columns per aggregate.
 * State columns have one row per group, except nunique's: (INT group id, value) pairs, one per
 * distinct non-null value of a group, grouped by group id.
 */
export interface PartialAggregate {
  readonly keys: readonly Column[]; // row g = group g
  readonly states: readonly (readonly Column[])[]; // states[a] = the state columns of aggregate a
}

/** Folds batches into a partial. */
export class PartialAggregator {
  private readonly specs: readonly AggregateSpec[];
  private readonly index: GroupIndex;
  private readonly accumulators: readonly Accumulator[];

  /** Throws TYPE_MISMATCH / INVALID_ARGUMENT (at the spec's position) for a bad argument type. */
  constructor(keyTypes: readonly ColumnType[], specs: readonly AggregateSpec[]) {
    this.specs = specs;
    this.index = new GroupIndex(keyTypes);
    this.accumulators = specs.map(createAccumulator);
  }

  /** keys: key columns of the batch; inputs[a]: the input column of aggregate a (null for count(*)). */
  add(keys: readonly Column[], inputs: readonly (Column | null)[], rows: number): void {
    assert(
      inputs.length === this.specs.length,
      `${inputs.length} inputs for ${this.specs.length} aggregates`,
    );
    this.specs.forEach((spec, a) => checkInput(spec, inputs[a] ?? null, rows));
    const groups = this.index.assign(keys, rows);
    const groupCount = this.index.size;
    this.accumulators.forEach((accumulator, a) =>
      accumulator.add(groups, groupCount, inputs[a] ?? null, rows),
    );
  }

  /** The partial of every batch added so far (adding may go on after). */
  finishPartial(): PartialAggregate {
    const groupCount = this.index.size;
    return {
      keys: this.index.keyColumns(),
      states: this.accumulators.map((accumulator) => accumulator.states(groupCount)),
    };
  }
}

/** Merges partials IN THE ORDER GIVEN (first/last depend on it) and finishes. */
export function mergePartials(
  keyTypes: readonly ColumnType[],
  specs: readonly AggregateSpec[],
  partials: readonly PartialAggregate[],
): { readonly keys: Column[]; readonly values: Column[] } {
  const index = new GroupIndex(keyTypes);
  const accumulators = specs.map(createAccumulator);
  for (const partial of partials) {
    const rows = partialGroups(partial, keyTypes.length);
    checkStates(partial, accumulators, rows);
    const groups = index.assign(partial.keys, rows);
    const groupCount = index.size;
    accumulators.forEach((accumulator, a) =>
      accumulator.merge(groups, groupCount, partial.states[a] as readonly Column[]),
    );
  }
  const groupCount = index.size;
  return {
    keys: index.keyColumns(),
    values: accumulators.map((accumulator) => accumulator.finish(groupCount)),
  };
}

function checkInput(spec: AggregateSpec, input: Column | null, rows: number): void {
  if (spec.inputType === null) {
    assert(input === null, `count(*) was given an input column`);
    return;
  }
  assert(input !== null, `${spec.name} was given no input column`);
  assert(
    input.type === spec.inputType,
    `${spec.name} input is ${input.type}, expected ${spec.inputType}`,
  );
  assert(columnLength(input) >= rows, `${spec.name} input has fewer than ${rows} rows`);
}

// A partial without keys is the one global group.
function partialGroups(partial: PartialAggregate, keyCount: number): number {
  const [first] = partial.keys;
  if (keyCount === 0 || first === undefined) return 1;
  const rows = columnLength(first);
  for (const key of partial.keys)
    assert(columnLength(key) === rows, 'partial key columns differ in length');
  return rows;
}

// Partials are built by this module, possibly on another node and through Arrow: check the
// shape after reading, so a broken one stops the merge instead of mixing up groups.
function checkStates(
  partial: PartialAggregate,
  accumulators: readonly Accumulator[],
  rows: number,
): void {
  assert(
    partial.states.length === accumulators.length,
    `partial has ${partial.states.length} aggregates, expected ${accumulators.length}`,
  );
  accumulators.forEach((accumulator, a) => {
    const states = partial.states[a] as readonly Column[];
    const types = states.map((state) => state.type).join(',');
    assert(
      types === accumulator.stateTypes.join(','),
      `aggregate ${a} state is (${types}), expected (${accumulator.stateTypes.join(',')})`,
    );
    if (!accumulator.statesPerGroup) return;
    for (const state of states)
      assert(
        columnLength(state) === rows,
        `aggregate ${a} state has ${columnLength(state)} rows for ${rows} groups`,
      );
  });
}
