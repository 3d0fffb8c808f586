// Proves the consistency comparison: merging data nodes' sums, and one row per table and
// partition of either side that matches exactly when both sides hold the same rows.
// How: hand-built sums, including tables and partitions present on one side only.

import { describe, expect, it } from 'vitest';
import { addRowSums, compareDatabaseSums, mergeDatabaseSums } from './consistency.ts';
import type { DatabaseSums, RowSum } from './consistency.ts';

const sum = (rows: number, lane1: number, lane2: number): RowSum => ({ rows, lane1, lane2 });

function sums(entries: Record<string, Record<string, RowSum>>): DatabaseSums {
  return new Map(
    Object.entries(entries).map(([table, parts]) => [table, new Map(Object.entries(parts))]),
  );
}

describe('addRowSums', () => {
  it('adds rows and wraps the lanes at 2^32', () => {
    expect(addRowSums(sum(1, 0xffffffff, 2), sum(2, 2, 3))).toEqual(sum(3, 1, 5));
  });
});

describe('mergeDatabaseSums', () => {
  it('adds the sums of a partition held by several nodes and keeps empty tables', () => {
    const merged = mergeDatabaseSums([
      sums({ t: { a: sum(1, 10, 20) }, empty: {} }),
      sums({ t: { a: sum(2, 1, 2), b: sum(1, 5, 5) } }),
    ]);
    expect(merged.get('t')?.get('a')).toEqual(sum(3, 11, 22));
    expect(merged.get('t')?.get('b')).toEqual(sum(1, 5, 5));
    expect(merged.get('empty')?.size).toBe(0);
  });
});

describe('compareDatabaseSums', () => {
  it('matches equal partitions and flags a partition whose rows differ', () => {
    const master = sums({ t: { a: sum(1, 1, 1), b: sum(2, 2, 2) } });
    const slave = sums({ t: { a: sum(1, 1, 1), b: sum(1, 2, 2) } });
    const rows = compareDatabaseSums('dfs://x', 7, master, slave);
    expect(rows.map((r) => [r.table, r.partition, r.taskId, r.match])).toEqual([
      ['t', 'a', 7, true],
      ['t', 'b', 7, false],
    ]);
  });

  it('treats a partition with rows on one side only as a difference', () => {
    const rows = compareDatabaseSums(
      'dfs://x',
      1,
      sums({ t: { a: sum(1, 1, 1) } }),
      sums({ t: { z: sum(1, 1, 1) } }),
    );
    expect(rows.map((r) => [r.partition, r.master?.rows, r.slave?.rows, r.match])).toEqual([
      ['a', 1, 0, false],
      ['z', 0, 1, false],
    ]);
  });

  it('shows a table missing on one side with a null sum, and an empty table once', () => {
    const rows = compareDatabaseSums(
      'dfs://x',
      3,
      sums({ gone: { a: sum(1, 1, 1) }, empty: {} }),
      sums({ empty: {} }),
    );
    expect(rows).toEqual([
      {
        db: 'dfs://x',
        table: 'empty',
        partition: '',
        taskId: 3,
        master: sum(0, 0, 0),
        slave: sum(0, 0, 0),
        match: true,
      },
      {
        db: 'dfs://x',
        table: 'gone',
        partition: 'a',
        taskId: 3,
        master: sum(1, 1, 1),
        slave: null,
        match: false,
      },
    ]);
  });
});
