// Proves ReadAhead reads a source ahead of its consumer by at most its depth, starts before
// the consumer asks, keeps the order, hands a source error over after the items before it,
// and on an early stop or a close ends the source and drops what was never consumed.

import { describe, expect, it } from 'vitest';
import { ReadAhead } from './read-ahead.ts';

/** A source of `count` numbers that counts its reads and records whether it was ended. */
function countingSource(count: number, failAt?: number) {
  const seen = { pulled: 0, ended: false };
  async function* items(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < count; i++) {
        if (i === failAt) throw new Error(`source failed at ${i}`);
        seen.pulled++;
        yield i;
      }
    } finally {
      seen.ended = true;
    }
  }
  return { seen, items: items() };
}

/** Resolves once `done` holds, checking after each turn of the event loop (1 s at most). */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 1000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 1 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets every pending promise settle. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('ReadAhead', () => {
  it('yields every item in order', async () => {
    const { items } = countingSource(50);
    const out: number[] = [];
    for await (const item of new ReadAhead(items, 2)) out.push(item);
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('reads before the consumer asks, and never more than depth items ahead', async () => {
    const { seen, items } = countingSource(10);
    const ahead = new ReadAhead(items, 2);
    ahead.start();
    await until(() => seen.pulled === 2);
    await settle();
    expect(seen.pulled).toBe(2);
    const iterator = ahead[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(0);
    // One taken: the reader reads one more, then waits again.
    await until(() => seen.pulled === 3);
    await settle();
    expect(seen.pulled).toBe(3);
    await iterator.return(undefined);
    expect(seen.ended).toBe(true);
  });

  it('hands a source error over after the items read before it', async () => {
    const { items } = countingSource(10, 3);
    const out: number[] = [];
    const run = async (): Promise<void> => {
      for await (const item of new ReadAhead(items, 4)) out.push(item);
    };
    await expect(run()).rejects.toThrow('source failed at 3');
    expect(out).toEqual([0, 1, 2]);
  });

  it('ends the source and drops the unconsumed items when the consumer stops early', async () => {
    const { seen, items } = countingSource(10);
    const dropped: number[] = [];
    const ahead = new ReadAhead(items, 3, (item) => dropped.push(item));
    for await (const item of ahead) {
      if (item === 1) {
        await until(() => seen.pulled === 5);
        break;
      }
    }
    expect(seen.ended).toBe(true);
    expect(dropped).toEqual([2, 3, 4]);
  });

  it('closed without being iterated: ends the source and drops what it read', async () => {
    const { seen, items } = countingSource(10);
    const dropped: number[] = [];
    const ahead = new ReadAhead(items, 2, (item) => dropped.push(item));
    ahead.start();
    await until(() => seen.pulled === 2);
    await ahead.close();
    expect(seen.ended).toBe(true);
    expect(dropped).toEqual([0, 1]);
  });

  it('closed without being started: reads nothing and ends the source', async () => {
    let ended = false;
    const source: AsyncIterator<number> & AsyncIterable<number> = {
      next: () => Promise.reject(new Error('never read')),
      return: () => {
        ended = true;
        return Promise.resolve({ done: true, value: undefined });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    await new ReadAhead(source, 1).close();
    expect(ended).toBe(true);
  });

  it('a consumer still waiting when the stream is closed gets an error, not a hang', async () => {
    let release: () => void = () => {};
    async function* stalled(): AsyncGenerator<number> {
      yield 0;
      await new Promise<void>((resolve) => (release = resolve));
      yield 1;
    }
    const ahead = new ReadAhead(stalled(), 1);
    const iterator = ahead[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(0);
    const waiting = iterator.next();
    await settle();
    const closed = ahead.close();
    release();
    await closed;
    await expect(waiting).rejects.toThrow('closed');
  });
});
