// The contract every aggregate family implements: fold rows of a batch, or the state columns
// of a partial, into per-group state indexed by dense group id, then emit states or results.

import type { ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';

/**
 * Per-group state of one aggregate. Group ids are dense and only grow: every call passes the
 * current group count, and the accumulator grows its arrays to it.
 */
export interface Accumulator {
  /** Types of the state columns, in order. */
  readonly stateTypes: readonly ColumnType[];
  /** True when every state column has one row per group (false for nunique, see there). */
  readonly statesPerGroup: boolean;
  /** Folds row i of `input` (null for count(*)) into group groups[i], for i < rows. */
  add(groups: Int32Array, groupCount: number, input: Column | null, rows: number): void;
  /** Folds a partial's state columns; groups[p] is the group of the partial's group p. */
  merge(groups: Int32Array, groupCount: number, states: readonly Column[]): void;
  /** The state columns of groups 0 … groupCount − 1 (copies: folding may go on after). */
  states(groupCount: number): Column[];
  /** The result column of groups 0 … groupCount − 1. */
  finish(groupCount: number): Column;
}
