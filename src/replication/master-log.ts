// The master's replication records in the controller's LMDB environment: which databases
// replicate (and in which execution set), the master's state, and the task log. A task is
// written inside the same LMDB transaction as its commit decision (SPEC §7.1.1), so a
// committed transaction always has its task and an aborted one never has.

import type { Database } from 'lmdb';
import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import { MAX_STATUS_FINISHED_TASKS } from '../core/limits.ts';
import { assignGroup, initialGroupState } from '../core/replication/group-assigner.ts';
import type { GroupState } from '../core/replication/group-assigner.ts';
import type { ReplicationTask } from '../core/replication/replication-task.ts';
import { decodeRecord, encodeRecord } from '../storage/record-codec.ts';
import type { CatalogChange } from '../storage/index.ts';
import type { CommitTask } from './commit-task.ts';

/** A database's replication setting on the master. */
export interface DatabaseReplication {
  readonly enabled: boolean;
  readonly executionSet: 0 | 1;
}

/** ENABLED: commits of replicated databases make tasks; DISABLED: they do not (ever). */
export type MasterState = 'ENABLED' | 'DISABLED';

/** A task as the master keeps it: the task, the DDL to replay, and its data's checksum. */
export interface StoredTask extends ReplicationTask {
  readonly ddl: readonly CatalogChange[];
  /** CRC-32 of the task data file on the source node (0 when the task has no data file). */
  readonly dataCrc32: number;
  /** Row changes: the row-delta file each participant keeps (their union is the change). */
  readonly parts: readonly TaskPart[];
}

/** A participant's row-delta file of a task, and where to fetch it. */
export interface TaskPart extends TaskSource, TaskDataRef {}

/** Where the data of a commit's task is, when it has a data file. */
export interface TaskDataRef {
  readonly bytes: number;
  readonly crc32: number;
}

/** The node that coordinated a commit (it holds the task's data). */
export interface TaskSource {
  readonly alias: string;
  readonly host: string;
  readonly port: number;
}

const DB = 'rdb\u0000';
const TASK = 'rtask\u0000';
const STATE = 'rmeta\u0000state';
const GROUP = 'rmeta\u0000group';
const LAST = 'rmeta\u0000lastTask';
const FIRST = 'rmeta\u0000firstRetained';
const UNREPLICATED = 'rmeta\u0000unreplicated';
const HISTORY = 'rhist\u0000';
const DB_LAST = 'rdblast\u0000';
const BY_TID = 'rtid\u0000';

function taskKey(id: number, prefix = TASK): string {
  return prefix + String(id).padStart(15, '0');
}

/** The master's replication records; every method is synchronous and durable on return. */
export class MasterLog {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  state(): MasterState {
    return this.get<MasterState>(STATE) ?? 'ENABLED';
  }

  setState(state: MasterState): void {
    this.db.putSync(STATE, encodeRecord(state));
  }

  /** Commits of replicated databases made while DISABLED: they will never reach a slave. */
  unreplicatedCommits(): number {
    return this.get<number>(UNREPLICATED) ?? 0;
  }

  database(name: string): DatabaseReplication | undefined {
    return this.get<DatabaseReplication>(DB + name);
  }

  setDatabase(name: string, setting: DatabaseReplication | undefined): void {
    if (setting === undefined) this.db.removeSync(DB + name);
    else this.db.putSync(DB + name, encodeRecord(setting));
  }

  /** Every database with a replication setting, by name. */
  databases(): { readonly name: string; readonly setting: DatabaseReplication }[] {
    const out: { name: string; setting: DatabaseReplication }[] = [];
    for (const { key, value } of this.db.getRange({ start: DB, end: 'rdb\u0001' })) {
      const name = String(key).slice(DB.length);
      out.push({ name, setting: decodeRecord<DatabaseReplication>(value as Uint8Array, name) });
    }
    return out;
  }

  lastTaskId(): number {
    return this.get<number>(LAST) ?? 0;
  }

  /** The last task of database `name` (0 before its first). */
  lastTaskOf(name: string): number {
    return this.get<number>(DB_LAST + name) ?? 0;
  }

  /** The oldest task still held (lastTaskId + 1 when none is). */
  firstRetainedTaskId(): number {
    return this.get<number>(FIRST) ?? 1;
  }

  task(id: number): StoredTask | undefined {
    return this.get<StoredTask>(taskKey(id));
  }

  /** Up to `limit` retained tasks with ids > `after`, in id order. */
  tasksAfter(after: number, limit: number): StoredTask[] {
    const out: StoredTask[] = [];
    const start = Math.max(after + 1, this.firstRetainedTaskId());
    for (const { key, value } of this.db.getRange({
      start: taskKey(start),
      end: 'rtask\u0001',
      limit,
    })) {
      out.push(decodeRecord<StoredTask>(value as Uint8Array, String(key)));
    }
    return out;
  }

