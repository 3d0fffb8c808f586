// Proves writers are serialised per resource, shared holders coexist, waits are FIFO and
// bounded, and a timeout names the resource and the holder. Drives the LockManager directly.

import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import { LockManager } from './lock-manager.ts';

describe('LockManager', () => {
  it('lets shared holders in together and makes an exclusive one wait', async () => {
    const locks = new LockManager(1000);
    const a = await locks.acquire([{ resource: 'r', mode: 'shared' }], 'a');
    const b = await locks.acquire([{ resource: 'r', mode: 'shared' }], 'b');
    const order: string[] = [];
    const c = locks.acquire([{ resource: 'r', mode: 'exclusive' }], 'c').then((release) => {
      order.push('c');
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    b();
    (await c)();
    expect(order).toEqual(['c']);
  });

  it('grants waiters first come, first served', async () => {
    const locks = new LockManager(1000);
    const first = await locks.acquire([{ resource: 'p', mode: 'exclusive' }], 'first');
    const order: string[] = [];
    const waiters = ['w1', 'w2', 'w3'].map((name) =>
      locks.acquire([{ resource: 'p', mode: 'exclusive' }], name).then((release) => {
        order.push(name);
        release();
      }),
    );
    first();
    await Promise.all(waiters);
    expect(order).toEqual(['w1', 'w2', 'w3']);
  });

  it('fails a wait past the bound with LOCK_TIMEOUT naming resource and holder', async () => {
    const locks = new LockManager(20);
    const held = await locks.acquire([{ resource: 'db/t/p1', mode: 'exclusive' }], 'append(db/t)');
    const error = await locks
      .acquire([{ resource: 'db/t/p1', mode: 'exclusive' }], 'update(db/t)')
      .catch((e: unknown) => e);
    expect(isShoalError(error, 'LOCK_TIMEOUT')).toBe(true);
    expect((error as Error).message).toMatch(
      /update\(db\/t\) waited 20 ms for db\/t\/p1, held by append\(db\/t\)/,
    );
    held();
    (await locks.acquire([{ resource: 'db/t/p1', mode: 'exclusive' }], 'later'))();
  });

  it('releases what it took when a later lock of the same acquisition times out', async () => {
    const locks = new LockManager(20);
    const held = await locks.acquire([{ resource: 'b', mode: 'exclusive' }], 'holder');
    await expect(
      locks.acquire(
        [
          { resource: 'a', mode: 'exclusive' },
          { resource: 'b', mode: 'exclusive' },
        ],
        'both',
      ),
    ).rejects.toThrow(/waited/);
    (await locks.acquire([{ resource: 'a', mode: 'exclusive' }], 'a-only'))();
    held();
  });

  it('says whether an acquisition would wait: conflicting holders or queued writers', async () => {
    const locks = new LockManager(1000);
    const shared = [{ resource: 'r', mode: 'shared' as const }];
    const exclusive = [{ resource: 'r', mode: 'exclusive' as const }];
    expect(locks.wouldWait(exclusive)).toBe(false);
    const reader = await locks.acquire(shared, 'reader');
    expect(locks.wouldWait(shared)).toBe(false);
    expect(locks.wouldWait(exclusive)).toBe(true);
    const writer = locks.acquire(exclusive, 'writer');
    // A reader now queues behind the waiting writer (first come, first served).
    expect(locks.wouldWait(shared)).toBe(true);
    reader();
    (await writer)();
    expect(locks.wouldWait(exclusive)).toBe(false);
    expect(locks.wouldWait([{ resource: 'other', mode: 'exclusive' }])).toBe(false);
  });
});
