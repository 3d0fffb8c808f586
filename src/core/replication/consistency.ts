// checkClusterReplicationConsistency's comparison (SPEC §5, §7.5): the per-partition content
// checksums of one database on the master and on the slave, both taken when their last task
// of that database was the same, become one row per table and partition saying whether the
// two sides hold the same rows. Merging the data nodes' partial sums is here too. Pure.

/** Rows and lane sums of a set of rows (the storage's ContentChecksum, structurally). */
export interface RowSum {
  readonly rows: number;
  readonly lane1: number;
  readonly lane2: number;
}

/** One data node's (or a whole cluster's) sums of one database: table → partition → sum. */
export type DatabaseSums = ReadonlyMap<string, ReadonlyMap<string, RowSum>>;

/** One row of the check's answer; `master`/`slave` are null when that side lacks the table. */
export interface ConsistencyRow {
  readonly db: string;
  readonly table: string;
  /** The partition key; '' for a table that holds no rows on either side. */
  readonly partition: string;
  readonly taskId: number;
  readonly master: RowSum | null;
  readonly slave: RowSum | null;
  readonly match: boolean;
}

const ZERO: RowSum = { rows: 0, lane1: 0, lane2: 0 };

/** The sum of two row sets' sums (lanes mod 2^32, as the storage adds them). */
export function addRowSums(a: RowSum, b: RowSum): RowSum {
  return {
    rows: a.rows + b.rows,
    lane1: (a.lane1 + b.lane1) >>> 0,
    lane2: (a.lane2 + b.lane2) >>> 0,
  };
}

/**
 * A cluster's sums from its data nodes' sums: a table exists when any node has it; a
 * partition's sum is the sum over the nodes that hold rows of it.
 */
export function mergeDatabaseSums(nodes: readonly DatabaseSums[]): DatabaseSums {
  const merged = new Map<string, Map<string, RowSum>>();
  for (const node of nodes) {
    for (const [table, partitions] of node) {
      const into = merged.get(table) ?? new Map<string, RowSum>();
      merged.set(table, into);
      for (const [key, sum] of partitions) into.set(key, addRowSums(into.get(key) ?? ZERO, sum));
    }
  }
  return merged;
}

/**
 * One row per table and partition of either side, tables and partitions in name order. A
 * table on one side only never matches; a partition with rows on one side only compares
 * with an empty sum, so it does not match either.
 */
export function compareDatabaseSums(
  db: string,
  taskId: number,
  master: DatabaseSums,
  slave: DatabaseSums,
): ConsistencyRow[] {
  const rows: ConsistencyRow[] = [];
  for (const table of sortedUnion(master.keys(), slave.keys())) {
    const onMaster = master.get(table);
    const onSlave = slave.get(table);
    const keys = sortedUnion(onMaster?.keys() ?? [], onSlave?.keys() ?? []);
    for (const partition of keys.length === 0 ? [''] : keys) {
      const m = onMaster === undefined ? null : (onMaster.get(partition) ?? ZERO);
      const s = onSlave === undefined ? null : (onSlave.get(partition) ?? ZERO);
      rows.push({ db, table, partition, taskId, master: m, slave: s, match: sameSum(m, s) });
    }
  }
  return rows;
}

function sameSum(a: RowSum | null, b: RowSum | null): boolean {
  if (a === null || b === null) return false;
  return a.rows === b.rows && a.lane1 === b.lane1 && a.lane2 === b.lane2;
}

function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** What the slave side of the check needs to know of a task. */
export interface TaskProgress {
  readonly taskId: number;
  readonly db: string;
  readonly state: 'WAITING' | 'EXECUTING' | 'FINISHED' | 'FAILED';
}

/**
 * Whether a task of `db` after `taskId` may have changed the slave's data already (it left
 * WAITING): the slave's sums are then not "at taskId" and the check must start again.
 */
export function movedPast(tasks: Iterable<TaskProgress>, db: string, taskId: number): boolean {
  for (const task of tasks) {
    if (task.db === db && task.taskId > taskId && task.state !== 'WAITING') return true;
  }
  return false;
}
