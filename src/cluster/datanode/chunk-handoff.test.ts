// Proves the one-chunk hand-off of streamed writes: a push resolves only once the consumer is
// done with its chunk (so one chunk is held between them), end stops the iteration after the
// last chunk, a failure reaches the consumer and refuses a chunk it never took, and a consumer
// left waiting gives up after the idle timeout with TRANSACTION_ABORTED.
// How: a real hand-off between async functions; the idle timeout is a real 20 ms timer.

import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../core/errors.ts';
import { ChunkHandoff } from './chunk-handoff.ts';

describe('ChunkHandoff', () => {
  it('resolves a push once the consumer is done with the chunk', async () => {
    const handoff = new ChunkHandoff<number>(60_000, 'test write');
    const events: string[] = [];
    const consumer = (async () => {
      for await (const chunk of handoff) {
        events.push(`take ${chunk}`);
        await Promise.resolve();
        events.push(`done ${chunk}`);
      }
      events.push('end');
    })();
    for (const chunk of [1, 2, 3]) {
      await handoff.push(chunk);
      events.push(`pushed ${chunk}`);
    }
    handoff.end();
    await consumer;
    expect(events).toEqual([
      'take 1',
      'done 1',
      'pushed 1',
      'take 2',
      'done 2',
      'pushed 2',
      'take 3',
      'done 3',
      'pushed 3',
      'end',
    ]);
  });

  it('fails the consumer and refuses a chunk it never took', async () => {
    const handoff = new ChunkHandoff<number>(60_000, 'test write');
    const pushed = handoff.push(1); // nobody consumes yet
    handoff.fail(new Error('sender gone'));
    await expect(pushed).rejects.toThrow('sender gone');
    const consumed = (async () => {
      for await (const chunk of handoff) expect(chunk).toBe(-1);
    })();
    await expect(consumed).rejects.toThrow('sender gone');
    await expect(handoff.push(2)).rejects.toThrow('sender gone');
  });

  it('gives up after the idle timeout when no chunk arrives', async () => {
    const handoff = new ChunkHandoff<number>(20, 'streamed append of cluster transaction 7');
    const error = await (async () => {
      for await (const chunk of handoff) expect(chunk).toBe(-1);
    })().catch((e: unknown) => e);
    expect(isShoalError(error, 'TRANSACTION_ABORTED')).toBe(true);
    expect(String(error)).toMatch(/transaction 7: no data arrived for 0.02 s/);
  });
});
