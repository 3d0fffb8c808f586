// Reads a stream's items ahead of the consumer, so that receiving the next item overlaps
// with processing this one. A fetch consumed straight by its processor stops reading while
// the processor works (its socket pauses): a replicated append's 16 MB frames then arrived
// one after another with the processing in between, instead of beside it.

import { assert } from '../core/assert.ts';

type Slot<T> =
  | { readonly kind: 'item'; readonly item: T }
  | { readonly kind: 'end' }
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * The items of a source, in order, read up to `depth` items ahead of the consumer once
 * started: at most `depth` finished items wait besides the one being read, however slow the
 * consumer. A source error reaches the consumer after the items read before it. Iterate it
 * once. `close` (always call it, also when the iteration never began) stops the reading,
 * waits for the read in progress, ends the source and hands every item never consumed to
 * `dropped`, so the resources an item holds go back.
 */
export class ReadAhead<T> implements AsyncIterable<T> {
  private readonly source: AsyncIterator<T>;
  private readonly depth: number;
  private readonly dropped: (item: T) => void;
  private readonly slots: Slot<T>[] = [];
  private wakeConsumer: (() => void) | undefined;
  private wakeReader: (() => void) | undefined;
  private pump: Promise<void> | undefined;
  private stopped = false;
  private iterated = false;

  constructor(source: AsyncIterable<T>, depth: number, dropped: (item: T) => void = () => {}) {
    assert(Number.isSafeInteger(depth) && depth >= 1, 'read ahead by at least one item');
    this.source = source[Symbol.asyncIterator]();
    this.depth = depth;
    this.dropped = dropped;
  }

  /** Starts reading (iterating starts it too): before the consumer is ready for the items. */
  start(): void {
    this.pump ??= this.read();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    assert(!this.iterated, 'a read-ahead stream is iterated once');
    this.iterated = true;
    this.start();
    try {
      for (;;) {
        const slot = this.slots.shift() ?? (await this.nextSlot());
        this.wakeReader?.();
        switch (slot.kind) {
          case 'item':
            yield slot.item;
            break;
          case 'end':
            return;
          case 'failed':
            throw slot.error;
          default:
            assert(false, 'every slot is handled');
        }
      }
    } finally {
      // The consumer stopped early, or the items ended: nothing more is read either way.
      await this.close();
    }
  }

  /**
   * Stops reading; resolves once the source ended and unconsumed items were dropped. A
   * consumer still waiting for an item gets an error.
   */
  async close(): Promise<void> {
    this.stopped = true;
    this.wakeReader?.();
    // Never started, it reads nothing now and only ends the source.
    await (this.pump ??= this.read());
    for (const slot of this.slots.splice(0)) if (slot.kind === 'item') this.dropped(slot.item);
  }

  private nextSlot(): Promise<Slot<T>> {
    return new Promise((resolve) => {
      this.wakeConsumer = () => {
        this.wakeConsumer = undefined;
        resolve(this.slots.shift() as Slot<T>);
      };
    });
  }

  // A source error becomes the last slot; only ending the source (its return) can reject.
  private async read(): Promise<void> {
    let ended = false;
    try {
      while (!this.stopped) {
        if (this.slots.length >= this.depth) {
          await new Promise<void>((resolve) => (this.wakeReader = resolve));
          this.wakeReader = undefined;
          continue;
        }
        const next = await this.source.next();
        ended = next.done === true;
        this.put(ended ? { kind: 'end' } : { kind: 'item', item: next.value });
        if (ended) return;
      }
    } catch (error) {
      ended = true;
      this.put({ kind: 'failed', error });
    } finally {
      if (!ended) {
        await this.source.return?.();
        this.put({ kind: 'failed', error: new Error('the read-ahead stream was closed') });
      }
    }
  }

  private put(slot: Slot<T>): void {
    if (this.stopped && slot.kind === 'item') {
      this.dropped(slot.item);
      return;
    }
    this.slots.push(slot);
    this.wakeConsumer?.();
  }
}
