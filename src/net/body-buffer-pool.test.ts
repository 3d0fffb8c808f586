// Proves the body buffer pool lends a buffer again only once it is given back, never to two
// holders at once, picks the smallest that fits, and keeps no more than its idle bound.
// Buffers are compared by their ArrayBuffer: the same one means the memory was reused.

import { describe, expect, it } from 'vitest';
import { BodyBufferPool } from './body-buffer-pool.ts';
import { MIN_REUSED_BODY_BYTES, REUSED_BODY_GRANULE_BYTES } from './net-limits.ts';

const MIB = 1024 * 1024;

describe('BodyBufferPool', () => {
  it('lends a buffer of exactly the size asked, and the same memory once given back', () => {
    const pool = new BodyBufferPool(64 * MIB);
    const first = pool.lend(3 * MIB + 5);
    expect(first.length).toBe(3 * MIB + 5);
    expect(first.byteOffset).toBe(0);
    pool.giveBack(first);
    expect(pool.idleBytes).toBe(4 * MIB);
    const second = pool.lend(3 * MIB);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(3 * MIB);
    expect(pool.idleBytes).toBe(0);
  });

  it('never lends one buffer to two holders: a lent one is not lent again', () => {
    const pool = new BodyBufferPool(64 * MIB);
    const a = pool.lend(2 * MIB);
    const b = pool.lend(2 * MIB);
    expect(b.buffer).not.toBe(a.buffer);
    pool.giveBack(a);
    pool.giveBack(a); // a second give-back is ignored
    const c = pool.lend(2 * MIB);
    const d = pool.lend(2 * MIB);
    expect(c.buffer).toBe(a.buffer);
    expect(d.buffer).not.toBe(a.buffer);
    expect(d.buffer).not.toBe(b.buffer);
  });

  it('picks the smallest idle buffer that fits, and a new one when none does', () => {
    const pool = new BodyBufferPool(64 * MIB);
    const small = pool.lend(2 * MIB);
    const large = pool.lend(8 * MIB);
    pool.giveBack(large);
    pool.giveBack(small);
    expect(pool.lend(MIB + 1).buffer).toBe(small.buffer);
    const bigger = pool.lend(9 * MIB);
    expect(bigger.buffer).not.toBe(large.buffer);
    expect(pool.lend(5 * MIB).buffer).toBe(large.buffer);
  });

  it('lends small bodies fresh memory and keeps none of it', () => {
    const pool = new BodyBufferPool(64 * MIB);
    const small = pool.lend(MIN_REUSED_BODY_BYTES - 1);
    pool.giveBack(small);
    expect(pool.idleBytes).toBe(0);
    expect(pool.lend(MIN_REUSED_BODY_BYTES - 1).buffer).not.toBe(small.buffer);
  });

  it('ignores buffers it did not lend', () => {
    const pool = new BodyBufferPool(64 * MIB);
    pool.giveBack(new Uint8Array(4 * MIB));
    expect(pool.idleBytes).toBe(0);
  });

  it('keeps the largest idle buffers within its bound', () => {
    const pool = new BodyBufferPool(10 * MIB);
    const buffers = [4, 3, 5, 12].map((m) => pool.lend(m * MIB));
    for (const buffer of buffers) pool.giveBack(buffer);
    // 12 MiB is over the bound alone; of the rest, 5 + 4 fit and 3 more would not.
    expect(pool.idleBytes).toBe(9 * MIB);
    expect(pool.lend(5 * MIB).buffer).toBe(buffers[2]?.buffer);
    expect(pool.lend(4 * MIB).buffer).toBe(buffers[0]?.buffer);
    expect(pool.idleBytes).toBe(0);
  });

  it('sizes new buffers in granules, so nearly equal bodies share one', () => {
    const pool = new BodyBufferPool(64 * MIB);
    const first = pool.lend(REUSED_BODY_GRANULE_BYTES * 3 - 100);
    pool.giveBack(first);
    expect(pool.lend(REUSED_BODY_GRANULE_BYTES * 3).buffer).toBe(first.buffer);
  });
});
