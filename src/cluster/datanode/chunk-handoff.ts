// Hands chunks of a streamed write from whoever receives them (HTTP parts, a fetch) to the
// write that consumes them, one at a time: the sender waits until the write is done with a
// chunk, so at most one chunk is held between them, and a write left waiting by a sender that
// is gone gives up after an idle timeout instead of holding its locks for ever.

import { assert } from '../../core/assert.ts';
import { ShoalError } from '../../core/errors.ts';

interface Pending<T> {
  readonly item: T;
  readonly taken: () => void;
  readonly refused: (error: Error) => void;
}

/** A one-chunk hand-off between a sender and an async iterating consumer. */
export class ChunkHandoff<T> implements AsyncIterable<T> {
  private readonly idleMillis: number;
  private readonly what: string;
  private pending: Pending<T> | undefined;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  /** `what` names the write in the timeout's message. */
  constructor(idleMillis: number, what: string) {
    this.idleMillis = idleMillis;
    this.what = what;
  }

  /**
   * Gives `item` to the consumer; resolves when the consumer is done with it (asks for the next
   * one, stops, or fails). One push at a time.
   */
  push(item: T): Promise<void> {
    assert(this.pending === undefined && !this.ended, 'one push at a time, none after end');
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { item, taken: resolve, refused: reject };
      this.wake?.();
    });
  }

  /** No more chunks: the consumer's iteration ends after the one pending. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** The consumer's iteration throws `error` (the sender gave up, or the write was discarded). */
  fail(error: Error): void {
    this.failure ??= error;
    // A chunk the consumer never took is refused: its sender must not wait for ever.
    this.pending?.refused(this.failure);
    this.pending = undefined;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      await this.arrival();
      if (this.failure !== undefined) throw this.failure;
      const pending = this.pending;
      if (pending === undefined) return; // ended
      this.pending = undefined;
      try {
        yield pending.item;
      } finally {
        pending.taken();
      }
    }
  }

  /** Waits for a chunk, the end or a failure; fails the hand-off after the idle timeout. */
  private async arrival(): Promise<void> {
    if (this.pending !== undefined || this.ended || this.failure !== undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      timer = setTimeout(() => {
        this.fail(
          new ShoalError(
            'TRANSACTION_ABORTED',
            `${this.what}: no data arrived for ${this.idleMillis / 1000} s, so the write was given up (its sender is gone)`,
          ),
        );
      }, this.idleMillis);
    });
    clearTimeout(timer);
    this.wake = undefined;
  }
}
