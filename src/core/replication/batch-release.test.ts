// Proves the channel's release rule (SPEC §7.2.1) at its boundaries: weight and age release
// at once, a batch stops at chunkSize, a heavier task goes alone. By direct calls.
import { describe, expect, it } from 'vitest';
import { releaseBatch } from './batch-release.ts';
import type { PendingTask, ReleaseConfig } from './batch-release.ts';

const config: ReleaseConfig = { intervalMillis: 3000, intervalOpers: 500, chunkSize: 500 };

function tasks(...weights: number[]): PendingTask[] {
  return weights.map((weight, i) => ({ taskId: i + 1, weight, submitMillis: 1000 + i }));
}

describe('releaseBatch', () => {
  it('is idle with nothing pending', () => {
    expect(releaseBatch([], 99_999, config)).toEqual({ kind: 'idle' });
  });

  it('waits until the oldest task has waited intervalMillis', () => {
    expect(releaseBatch(tasks(10, 10), 1000, config)).toEqual({ kind: 'wait', untilMillis: 4000 });
    expect(releaseBatch(tasks(10, 10), 3999, config)).toEqual({ kind: 'wait', untilMillis: 4000 });
    expect(releaseBatch(tasks(10, 10), 4000, config)).toEqual({ kind: 'release', count: 2 });
  });

  it('releases at once when the pending weight reaches intervalOpers', () => {
    expect(releaseBatch(tasks(250, 249), 1000, config).kind).toBe('wait');
    expect(releaseBatch(tasks(250, 250), 1000, config)).toEqual({ kind: 'release', count: 2 });
  });

  it('takes tasks while the cumulative weight stays within chunkSize', () => {
    expect(releaseBatch(tasks(200, 300, 1), 1000, config)).toEqual({ kind: 'release', count: 2 });
    expect(releaseBatch(tasks(200, 301), 1000, config)).toEqual({ kind: 'release', count: 1 });
  });

  it('sends a task heavier than chunkSize alone', () => {
    expect(releaseBatch(tasks(900, 1), 1000, config)).toEqual({ kind: 'release', count: 1 });
  });

  it('releases a partial batch of old tasks by age', () => {
    const small = { intervalMillis: 10, intervalOpers: 1_000_000, chunkSize: 2 };
    expect(releaseBatch(tasks(1, 1, 1), 1010, small)).toEqual({ kind: 'release', count: 2 });
  });
});
