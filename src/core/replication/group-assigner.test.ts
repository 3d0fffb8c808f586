// Proves SPEC §7.1.4 grouping: non-conflicting consecutive tasks share a group; the same
// partition of the same table, any DDL, or a full group start the next one. By direct calls.
import { describe, expect, it } from 'vitest';
import { MAX_GROUP_TASKS } from '../limits.ts';
import type { OperationType } from '../operation-type.ts';
import { assignGroup, initialGroupState } from './group-assigner.ts';
import type { GroupInput, GroupState } from './group-assigner.ts';

function write(table: string, partitions: readonly string[], db = 'dfs://a'): GroupInput {
  return { operationType: 'APPEND', db, table, partitions };
}

function ddl(operationType: OperationType, table = 't'): GroupInput {
  return { operationType, db: 'dfs://a', table, partitions: [] };
}

/** The group ids of `tasks`, assigned in order from `state`. */
function groups(tasks: readonly GroupInput[], state: GroupState = initialGroupState(0)): number[] {
  const ids: number[] = [];
  let current = state;
  for (const task of tasks) {
    const next = assignGroup(current, task);
    ids.push(next.groupId);
    current = next.state;
  }
  return ids;
}

describe('assignGroup', () => {
  it('starts at group 1 and keeps non-conflicting writes together', () => {
    expect(groups([write('t', ['p1']), write('t', ['p2']), write('u', ['p1'])])).toEqual([1, 1, 1]);
  });

  it('starts the next group on the same partition of the same table', () => {
    expect(groups([write('t', ['p1', 'p2']), write('t', ['p3']), write('t', ['p2'])])).toEqual([
      1, 1, 2,
    ]);
  });

  it('tells the same partition key of another table or database apart', () => {
    expect(groups([write('t', ['p1']), write('u', ['p1']), write('t', ['p1'], 'dfs://b')])).toEqual(
      [1, 1, 1],
    );
  });

  it('gives a DDL task a group of its own, before and after', () => {
    expect(
      groups([write('t', ['p1']), ddl('ADD_COLUMN'), ddl('CREATE_TABLE', 'u'), write('t', ['p2'])]),
    ).toEqual([1, 2, 3, 4]);
  });

  it('treats every write type as data and every other type as DDL', () => {
    for (const kind of ['UPSERT', 'SQL_UPDATE', 'SQL_DELETE'] as const) {
      expect(groups([write('t', ['p1']), { ...write('t', ['p2']), operationType: kind }])).toEqual([
        1, 1,
      ]);
    }
    expect(groups([write('t', ['p1']), ddl('DROP_PARTITION', 'u')])).toEqual([1, 2]);
  });

  it('never parts writes that name no partition', () => {
    expect(groups([write('t', []), write('t', [])])).toEqual([1, 1]);
  });

  it(`closes a group at ${MAX_GROUP_TASKS} tasks`, () => {
    const tasks = Array.from({ length: MAX_GROUP_TASKS + 1 }, (_, i) => write('t', [`p${i}`]));
    const ids = groups(tasks);
    expect(ids[MAX_GROUP_TASKS - 1]).toBe(1);
    expect(ids[MAX_GROUP_TASKS]).toBe(2);
  });

  it('continues after the last group id it is given', () => {
    expect(groups([write('t', ['p1']), write('t', ['p1'])], initialGroupState(41))).toEqual([
      42, 43,
    ]);
  });

  it('keeps its state JSON-serialisable, so it survives a restart', () => {
    const { state } = assignGroup(initialGroupState(0), write('t', ['p1']));
    const restored = JSON.parse(JSON.stringify(state)) as GroupState;
    expect(assignGroup(restored, write('t', ['p1'])).groupId).toBe(2);
    expect(assignGroup(restored, write('t', ['p2'])).groupId).toBe(1);
  });
});
