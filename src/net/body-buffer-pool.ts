// Buffers for large request bodies (and other large transient bytes: fetched frames, file
// reads), kept from one use to the next. A new buffer's pages are
// touched for the first time when a body is copied in, and on a VM that first touch costs
// several milliseconds per megabyte (a 70 MB append: ~250 ms, more than its whole transfer); a
// buffer used before costs only the copy. Only a holder that keeps no view of a buffer after
// giving it back may borrow one: the next body overwrites it.

import { MIN_REUSED_BODY_BYTES, REUSED_BODY_GRANULE_BYTES } from './net-limits.ts';

/** Lends buffers of at least MIN_REUSED_BODY_BYTES again once given back; smaller ones are new. */
export class BodyBufferPool {
  private readonly maxIdleBytes: number;
  /** Buffers given back, waiting for a body; their bytes total at most maxIdleBytes. */
  private idle: ArrayBuffer[] = [];
  /**
   * Buffers lent and not given back: only these may come back (once). Weak, so one never
   * given back (its request was cut off) is simply collected.
   */
  private readonly lent = new WeakSet<ArrayBuffer>();

  /** A pool keeping at most `maxIdleBytes` of buffers nobody holds. */
  constructor(maxIdleBytes: number) {
    this.maxIdleBytes = maxIdleBytes;
  }

  /** Bytes held for reuse, not lent: what the pool costs while the node is idle. */
  get idleBytes(): number {
    return this.idle.reduce((sum, buffer) => sum + buffer.byteLength, 0);
  }

  /** A buffer of exactly `bytes` bytes: a view of the smallest idle buffer that fits, or new. */
  lend(bytes: number): Buffer {
    if (bytes < MIN_REUSED_BODY_BYTES) return Buffer.allocUnsafeSlow(bytes);
    let best = -1;
    this.idle.forEach((buffer, i) => {
      const smaller = best < 0 || buffer.byteLength < (this.idle[best] as ArrayBuffer).byteLength;
      if (buffer.byteLength >= bytes && smaller) best = i;
    });
    const buffer =
      best >= 0
        ? (this.idle.splice(best, 1)[0] as ArrayBuffer)
        : new ArrayBuffer(roundUp(bytes, REUSED_BODY_GRANULE_BYTES));
    this.lent.add(buffer);
    return Buffer.from(buffer, 0, bytes);
  }

  /**
   * Takes back a buffer lend() gave, once its holder is done with every view of it. A buffer
   * the pool did not lend, or already has back, is ignored: it can never be lent twice at once.
   * The largest idle buffers are kept, within maxIdleBytes.
   */
  giveBack(view: Uint8Array): void {
    const buffer = view.buffer;
    if (!(buffer instanceof ArrayBuffer) || !this.lent.delete(buffer)) return;
    if (buffer.byteLength > this.maxIdleBytes) return;
    this.idle.push(buffer);
    this.idle.sort((a, b) => b.byteLength - a.byteLength);
    let total = 0;
    this.idle = this.idle.filter((kept) => {
      if (total + kept.byteLength > this.maxIdleBytes) return false;
      total += kept.byteLength;
      return true;
    });
  }
}

function roundUp(value: number, granule: number): number {
  return Math.ceil(value / granule) * granule;
}