  /**
   * Records the task of a commit (call inside the LMDB transaction of the decision). Returns
   * the task, or null when the commit is not replicated: its database is not enabled, or the
   * master is DISABLED (counted, so the status can say what never reached the slaves).
   */
  recordCommit(
    tid: number,
    commit: CommitTask,
    source: TaskSource,
    data: TaskDataRef | null,
    parts: readonly TaskPart[],
    nowMillis: number,
  ): StoredTask | null {
    const setting = this.database(commit.db);
    if (setting === undefined || !setting.enabled) return null;
    if (this.state() === 'DISABLED') {
      this.db.putSync(UNREPLICATED, encodeRecord(this.unreplicatedCommits() + 1));
      return null;
    }
    const task = this.append(tid, commit, source, data, parts, setting.executionSet, nowMillis);
    if (commit.operationType === 'DROP_DB') this.setDatabase(commit.db, undefined);
    return task;
  }

  /**
   * Turns replication of `name` on or off; turning it on records a CREATE_DB task that carries
   * `create` (the database's creation), so the slave builds it before its first change.
   */
  enableDatabase(
    name: string,
    enabled: boolean,
    create: CatalogChange | null,
    source: TaskSource,
    nowMillis: number,
  ): StoredTask | null {
    const previous = this.database(name);
    this.setDatabase(name, { enabled, executionSet: previous?.executionSet ?? 0 });
    if (!enabled || previous?.enabled === true || create === null) return null;
    if (this.state() === 'DISABLED') return null;
    const commit: CommitTask = {
      operationType: 'CREATE_DB',
      db: name,
      table: '',
      weight: 1,
      partitions: [],
      ddl: [create],
    };
    return this.append(0, commit, source, null, [], previous?.executionSet ?? 0, nowMillis);
  }

  /**
   * Drops tasks through `throughId` (every slave finished them); the dropped tasks, oldest
   * first. The latest MAX_STATUS_FINISHED_TASKS stay readable as history.
   */
  truncate(throughId: number): StoredTask[] {
    const first = this.firstRetainedTaskId();
    const last = Math.min(throughId, this.lastTaskId());
    if (last < first) return [];
    const dropped: StoredTask[] = [];
    for (let id = first; id <= last; id++) {
      const task = this.task(id);
      assert(task !== undefined, `retained task ${id} is missing`);
      dropped.push(task);
      this.db.removeSync(taskKey(id));
      this.db.removeSync(taskKey(task.tid, BY_TID));
      this.db.putSync(taskKey(id, HISTORY), encodeRecord(task));
      this.db.removeSync(taskKey(id - MAX_STATUS_FINISHED_TASKS, HISTORY));
    }
    this.db.putSync(FIRST, encodeRecord(last + 1));
    return dropped;
  }

  /** Truncated tasks still shown by getMasterReplicationStatus, oldest first. */
  history(): StoredTask[] {
    const out: StoredTask[] = [];
    for (const { key, value } of this.db.getRange({ start: HISTORY, end: 'rhist\u0001' })) {
      out.push(decodeRecord<StoredTask>(value as Uint8Array, String(key)));
    }
    return out;
  }

  /** The retained task of master transaction `tid`, if any. */
  taskOfTid(tid: number): StoredTask | undefined {
    const id = this.get<number>(taskKey(tid, BY_TID));
    return id === undefined ? undefined : this.task(id);
  }

  private append(
    tid: number,
    commit: CommitTask,
    source: TaskSource,
    data: TaskDataRef | null,
    parts: readonly TaskPart[],
    executionSet: 0 | 1,
    nowMillis: number,
  ): StoredTask {
    const taskId = this.lastTaskId() + 1;
    const grouped = assignGroup(this.get<GroupState>(GROUP) ?? initialGroupState(0), {
      operationType: commit.operationType,
      db: commit.db,
      table: commit.table,
      partitions: commit.partitions,
    });
    const task: StoredTask = {
      taskId,
      tid,
      groupId: grouped.groupId,
      operationType: commit.operationType,
      submitMillis: nowMillis,
      db: commit.db,
      table: commit.table,
      srcAlias: source.alias,
      srcHost: source.host,
      srcPort: source.port,
      weight: commit.weight,
      bytes: (data?.bytes ?? 0) + parts.reduce((n, p) => n + p.bytes, 0),
      partitions: commit.partitions,
      executionSet,
      ddl: commit.ddl,
      dataCrc32: data?.crc32 ?? 0,
      parts,
    };
    assert(this.task(taskId) === undefined, `task ${taskId} recorded twice`);
    this.db.putSync(taskKey(taskId), encodeRecord(task));
    if (tid > 0) this.db.putSync(taskKey(tid, BY_TID), encodeRecord(taskId));
    this.db.putSync(GROUP, encodeRecord(grouped.state));
    this.db.putSync(LAST, encodeRecord(taskId));
    this.db.putSync(DB_LAST + commit.db, encodeRecord(taskId));
    return task;
  }

  private get<T>(key: string): T | undefined {
    const bytes = this.db.get(key) as Uint8Array | undefined;
    return bytes === undefined ? undefined : decodeRecord<T>(bytes, key);
  }
}

/** The error for a replication function used where replication is not configured. */
export function replicationNotEnabled(): ShoalError {
  return new ShoalError(
    'REPLICATION_NOT_ENABLED',
    'cluster replication is not enabled: set clusterReplicationMode=master or slave in cluster.cfg (and clusterReplicationMasterCtl on the slave controller)',
  );
}
