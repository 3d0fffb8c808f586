// Groups of the master's task log (SPEC §7.1.4): two tasks conflict when they touch the same
// partition of the same table, or either is DDL. Consecutive tasks that do not conflict share
// a groupId, so a slave may run them at once; a conflicting task starts the next group.
// Pure, and JSON-serialisable so the master can keep it with its log.

import { MAX_GROUP_TASKS } from '../limits.ts';
import { isDataOperation } from '../operation-type.ts';
import type { OperationType } from '../operation-type.ts';

/** The open group: its id, whether it holds DDL, the partitions it touched, its size. */
export interface GroupState {
  readonly groupId: number;
  readonly ddl: boolean;
  /** `db\0table\0partition` of every task in the group, sorted. */
  readonly touched: readonly string[];
  readonly tasks: number;
}

/** What a task touches, for conflicts. */
export interface GroupInput {
  readonly operationType: OperationType;
  readonly db: string;
  readonly table: string;
  readonly partitions: readonly string[];
}

/** The state before the first task, or after `lastGroupId` (the next task opens a group). */
export function initialGroupState(lastGroupId: number): GroupState {
  return { groupId: lastGroupId, ddl: true, touched: [], tasks: 0 };
}

/** The group of the next task, and the state after it. */
export function assignGroup(
  state: GroupState,
  task: GroupInput,
): { readonly state: GroupState; readonly groupId: number } {
  const ddl = !isDataOperation(task.operationType);
  const keys = task.partitions.map((p) => `${task.db}\u0000${task.table}\u0000${p}`);
  const conflicts =
    state.tasks === 0 ||
    ddl ||
    state.ddl ||
    state.tasks >= MAX_GROUP_TASKS ||
    keys.some((key) => state.touched.includes(key));
  if (conflicts) {
    const groupId = state.groupId + 1;
    return { state: { groupId, ddl, touched: [...new Set(keys)].sort(), tasks: 1 }, groupId };
  }
  const touched = [...new Set([...state.touched, ...keys])].sort();
  return { state: { ...state, touched, tasks: state.tasks + 1 }, groupId: state.groupId };
}
