import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppendBatches } from './append-batches.ts';

interface Item {
  readonly id: number;
  readonly rows: number;
  readonly definition: string;
}

const item = (id: number, rows: number, definition = 'v1'): Item => ({ id, rows, definition });

describe('AppendBatches', () => {
  it('starts a lone append at once, alone', () => {
    const batches = new AppendBatches<Item>({ maxBatchRows: 100, maxWaiting: 10 });
    expect(batches.arrive(item(1, 5))).toEqual({ kind: 'start', batch: [item(1, 5)] });
    expect(batches.idle).toBe(false);
    expect(batches.finished()).toBeNull();
    expect(batches.idle).toBe(true);
  });

  it('lets appends that arrive while a batch runs wait, then sends them together in order', () => {
    const batches = new AppendBatches<Item>({ maxBatchRows: 100, maxWaiting: 10 });
    batches.arrive(item(1, 5));
    expect(batches.arrive(item(2, 5))).toEqual({ kind: 'wait' });
    expect(batches.arrive(item(3, 5))).toEqual({ kind: 'wait' });
    expect(batches.finished()).toEqual([item(2, 5), item(3, 5)]);
    expect(batches.finished()).toBeNull();
    expect(batches.idle).toBe(true);
  });

  it('cuts the waiting appends into batches within maxBatchRows, never splitting one', () => {
    const batches = new AppendBatches<Item>({ maxBatchRows: 10, maxWaiting: 10 });
    batches.arrive(item(1, 1));
    for (const [id, rows] of [
      [2, 4],
      [3, 6],
      [4, 1],
      [5, 25],
      [6, 3],
    ] as const)
      batches.arrive(item(id, rows));
    expect(batches.finished()?.map((i) => i.id)).toEqual([2, 3]);
    expect(batches.finished()?.map((i) => i.id)).toEqual([4]);
    expect(batches.finished()?.map((i) => i.id)).toEqual([5]); // alone: over the limit by itself
    expect(batches.finished()?.map((i) => i.id)).toEqual([6]);
    expect(batches.finished()).toBeNull();
  });

  it('refuses appends beyond maxWaiting and takes them again once the queue drains', () => {
    const batches = new AppendBatches<Item>({ maxBatchRows: 1000, maxWaiting: 2 });
    batches.arrive(item(1, 1));
    batches.arrive(item(2, 1));
    batches.arrive(item(3, 1));
    expect(batches.arrive(item(4, 1))).toEqual({ kind: 'refuse', waiting: 2 });
    expect(batches.finished()?.map((i) => i.id)).toEqual([2, 3]);
    expect(batches.arrive(item(5, 1))).toEqual({ kind: 'wait' });
  });

  it('runs every accepted append exactly once, in arrival order, one batch at a time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(0)), { maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        (events, maxBatchRows) => {
          // A positive event is an append of that many rows; 0 ends the running batch.
          const batches = new AppendBatches<Item>({ maxBatchRows, maxWaiting: 1_000 });
          const started: Item[][] = [];
          let running = false;
          let next = 0;
          const end = () => {
            const batch = batches.finished();
            running = batch !== null;
            if (batch !== null) started.push([...batch]);
          };
          for (const event of events) {
            if (event === 0) {
              if (running) end();
              continue;
            }
            const arrival = batches.arrive(item(next++, event));
            if (arrival.kind === 'start') {
              expect(running).toBe(false);
              running = true;
              started.push([...arrival.batch]);
            }
          }
          while (running) end();
          expect(batches.idle).toBe(true);
          expect(started.flat().map((i) => i.id)).toEqual(
            Array.from({ length: next }, (_, i) => i),
          );
          for (const batch of started) {
            const rows = batch.reduce((n, i) => n + i.rows, 0);
            expect(batch.length === 1 || rows <= maxBatchRows).toBe(true);
          }
        },
      ),
    );
  });

  it('joins only appends of one definition: a DDL between two appends parts them', () => {
    const batches = new AppendBatches<Item>({ maxBatchRows: 100, maxWaiting: 10 });
    batches.arrive(item(1, 1));
    batches.arrive(item(2, 1));
    batches.arrive(item(3, 1, 'v2'));
    batches.arrive(item(4, 1, 'v2'));
    batches.arrive(item(5, 1));
    expect(batches.finished()?.map((i) => i.id)).toEqual([2]);
    expect(batches.finished()?.map((i) => i.id)).toEqual([3, 4]);
    expect(batches.finished()?.map((i) => i.id)).toEqual([5]);
    expect(batches.finished()).toBeNull();
  });
});
