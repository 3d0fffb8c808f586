// Proves where a master keeps its slaves' positions: a pull of a known slave changes them in
// memory only (a durable write per pull held the controller's event loop for an fsync every
// few milliseconds), a new slave is recorded at once, and a drop of finished tasks records
// every position with it, so a master that restarts never sees a slave behind what it
// dropped. How: a real MasterReplication on a real ControllerState (LMDB in a temp folder);
// a second MasterReplication on the same state stands for the restarted controller.

import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogChange } from '../storage/index.ts';
import type { MasterReplication } from './master-service.ts';
import type { PullRequest } from './master-service.ts';
import { tableColumn, tempControllerState, testMaster, testPull } from './test-support.ts';
import type { ControllerState } from '../cluster/controller/controller-state.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DB = 'dfs://positions';
const OTHER = 'dfs://others';
const CREATE = {
  kind: 'create-database',
  meta: { id: 1, name: DB, scheme: { kind: 'VALUE', type: 'INT', values: [1] } },
} as const satisfies CatalogChange;

/** A master on `state` that hands out every task at once. */
function masterOn(state: ControllerState): MasterReplication {
  return testMaster(state, 0);
}

function pullOf(after: number): PullRequest {
  return testPull(after, 0);
}

/** The slave's finished position as `master` reports it. */
async function finishedOf(master: MasterReplication): Promise<unknown[]> {
  const info = await master.functions().get('getRecentSlaveReplicationInfo')?.([]);
  return tableColumn(info as never, 'lastFinishedTaskId');
}

describe("a master's record of its slaves' positions", () => {
  it('is durable for a new slave and at each drop of tasks, not at every pull', async () => {
    const { state, dispose } = await tempControllerState();
    cleanups.push(dispose);
    const master = masterOn(state);
    master.enableDatabase(DB, true, CREATE, 'dn1'); // task 1
    master.enableDatabase(
      OTHER,
      true,
      { ...CREATE, meta: { ...CREATE.meta, id: 2, name: OTHER } },
      'dn1',
    ); // task 2
    expect((await master.pull(pullOf(0))).map((t) => t.taskId)).toEqual([1, 2]);
    // Finished task 1: in memory only, until the drop.
    master.report(pullOf(1));
    expect(await finishedOf(master)).toEqual([1]);
    expect(await finishedOf(masterOn(state))).toEqual([0]);
    master.truncate();
    expect(master.log.firstRetainedTaskId()).toBe(2);
    const restarted = masterOn(state);
    expect(await finishedOf(restarted)).toEqual([1]);
    // The restarted master serves the slave from where it is, and keeps task 2 for it.
    expect((await restarted.pull(pullOf(1))).map((t) => t.taskId)).toEqual([2]);
    restarted.truncate();
    expect(restarted.log.firstRetainedTaskId()).toBe(2);
  });

  it('records every position when a stopping master drains', async () => {
    const { state, dispose } = await tempControllerState();
    cleanups.push(dispose);
    const master = masterOn(state);
    master.enableDatabase(DB, true, CREATE, 'dn1');
    await master.pull(pullOf(0));
    master.report(pullOf(1));
    await master.drain(1000);
    expect(await finishedOf(masterOn(state))).toEqual([1]);
  });
});
