// Sessions the controller authorized lately for one purpose, remembered briefly by a data
// node so that a burst of requests on one session asks the controller once, not per request.
// A logout or a revoked privilege reaches such requests after at most the remembered time.

import { assert } from '../../core/assert.ts';

/** Tokens authorized at some time, each remembered for `ttlMillis`; at most `capacity`. */
export class RecentGrants {
  private readonly ttlMillis: number;
  private readonly capacity: number;
  /** Token → when its grant lapses; in the order they were granted (oldest first). */
  private readonly lapses = new Map<string, number>();

  constructor(ttlMillis: number, capacity: number) {
    assert(ttlMillis >= 0 && capacity >= 1, 'a grant cache remembers at least one token');
    this.ttlMillis = ttlMillis;
    this.capacity = capacity;
  }

  /** Whether `token` was granted less than ttlMillis before `nowMillis`. */
  has(token: string, nowMillis: number): boolean {
    const lapse = this.lapses.get(token);
    if (lapse === undefined) return false;
    if (lapse > nowMillis) return true;
    this.lapses.delete(token);
    return false;
  }

  /** Remembers that the controller authorized `token` at `nowMillis` (the oldest goes when full). */
  grant(token: string, nowMillis: number): void {
    this.lapses.delete(token);
    if (this.lapses.size >= this.capacity) {
      const oldest = this.lapses.keys().next();
      if (oldest.done !== true) this.lapses.delete(oldest.value);
    }
    this.lapses.set(token, nowMillis + this.ttlMillis);
  }
}
