// Proves a remembered grant holds for its time only, and the cache keeps at most its
// capacity, forgetting the oldest grant first.
import { describe, expect, it } from 'vitest';
import { RecentGrants } from './recent-grants.ts';

describe('RecentGrants', () => {
  it('holds a grant for ttlMillis, then asks again', () => {
    const grants = new RecentGrants(1000, 4);
    expect(grants.has('a', 0)).toBe(false);
    grants.grant('a', 100);
    expect(grants.has('a', 100)).toBe(true);
    expect(grants.has('a', 1099)).toBe(true);
    expect(grants.has('a', 1100)).toBe(false);
    expect(grants.has('b', 500)).toBe(false);
    grants.grant('a', 2000); // granted again: a fresh lapse
    expect(grants.has('a', 2999)).toBe(true);
  });

  it('keeps at most capacity tokens, forgetting the oldest grant', () => {
    const grants = new RecentGrants(1000, 2);
    grants.grant('a', 0);
    grants.grant('b', 1);
    grants.grant('a', 2); // renewed: now the newest
    grants.grant('c', 3);
    expect([grants.has('a', 4), grants.has('b', 4), grants.has('c', 4)]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('refuses a cache that could remember nothing', () => {
    expect(() => new RecentGrants(1000, 0)).toThrow();
  });
});
