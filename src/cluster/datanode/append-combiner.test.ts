import { describe, expect, it } from 'vitest';
import { isShoalError, ShoalError } from '../../core/errors.ts';
import { MAX_WAITING_APPENDS } from '../../core/limits.ts';
import type { Column } from '../../core/types/column.ts';
import type { PlannedRows } from '../../storage/index.ts';
import { AppendCombiner } from './append-combiner.ts';

/** The table definition plans are made against, unless a test says another. */
const TABLE_META = { name: 't' };

/** A plan of one INT column holding `values` (the combiner reads its columns and table). */
function planOf(values: readonly number[], table: object = TABLE_META): PlannedRows {
  const columns: Column[] = [{ type: 'INT', data: Int32Array.from(values) }];
  return { columns, parts: [], table } as unknown as PlannedRows;
}

function valuesOf(plan: PlannedRows): number[] {
  return [...((plan.columns[0] as Column).data as Int32Array)];
}

/** A committer whose commits finish when the test says, recording what they were given. */
class HeldCommitter {
  readonly commits: number[][] = [];
  readonly batches: number[] = [];
  private finishers: { resolve: () => void; reject: (error: Error) => void }[] = [];
  failNext: Error | undefined;

  commit(_db: string, _table: string, plan: PlannedRows): Promise<unknown> {
    this.commits.push(valuesOf(plan));
    return new Promise<void>((resolve, reject) => this.finishers.push({ resolve, reject }));
  }

  replan(_db: string, _table: string, columns: readonly Column[]): PlannedRows {
    return { columns, parts: [] } as unknown as PlannedRows;
  }

  committed(appends: number): void {
    this.batches.push(appends);
  }

  /** Ends the oldest running commit (with failNext, as a failure). */
  async finishOne(): Promise<void> {
    const finisher = this.finishers.shift();
    if (finisher === undefined) throw new Error('no commit runs');
    if (this.failNext === undefined) finisher.resolve();
    else finisher.reject(this.failNext);
    this.failNext = undefined;
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}

describe('AppendCombiner', () => {
  it('commits a lone append at once, with its own plan', async () => {
    const committer = new HeldCommitter();
    const combiner = new AppendCombiner('dn1', committer);
    const plan = planOf([1, 2, 3]);
    const rows = combiner.append('dfs://db', 't', plan);
    expect(committer.commits).toEqual([[1, 2, 3]]);
    await committer.finishOne();
    await expect(rows).resolves.toBe(3);
    expect(committer.batches).toEqual([1]);
  });

  it('commits appends that arrive during a commit together, each told its own rows', async () => {
    const committer = new HeldCommitter();
    const combiner = new AppendCombiner('dn1', committer);
    const first = combiner.append('dfs://db', 't', planOf([1]));
    const second = combiner.append('dfs://db', 't', planOf([2, 3]));
    const third = combiner.append('dfs://db', 't', planOf([4, 5, 6]));
    // Another table is not held up by this one.
    const other = combiner.append('dfs://db', 'u', planOf([9]));
    expect(committer.commits).toEqual([[1], [9]]);
    await committer.finishOne();
    expect(committer.commits).toEqual([[1], [9], [2, 3, 4, 5, 6]]);
    await committer.finishOne();
    await committer.finishOne();
    expect(await Promise.all([first, second, third, other])).toEqual([1, 2, 3, 1]);
    expect(committer.batches).toEqual([1, 1, 2]);
  });

  it('fails every append of a failed transaction with its error, and goes on with the next', async () => {
    const committer = new HeldCommitter();
    const combiner = new AppendCombiner('dn1', committer);
    const first = combiner.append('dfs://db', 't', planOf([1]));
    const second = combiner.append('dfs://db', 't', planOf([2]));
    const third = combiner.append('dfs://db', 't', planOf([3]));
    await committer.finishOne();
    const failure = new ShoalError('TRANSACTION_ABORTED', 'data node dn2 is down');
    committer.failNext = failure;
    const fourth = combiner.append('dfs://db', 't', planOf([4]));
    await committer.finishOne();
    await expect(second).rejects.toBe(failure);
    await expect(third).rejects.toBe(failure);
    await committer.finishOne();
    await expect(first).resolves.toBe(1);
    await expect(fourth).resolves.toBe(1);
    expect(committer.commits).toEqual([[1], [2, 3], [4]]);
    expect(committer.batches).toEqual([1, 1]);
  });

  it('refuses an append when MAX_WAITING_APPENDS wait already, naming the node and table', async () => {
    const committer = new HeldCommitter();
    const combiner = new AppendCombiner('dn1', committer);
    const accepted = Array.from({ length: MAX_WAITING_APPENDS + 1 }, (_, i) =>
      combiner.append('dfs://db', 't', planOf([i])),
    );
    const refused = await combiner.append('dfs://db', 't', planOf([0])).catch((e: unknown) => e);
    expect(isShoalError(refused, 'NODE_UNAVAILABLE')).toBe(true);
    expect(String(refused)).toMatch(/dn1 has 4096 appends to dfs:\/\/db\/t waiting/);
    await committer.finishOne();
    await committer.finishOne();
    expect((await Promise.all(accepted)).length).toBe(MAX_WAITING_APPENDS + 1);
  });

  it('does not join appends planned against different definitions of the table', async () => {
    const committer = new HeldCommitter();
    const combiner = new AppendCombiner('dn1', committer);
    const altered = { name: 't' }; // the table's entry after a DDL: another object
    const first = combiner.append('dfs://db', 't', planOf([1]));
    const older = combiner.append('dfs://db', 't', planOf([2]));
    const newer = [
      combiner.append('dfs://db', 't', planOf([3], altered)),
      combiner.append('dfs://db', 't', planOf([4], altered)),
    ];
    await committer.finishOne();
    await committer.finishOne();
    await committer.finishOne();
    expect(await Promise.all([first, older, ...newer])).toEqual([1, 1, 1, 1]);
    expect(committer.commits).toEqual([[1], [2], [3, 4]]);
  });
});
