// checkClusterReplicationConsistency([db]) on a slave controller (SPEC §5, §7.5): for each
// database, the master's per-partition checksums at its last task of that database, then —
// once this slave has finished through that task — the slave's own at the same task, one row
// per table and partition saying whether they match. A slave that cannot get there (STOPPED,
// DISABLED, a FAILED task of the database) gets CONSISTENCY_CHECK_INCOMPLETE saying why.

import { ShoalError } from '../core/errors.ts';
import { CONSISTENCY_CHECK_TIMEOUT_MILLIS } from '../core/limits.ts';
import { compareDatabaseSums, movedPast } from '../core/replication/consistency.ts';
import type { ConsistencyRow, RowSum } from '../core/replication/consistency.ts';
import { finishedThrough } from '../core/replication/slave-scheduler.ts';
import type { Value } from '../query/value.ts';
import { formatChecksum } from '../storage/index.ts';
import { steadySums } from './cluster-checksums.ts';
import type { SteadySums } from './cluster-checksums.ts';
import type { SlaveReplication } from './slave-service.ts';
import { statusTable } from './status-table.ts';

/** How often the check looks at the slave's progress while it waits for it. */
const POLL_MILLIS = 50;

/** The check of `dbs` (every database this slave replicates when null), as a table. */
export async function consistencyTable(
  slave: SlaveReplication,
  dbs: readonly string[] | null,
): Promise<Value> {
  const deadline = Date.now() + CONSISTENCY_CHECK_TIMEOUT_MILLIS;
  const rows: ConsistencyRow[] = [];
  for (const db of dbs ?? slave.replicatedDatabases()) {
    rows.push(...(await checkDatabase(slave, db, deadline)));
  }
  const text = (sum: RowSum | null): string =>
    sum === null ? 'no such table' : formatChecksum(sum);
  return statusTable<ConsistencyRow>(
    [
      { name: 'dbName', type: 'STRING', of: (r) => r.db },
      { name: 'tableName', type: 'STRING', of: (r) => r.table },
      { name: 'partition', type: 'STRING', of: (r) => r.partition },
      { name: 'taskId', type: 'LONG', of: (r) => r.taskId },
      { name: 'masterRows', type: 'LONG', of: (r) => r.master?.rows ?? null },
      { name: 'slaveRows', type: 'LONG', of: (r) => r.slave?.rows ?? null },
      { name: 'masterChecksum', type: 'STRING', of: (r) => text(r.master) },
      { name: 'slaveChecksum', type: 'STRING', of: (r) => text(r.slave) },
      { name: 'match', type: 'BOOL', of: (r) => r.match },
    ],
    rows,
  );
}

/** One database: master sums at task T, the slave's at T; again if the master moved on. */
async function checkDatabase(
  slave: SlaveReplication,
  db: string,
  deadline: number,
): Promise<ConsistencyRow[]> {
  for (;;) {
    const master = await slave.masterChecksums(db, Math.max(1, deadline - Date.now()));
    await reach(slave, db, master.taskId, deadline);
    const local: SteadySums = await steadySums(
      slave.dataNodePeers(),
      db,
      () => (movedPast(slave.current.tasks.values(), db, master.taskId) ? -1 : master.taskId),
      deadline,
      'slave',
    );
    if (local.taskId === master.taskId) {
      return compareDatabaseSums(db, master.taskId, master.sums, local.sums);
    }
    if (Date.now() > deadline)
      throw incomplete(slave, db, master.taskId, 'the master kept writing it');
  }
}

/** Waits until the slave finished every task through `taskId`, or says why it cannot. */
async function reach(
  slave: SlaveReplication,
  db: string,
  taskId: number,
  deadline: number,
): Promise<void> {
  for (;;) {
    const state = slave.current;
    if (finishedThrough(state) >= taskId) return;
    const failed = [...state.tasks.values()].find(
      (t) => t.db === db && t.taskId <= taskId && t.state === 'FAILED',
    );
    if (failed !== undefined) {
      throw incomplete(
        slave,
        db,
        taskId,
        `task ${failed.taskId} of it FAILED (${failed.details}); fix the cause and run startClusterReplication(), or skip the task, then check again`,
      );
    }
    if (state.state !== 'ENABLED') {
      const why = state.state === 'STOPPED' ? `STOPPED: ${state.stoppedReason}` : 'DISABLED';
      throw incomplete(
        slave,
        db,
        taskId,
        `replication on this slave is ${why}; run startClusterReplication() and check again`,
      );
    }
    if (Date.now() > deadline) throw incomplete(slave, db, taskId, 'it did not catch up in time');
    await new Promise((resolve) => setTimeout(resolve, POLL_MILLIS));
  }
}

function incomplete(slave: SlaveReplication, db: string, taskId: number, why: string): ShoalError {
  return new ShoalError(
    'CONSISTENCY_CHECK_INCOMPLETE',
    `cannot compare ${db} at task ${taskId}: the slave has finished tasks through ${finishedThrough(slave.current)}, and ${why}`,
  );
}
