import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placePartitions } from './placement.ts';

describe('placePartitions', () => {
  it('spreads new keys over the least loaded nodes and keeps known owners', () => {
    const placed = new Map([['k1', 'dn1']]);
    const added = placePartitions(placed, ['k1', 'k2', 'k3', 'k2'], ['dn1', 'dn2']);
    expect([...added]).toEqual([
      ['k2', 'dn2'],
      ['k3', 'dn1'],
    ]);
  });

  it('never leaves two nodes more than one partition apart when starting empty', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        (keys, n) => {
          const nodes = Array.from({ length: n }, (_, i) => `dn${i + 1}`);
          const added = placePartitions(new Map(), keys, nodes);
          expect(added.size).toBe(keys.length);
          const counts = nodes.map((node) => [...added.values()].filter((o) => o === node).length);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
