// A replication task as the master records it and the slave receives it (SPEC §5, §7.1):
// one committed transaction of a replicated database.

import { isDataOperation } from '../operation-type.ts';
import type { OperationType } from '../operation-type.ts';

/** Task ids are gap-free and increase in commit order, from 1. */
export type TaskId = number;

/** One committed transaction of a replicated database, as replication ships it. */
export interface ReplicationTask {
  readonly taskId: TaskId;
  /** The master transaction id. */
  readonly tid: number;
  /** Consecutive tasks that do not conflict share a group (SPEC §7.1.4). */
  readonly groupId: number;
  readonly operationType: OperationType;
  /** When the master recorded the task (its commit). */
  readonly submitMillis: number;
  readonly db: string;
  /** '' for a database-level task. */
  readonly table: string;
  /** The master data node that coordinated the commit and holds the task's data. */
  readonly srcAlias: string;
  readonly srcHost: string;
  readonly srcPort: number;
  /** Rows written (at least 1); a DDL task weighs 1. */
  readonly weight: number;
  /** Size of the task's data on the master (0 when it has none). */
  readonly bytes: number;
  /** Partition keys written ([] for DDL). */
  readonly partitions: readonly string[];
  readonly executionSet: 0 | 1;
}

/**
 * Why `task` is malformed, or undefined when it is well-formed: for a driver that decodes a
 * task from the wire or disk, before it reaches a state machine (which asserts the same).
 */
export function taskProblem(task: ReplicationTask): string | undefined {
  const ddl = !isDataOperation(task.operationType);
  if (!Number.isSafeInteger(task.taskId) || task.taskId < 1) return `bad task id ${task.taskId}`;
  if (!Number.isSafeInteger(task.groupId) || task.groupId < 1) {
    return `task ${task.taskId}: bad group id ${task.groupId}`;
  }
  if (!Number.isSafeInteger(task.weight) || task.weight < 1) {
    return `task ${task.taskId}: weight ${task.weight} is below 1`;
  }
  if (ddl && (task.weight !== 1 || task.partitions.length > 0)) {
    return `task ${task.taskId}: a ${task.operationType} task weighs 1 and writes no partition`;
  }
  if (task.db === '') return `task ${task.taskId}: no database`;
  return undefined;
}
