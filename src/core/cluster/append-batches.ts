// Group commit of small appends. Every append is a distributed transaction whose cost (files
// written, fsyncs, round trips to the controller) hardly depends on its rows, and appends to
// one partition take turns. So while one transaction of a table runs, the appends to that
// table that arrive wait, and go together as the next transaction once it ends: a lone
// append starts at once (no timer, no added latency), a crowd shares the cost.

import { assert } from '../assert.ts';

/** Bounds of combining: rows per transaction, and appends allowed to wait. */
export interface AppendBatchLimits {
  /** Most rows in one combined transaction (an append that alone exceeds it goes alone). */
  readonly maxBatchRows: number;
  /** Most appends waiting; more are refused. */
  readonly maxWaiting: number;
}

/** What to do with an append that arrives. */
export type AppendArrival<T> =
  | { readonly kind: 'start'; readonly batch: readonly T[] }
  | { readonly kind: 'wait' }
  | { readonly kind: 'refuse'; readonly waiting: number };

/** An append as AppendBatches sees it. */
export interface BatchedAppend {
  readonly rows: number;
  /**
   * What its rows were checked against (the table's definition): appends are joined only
   * while it is the same, so a DDL between two appends puts them in different batches.
   */
  readonly definition: unknown;
}

/**
 * The appends of one table on one coordinator: at most one transaction (batch) runs; the
 * appends that arrive meanwhile wait in order and leave as the next batches, each within
 * `maxBatchRows` (an append is never split) and of one definition. Pure: the caller runs the
 * batches it is given and reports their end.
 */
export class AppendBatches<T extends BatchedAppend> {
  private readonly limits: AppendBatchLimits;
  private waiting: T[] = [];
  private running = false;

  constructor(limits: AppendBatchLimits) {
    assert(limits.maxBatchRows > 0 && limits.maxWaiting > 0, 'append batch limits are positive');
    this.limits = limits;
  }

  /** True when no batch runs and none waits: the table's entry can be forgotten. */
  get idle(): boolean {
    return !this.running && this.waiting.length === 0;
  }

  /** An append arrives: start it now as a batch of its own, let it wait, or refuse it. */
  arrive(item: T): AppendArrival<T> {
    if (!this.running) {
      assert(this.waiting.length === 0, 'appends wait only while a batch runs');
      this.running = true;
      return { kind: 'start', batch: [item] };
    }
    if (this.waiting.length >= this.limits.maxWaiting)
      return { kind: 'refuse', waiting: this.waiting.length };
    this.waiting.push(item);
    return { kind: 'wait' };
  }

  /** The running batch ended (committed or not): the next batch to start, or null if none. */
  finished(): readonly T[] | null {
    assert(this.running, 'a batch ends only while one runs');
    if (this.waiting.length === 0) {
      this.running = false;
      return null;
    }
    const definition = (this.waiting[0] as T).definition;
    let rows = 0;
    let count = 0;
    for (const item of this.waiting) {
      if (count > 0 && rows + item.rows > this.limits.maxBatchRows) break;
      if (item.definition !== definition) break;
      rows += item.rows;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }
}
