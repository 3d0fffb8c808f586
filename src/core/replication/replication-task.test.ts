// Proves taskProblem accepts well-formed tasks and names what is wrong with malformed ones
// (ids, weights, DDL shape, database). By direct calls on one task varied a field at a time.
import { describe, expect, it } from 'vitest';
import { taskProblem } from './replication-task.ts';
import type { ReplicationTask } from './replication-task.ts';

const append: ReplicationTask = {
  taskId: 3,
  tid: 77,
  groupId: 2,
  operationType: 'APPEND',
  submitMillis: 1000,
  db: 'dfs://a',
  table: 't',
  srcAlias: 'dn1',
  srcHost: '127.0.0.1',
  srcPort: 9001,
  weight: 120,
  bytes: 4096,
  partitions: ['p1'],
  executionSet: 0,
};

describe('taskProblem', () => {
  it('accepts a write and a DDL task', () => {
    expect(taskProblem(append)).toBeUndefined();
    const ddl = { ...append, operationType: 'CREATE_DB', table: '', weight: 1, partitions: [] };
    expect(taskProblem(ddl as ReplicationTask)).toBeUndefined();
  });

  it.each([
    [{ taskId: 0 }, 'bad task id 0'],
    [{ taskId: 1.5 }, 'bad task id 1.5'],
    [{ groupId: 0 }, 'bad group id 0'],
    [{ weight: 0 }, 'weight 0 is below 1'],
    [{ operationType: 'DROP_TABLE', weight: 5, partitions: [] }, 'a DROP_TABLE task weighs 1'],
    [{ operationType: 'ADD_COLUMN', weight: 1 }, 'writes no partition'],
    [{ db: '' }, 'no database'],
  ] as const)('refuses %o', (change, message) => {
    expect(taskProblem({ ...append, ...change })).toContain(message);
  });
});
