// Serialises writers. Locks are named resources (a database, a table, a partition) taken
// shared or exclusive, always in one canonical order so two writers cannot deadlock, and
// waited for at most `timeoutMillis`: past it the writer gets LOCK_TIMEOUT naming the
// resource and the operation that holds it. Readers never lock (they read a snapshot).

import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';

export type LockMode = 'shared' | 'exclusive';

export interface LockRequest {
  readonly resource: string;
  readonly mode: LockMode;
}

interface Waiter {
  readonly mode: LockMode;
  readonly owner: string;
  readonly grant: () => void;
}

interface LockState {
  mode: LockMode;
  readonly holders: Map<number, string>;
  readonly waiters: Waiter[];
}

/** Releases every lock of one acquisition; idempotent. */
export type LockRelease = () => void;

export class LockManager {
  private readonly locks = new Map<string, LockState>();
  private nextTicket = 1;
  private readonly timeoutMillis: number;

  constructor(timeoutMillis: number) {
    assert(timeoutMillis > 0, 'lock timeout must be positive');
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Takes every lock in `requests` (sorted into canonical order; a resource named twice is
   * taken in the stronger mode) for `owner`, a description used in timeout messages.
   */
  async acquire(requests: readonly LockRequest[], owner: string): Promise<LockRelease> {
    const ticket = this.nextTicket++;
    const ordered = canonical(requests);
    const taken: string[] = [];
    try {
      for (const { resource, mode } of ordered) {
        await this.take(resource, mode, ticket, owner);
        taken.push(resource);
      }
    } catch (error) {
      for (const resource of taken) this.release(resource, ticket);
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const resource of taken) this.release(resource, ticket);
    };
  }

  /**
   * Whether acquire(requests) would wait now: one of the resources is held in a mode that
   * conflicts, or has writers queued for it (background work skips such resources).
   */
  wouldWait(requests: readonly LockRequest[]): boolean {
    return requests.some(({ resource, mode }) => {
      const state = this.locks.get(resource);
      if (state === undefined) return false;
      return state.waiters.length > 0 || mode === 'exclusive' || state.mode === 'exclusive';
    });
  }

  private take(resource: string, mode: LockMode, ticket: number, owner: string): Promise<void> {
    const state = this.locks.get(resource);
    if (state === undefined) {
      this.locks.set(resource, { mode, holders: new Map([[ticket, owner]]), waiters: [] });
      return Promise.resolve();
    }
    if (state.waiters.length === 0 && mode === 'shared' && state.mode === 'shared') {
      state.holders.set(ticket, owner);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        mode,
        owner,
        grant: () => {
          clearTimeout(timer);
          state.holders.set(ticket, owner);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const index = state.waiters.indexOf(waiter);
        assert(index >= 0, 'timed-out waiter not queued');
        state.waiters.splice(index, 1);
        const holders = [...state.holders.values()].join(', ');
        reject(
          new ShoalError(
            'LOCK_TIMEOUT',
            `${owner} waited ${this.timeoutMillis} ms for ${resource}, held by ${holders}: retry when that operation ends`,
          ),
        );
        this.grantWaiters(resource, state);
      }, this.timeoutMillis);
      state.waiters.push(waiter);
    });
  }

  private release(resource: string, ticket: number): void {
    const state = this.locks.get(resource);
    assert(state !== undefined && state.holders.delete(ticket), `releasing ${resource} not held`);
    this.grantWaiters(resource, state);
  }

  /** Grants queued waiters in FIFO order while they are compatible with the holders. */
  private grantWaiters(resource: string, state: LockState): void {
    while (state.waiters.length > 0) {
      const next = state.waiters[0] as Waiter;
      const free = state.holders.size === 0;
      if (!free && !(next.mode === 'shared' && state.mode === 'shared')) break;
      state.waiters.shift();
      state.mode = next.mode;
      next.grant();
    }
    if (state.holders.size === 0 && state.waiters.length === 0) this.locks.delete(resource);
  }
}

function canonical(requests: readonly LockRequest[]): LockRequest[] {
  const strongest = new Map<string, LockMode>();
  for (const { resource, mode } of requests) {
    if (strongest.get(resource) !== 'exclusive') strongest.set(resource, mode);
  }
  return [...strongest.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([resource, mode]) => ({ resource, mode }));
}
