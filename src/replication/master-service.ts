// The master controller's replication service: it records a task with each commit decision
// of a replicated database (through MasterLog, inside the decision's LMDB transaction),
// serves slaves' long-poll pulls with the channel's release rule, keeps each slave's position,
// and truncates tasks every slave finished. Replication functions of the master run here.

import type { Logger } from 'pino';
import { ShoalError } from '../core/errors.ts';
import { MAX_PULL_TASKS, MAX_PULL_WAIT_MILLIS } from '../core/limits.ts';
import { assert, unreachable } from '../core/assert.ts';
import { releaseBatch } from '../core/replication/batch-release.ts';
import {
  initialMasterQueue,
  pull,
  recordTask,
  truncated,
  truncateThrough,
} from '../core/replication/master-queue.ts';
import type { Capacity, MasterQueueState, SlaveChannel } from '../core/replication/master-queue.ts';
import { VOID } from '../query/value.ts';
import type { Value } from '../query/value.ts';
import { decodeRecord, encodeRecord } from '../storage/record-codec.ts';
import type { CatalogChange } from '../storage/index.ts';
import type { StoredTransaction } from '../cluster/controller/controller-state.ts';
import type { ControllerState } from '../cluster/controller/controller-state.ts';
import { commitTask } from './commit-task.ts';
import { MasterLog } from './master-log.ts';
import type { StoredTask, TaskDataRef, TaskSource } from './master-log.ts';
import { statusTable } from './status-table.ts';
import type { MasterReplicationMetrics } from './replication-metrics.ts';

/** The master controller's channel settings (SPEC §2). */
export interface MasterSettings {
  readonly slaveNum: number;
  readonly chunkSize: number;
  readonly intervalMillis: number;
  readonly intervalOpers: number;
  /** clusterReplicationRedoLogCapacity (-1: unbounded) and what to do past it. */
  readonly capacity: Capacity;
}

/** Where the master reports what happens: its node's log and metrics (both optional). */
export interface MasterObservers {
  readonly logger?: Logger;
  readonly metrics?: MasterReplicationMetrics;
}

/** What a slave sends with each pull. */
export interface PullRequest {
  readonly slaveId: string;
  /** The slave controller's own address, for getRecentSlaveReplicationInfo. */
  readonly controller: string;
  /** The last task id the slave holds durably. */
  readonly after: number;
  /** Every task through this id is finished (or skipped) on the slave. */
  readonly finishedThrough: number;
  /** Most weight the slave has room for now. */
  readonly maxWeight: number;
  /** Longest the slave waits for an answer. */
  readonly waitMillis: number;
}

const SLAVE = 'rslave\u0000';
const RESYNC = 'rresync\u0000';
const UNBOUNDED: Capacity = { limitWeight: -1, policy: 'block-operations' };
/** Rates of getReplicationChannelStatus are over this window. */
const RATE_WINDOW_MILLIS = 60_000;
/** Pull samples kept per slave for those rates. */
const MAX_RATE_SAMPLES = 1000;

export class MasterReplication {
  readonly log: MasterLog;
  private readonly state: ControllerState;
  private readonly settings: MasterSettings;
  private readonly sources: ReadonlyMap<string, TaskSource>;
  private readonly waiters = new Set<() => void>();
  /** The pure queue (core/replication/master-queue.ts): slaves, retention, capacity. */
  private queue: MasterQueueState;
  /** Per slave: what each recent pull shipped (for rates over the last minute). */
  private readonly shipped = new Map<string, { millis: number; tasks: number; bytes: number }[]>();
  private readonly observers: MasterObservers;
  /** Set by drain (a stopping controller): replicated writes are refused, pulls answered at once. */
  private draining = false;
  /** Pulls waiting at this master now, by slave: a slave with one is connected for the drain. */
  private readonly pulling = new Map<string, number>();

  constructor(
    state: ControllerState,
    settings: MasterSettings,
    sources: readonly TaskSource[],
    observers: MasterObservers = {},
  ) {
    this.state = state;
    this.observers = observers;
    this.settings = settings;
    this.sources = new Map(sources.map((s) => [s.alias, s]));
    this.log = new MasterLog(state.records);
    this.queue = this.loadQueue();
  }

  /** The queue as the log and the slave records say (at start, and after a crash). */
  private loadQueue(): MasterQueueState {
    const first = this.log.firstRetainedTaskId();
    const last = this.log.lastTaskId();
    const retained = this.log.tasksAfter(first - 1, Number.MAX_SAFE_INTEGER);
    const slaves = new Map<string, SlaveChannel>();
    for (const slave of this.storedSlaves())
      slaves.set(slave.slaveId, { ...slave, connected: false });
    return {
      ...initialMasterQueue(this.settings.slaveNum, last),
      firstRetainedTaskId: first,
      slaves,
      retainedWeight: retained.reduce((n, t) => n + t.weight, 0),
    };
  }

  /**
   * Refuses a replicated write when the backlog is at clusterReplicationRedoLogCapacity and
   * the policy is block-operations (REPLICATION_REFUSED with the way out).
   */
  admit(db: string): void {
    if (!this.replicates(db)) return;
    if (this.draining) {
      throw new ShoalError(
        'REPLICATION_REFUSED',
        `the master cluster's controller is stopping: writes to replicated database ${db} are refused until it is back`,
      );
    }
    const probe = recordTask(
      this.queue,
      { taskId: this.queue.lastTaskId + 1, weight: 1 },
      this.settings.capacity,
      (id) => this.log.task(id)?.weight ?? 1,
    );
    if (probe.kind === 'refused') throw new ShoalError('REPLICATION_REFUSED', probe.message);
  }

  /** Whether a write to `db` now makes a task (so its coordinator keeps the task data). */
  replicates(db: string): boolean {
    return this.log.state() === 'ENABLED' && this.log.database(db)?.enabled === true;
  }

  /** Records the task of a just-committed transaction (inside the decision's LMDB write). */
  recordCommit(
    record: StoredTransaction,
    data: TaskDataRef | null,
    parts: readonly { readonly alias: string; readonly bytes: number; readonly crc32: number }[],
    nowMillis: number,
  ): void {
    const task = commitTask(Object.values(record.effects));
    if (task === null) return;
    const located = parts.map((p) => ({ ...this.source(p.alias), bytes: p.bytes, crc32: p.crc32 }));
    const stored = this.log.recordCommit(
      record.id,
      task,
      this.source(record.coordinator),
      data,
      located,
      nowMillis,
    );
    if (stored !== null) this.queued(stored);
  }

  /** Takes a just-recorded task into the queue; drop-oldest drops what it must. */
  private queued(task: StoredTask): void {
    // The capacity was checked when the write began (admit); a refusal here is a race that
    // only lets the backlog go a little over, so the write is kept as block-operations would.
    const capacity =
      this.settings.capacity.policy === 'drop-oldest' ? this.settings.capacity : UNBOUNDED;
    const result = recordTask(this.queue, task, capacity, (id) => this.log.task(id)?.weight ?? 1);
    assert(result.kind === 'ok', 'an unbounded queue takes every task');
    this.queue = result.state;
    if (result.dropped.length > 0) this.log.truncate(result.dropped.at(-1) as number);
  }

  /** Wakes pulls waiting for tasks (call after a decision that may have recorded one). */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** setDatabaseForClusterReplication's effect on the master (atomic, durable). */
  enableDatabase(db: string, enabled: boolean, create: CatalogChange | null, via: string): void {
    this.state.atomically(() => {
      const task = this.log.enableDatabase(db, enabled, create, this.source(via), Date.now());
      if (task !== null) this.queued(task);
    });
    this.notify();
  }

  /**
   * Answers a slave's pull: at once when the release rule says so, else when it does or
   * when `waitMillis` passed (an empty answer: a heartbeat). RESYNC_REQUIRED when the slave
   * needs tasks the master dropped; REPLICATION_REFUSED past clusterReplicationSlaveNum.
   */
  async pull(request: PullRequest): Promise<readonly StoredTask[]> {
    this.register(request);
    this.pulling.set(request.slaveId, (this.pulling.get(request.slaveId) ?? 0) + 1);
    try {
      return await this.answer(request);
    } finally {
      this.pulling.set(request.slaveId, (this.pulling.get(request.slaveId) ?? 1) - 1);
    }
  }

  private async answer(request: PullRequest): Promise<readonly StoredTask[]> {
    const deadline = Date.now() + Math.min(request.waitMillis, MAX_PULL_WAIT_MILLIS);
    for (;;) {
      const pending = this.log.tasksAfter(request.after, MAX_PULL_TASKS);
      const now = Date.now();
      // A draining master hands out what it holds at once: the slaves take it before it stops.
      const decision =
        this.draining && pending.length > 0
          ? ({ kind: 'release', count: pending.length } as const)
          : releaseBatch(pending, now, this.settings);
      if (decision.kind === 'release') {
        const batch = fit(pending.slice(0, decision.count), request.maxWeight);
        this.recordShipped(request.slaveId, batch, now);
        return batch;
      }
      const until = decision.kind === 'wait' ? Math.min(decision.untilMillis, deadline) : deadline;
      // Nothing to hand out while draining: no long poll to hold the server's close up.
      if (now >= deadline || this.draining) return [];
      await this.waitUntil(until);
    }
  }

  /**
   * SPEC §7.9: refuses new replicated writes, then waits up to `timeoutMillis` until every
   * slave still pulling has taken every task, and logs what was left if time ran out (the
   * tasks stay retained: the slaves get them after the restart). A slave counts as pulling
   * while a pull of its waits here or its last pull ended under a second ago.
   */
  async drain(timeoutMillis: number): Promise<void> {
    this.draining = true;
    this.notify();
    try {
      await this.awaitSlaves(timeoutMillis);
    } finally {
      // Positions are durable at each drop of tasks; a stop records the latest ones too.
      this.state.atomically(() => this.putSlaves());
    }
  }

  /** Waits as `drain` says, for at most `timeoutMillis`. */
  private async awaitSlaves(timeoutMillis: number): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    for (;;) {
      const last = this.log.lastTaskId();
      const now = Date.now();
      const behind = this.slaves().filter(
        (s) =>
          s.pulledThrough < last &&
          ((this.pulling.get(s.slaveId) ?? 0) > 0 || now - s.lastPullMillis < 1000),
      );
      if (behind.length === 0) return;
      if (now >= deadline) {
        const left = behind.map((s) => ({ slave: s.slaveId, pulledThrough: s.pulledThrough }));
        this.observers.logger?.warn(
          { lastTaskId: last, left },
          'stopping before every slave took every task; they get them after the restart',
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A slave's report of its position between pulls (checked as a pull is). */
  report(request: PullRequest): void {
    this.register(request);
  }

  /** Drops the tasks every slave finished (their data files go with the next collection). */
  truncate(): void {
    const through = truncateThrough(this.queue);
    if (through < this.queue.firstRetainedTaskId) return;
    this.state.atomically(() => {
      const dropped = this.log.truncate(through);
      const freed = dropped.reduce((n, t) => n + t.weight, 0);
      this.queue = truncated(this.queue, through, freed);
      // The positions that allowed the drop go with it: after a crash none is behind it.
      this.putSlaves();
    });
  }

  /** Which of `tids` (a data node's task data files) must be kept. */
  retainedTids(tids: readonly number[]): number[] {
    return tids.filter((tid) => {
      const record = this.state.transaction(tid);
      if (record === undefined || record.state === 'aborted') return false;
      if (record.state === 'active') return true;
      return this.log.taskOfTid(tid) !== undefined;
    });
  }

  /** The controller functions of a master. */
  functions(): Map<string, (args: readonly Value[]) => Promise<Value>> {
    return new Map<string, (args: readonly Value[]) => Promise<Value>>([
      ['getMasterReplicationStatus', async (args) => this.masterStatus(limitOf(args[0]))],
      ['getDatabaseClusterReplicationStatus', async () => this.databaseStatus()],
      ['getRecentSlaveReplicationInfo', async () => this.slaveInfo()],
      ['getClusterReplicationState', async () => this.replicationState()],
      ['setDatabaseClusterReplicationExecutionSet', async (args) => this.setExecutionSet(args)],
      ['getReplicationChannelStatus', async () => this.channelStatus()],
      ['stopClusterReplication', async () => this.setState('DISABLED')],
      ['startClusterReplication', async () => this.setState('ENABLED')],
    ]);
  }

  private recordShipped(slaveId: string, batch: readonly StoredTask[], now: number): void {
    const samples = (this.shipped.get(slaveId) ?? []).filter(
      (s) => now - s.millis <= RATE_WINDOW_MILLIS,
    );
    const bytes = batch.reduce((n, t) => n + t.bytes, 0);
    samples.push({ millis: now, tasks: batch.length, bytes });
    this.shipped.set(slaveId, samples.slice(-MAX_RATE_SAMPLES));
    this.observers.metrics?.shipped(slaveId, batch.length, bytes);
  }

  /** Tasks and bytes per second shipped to `slaveId` over the last minute. */
  private rates(slaveId: string, now: number): { tasksPerSec: number; bytesPerSec: number } {
    const samples = (this.shipped.get(slaveId) ?? []).filter(
      (s) => now - s.millis <= RATE_WINDOW_MILLIS,
    );
    const seconds = RATE_WINDOW_MILLIS / 1000;
    return {
      tasksPerSec: samples.reduce((n, s) => n + s.tasks, 0) / seconds,
      bytesPerSec: samples.reduce((n, s) => n + s.bytes, 0) / seconds,
    };
  }

  /** Why slave `slaveId` needs a full resync ('' when it does not). */
  private resyncReason(slaveId: string): string {
    const bytes = this.state.records.get(RESYNC + slaveId) as Uint8Array | undefined;
    return bytes === undefined ? '' : decodeRecord<string>(bytes, RESYNC + slaveId);
  }

  private setExecutionSet(args: readonly Value[]): Value {
    const [db, set] = args;
    const name = db?.kind === 'scalar' && typeof db.value === 'string' ? db.value : undefined;
    const value = set?.kind === 'scalar' ? Number(set.value) : NaN;
    if (name === undefined || (value !== 0 && value !== 1)) {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        'setDatabaseClusterReplicationExecutionSet(db, set) takes a database and 0 or 1',
      );
    }
    const setting = this.log.database(name);
    if (setting === undefined) {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `database ${name} is not set up for replication: call setDatabaseForClusterReplication first`,
      );
    }
    this.log.setDatabase(name, { ...setting, executionSet: value });
    return VOID;
  }

  private channelStatus(): Value {
    const now = Date.now();
    const last = this.log.lastTaskId();
    const rows = this.slaves().map((s) => {
      const pending = this.log.tasksAfter(s.finishedThrough, MAX_PULL_TASKS);
      const connected = now - s.lastPullMillis <= MAX_PULL_WAIT_MILLIS * 2;
      return {
        ...s,
        channelState: !connected ? 'DISCONNECTED' : s.pulledThrough < last ? 'ACTIVE' : 'CONNECTED',
        weight: pending.reduce((n, t) => n + t.weight, 0),
        bytes: pending.reduce((n, t) => n + t.bytes, 0),
        ...this.rates(s.slaveId, now),
      };
    });
    return statusTable(
      [
        { name: 'slave', type: 'STRING', of: (r) => r.slaveId },
        { name: 'channelState', type: 'STRING', of: (r) => r.channelState },
        { name: 'lastTaskId', type: 'LONG', of: (r) => r.pulledThrough },
        { name: 'lastConfirmedTaskId', type: 'LONG', of: (r) => r.finishedThrough },
        { name: 'retainedWeight', type: 'LONG', of: (r) => r.weight },
        { name: 'retainedBytes', type: 'LONG', of: (r) => r.bytes },
        { name: 'tasksPerSec', type: 'DOUBLE', of: (r) => r.tasksPerSec },
        { name: 'bytesPerSec', type: 'DOUBLE', of: (r) => r.bytesPerSec },
        // A slave is inconsistent when it was told it needs a full resync.
        { name: 'inconsistent', type: 'BOOL', of: (r) => this.resyncReason(r.slaveId) !== '' },
        { name: 'inconsistencyReason', type: 'STRING', of: (r) => this.resyncReason(r.slaveId) },
      ],
      rows,
    );
  }

  private setState(state: 'ENABLED' | 'DISABLED'): Value {
    const from = this.log.state();
    this.log.setState(state);
    if (from !== state) {
      // DISABLED is a warning: commits from now on never reach any slave.
      const entry = { from, to: state, lastTaskId: this.log.lastTaskId() };
      if (state === 'DISABLED') this.observers.logger?.warn(entry, 'replication state changed');
      else this.observers.logger?.info(entry, 'replication state changed');
    }
    return VOID;
  }

  /** The queue's verdict on a pull; the slave's position is durable before the answer. */
  private register(request: PullRequest): void {
    const result = pull(this.queue, { ...request, nowMillis: Date.now() });
    switch (result.kind) {
      case 'refused':
        throw new ShoalError('REPLICATION_REFUSED', result.reason);
      case 'resync':
        this.saveSlave(result.state, request.slaveId);
        // Kept until a full resync (SPEC §7.8) brings the slave back in line.
        this.state.records.putSync(RESYNC + request.slaveId, encodeRecord(result.reason));
        throw new ShoalError('RESYNC_REQUIRED', result.reason);
      case 'serve':
        this.keepSlave(result.state, request.slaveId);
        return;
      default:
        unreachable(result);
    }
  }

  private saveSlave(state: MasterQueueState, slaveId: string): void {
    const channel = state.slaves.get(slaveId);
    assert(channel !== undefined, 'a served slave is registered');
    this.state.records.putSync(SLAVE + slaveId, encodeRecord(channel));
    this.queue = state;
  }

  /**
   * A served pull's position, durable only when the slave is new or moved: a durable write
   * per pull held the controller's event loop for an fsync every few milliseconds. A position
   * lost in a crash is safe, as the tasks it finished are dropped only by `truncate`, which
   * records every slave's position with the drop; the slave's next pull brings it back.
   */
  private keepSlave(state: MasterQueueState, slaveId: string): void {
    const known = this.queue.slaves.get(slaveId);
    const channel = state.slaves.get(slaveId);
    if (known === undefined || known.controller !== channel?.controller) {
      this.saveSlave(state, slaveId);
      return;
    }
    this.queue = state;
  }

  /** Every slave's position, inside the caller's LMDB transaction. */
  private putSlaves(): void {
    for (const channel of this.queue.slaves.values())
      this.state.records.putSync(SLAVE + channel.slaveId, encodeRecord(channel));
  }

  private slaves(): SlaveChannel[] {
    return [...this.queue.slaves.values()];
  }

  private storedSlaves(): SlaveChannel[] {
    const out: SlaveChannel[] = [];
    for (const { key, value } of this.state.records.getRange({
      start: SLAVE,
      end: 'rslave\u0001',
    })) {
      out.push(decodeRecord<SlaveChannel>(value as Uint8Array, String(key)));
    }
    return out;
  }

  private source(alias: string): TaskSource {
    return this.sources.get(alias) ?? { alias, host: '', port: 0 };
  }

  private waitUntil(untilMillis: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, untilMillis - Date.now()));
      this.waiters.add(done);
    });
  }

  private masterStatus(limit: number): Value {
    const last = this.log.lastTaskId();
    const first = this.log.firstRetainedTaskId();
    const rows: (StoredTask & { truncated: boolean })[] = [];
    for (const task of this.log.history()) rows.push({ ...task, truncated: true });
    for (const task of this.log.tasksAfter(first - 1, last - first + 1)) {
      rows.push({ ...task, truncated: false });
    }
    const shown = limit < 0 ? rows : rows.slice(0, limit);
    return statusTable(
      [
        { name: 'taskId', type: 'LONG', of: (t) => t.taskId },
        { name: 'tid', type: 'LONG', of: (t) => t.tid },
        { name: 'groupId', type: 'LONG', of: (t) => t.groupId },
        { name: 'operationType', type: 'STRING', of: (t) => t.operationType },
        { name: 'submitTime', type: 'NANOTIMESTAMP', of: (t) => t.submitMillis },
        { name: 'dbName', type: 'STRING', of: (t) => t.db },
        { name: 'tableName', type: 'STRING', of: (t) => t.table },
        { name: 'srcIP', type: 'STRING', of: (t) => t.srcHost },
        { name: 'srcPort', type: 'INT', of: (t) => t.srcPort },
        { name: 'isTruncated', type: 'BOOL', of: (t) => t.truncated },
      ],
      shown,
    );
  }

  private databaseStatus(): Value {
    return statusTable(
      [
        { name: 'dbName', type: 'STRING', of: (d) => d.name },
        { name: 'enabled', type: 'BOOL', of: (d) => d.setting.enabled },
        { name: 'executionSet', type: 'INT', of: (d) => d.setting.executionSet },
      ],
      this.log.databases(),
    );
  }

  private slaveInfo(): Value {
    return statusTable(
      [
        { name: 'connectedController', type: 'STRING', of: (s) => s.controller },
        { name: 'allControllersInRaft', type: 'STRING', of: (s) => s.controller },
        { name: 'lastFinishedTaskId', type: 'LONG', of: (s) => s.finishedThrough },
        { name: 'lastPullTime', type: 'NANOTIMESTAMP', of: (s) => s.lastPullMillis },
      ],
      this.slaves(),
    );
  }

  private replicationState(): Value {
    const last = this.log.lastTaskId();
    const slaves = this.slaves();
    const finished = slaves.length === 0 ? last : Math.min(...slaves.map((s) => s.finishedThrough));
    const pending = this.log.tasksAfter(finished, MAX_PULL_TASKS);
    const oldest = pending[0];
    const row = {
      role: 'master',
      state: this.log.state(),
      last,
      finished,
      lagTasks: last - finished,
      lagSeconds: oldest === undefined ? 0 : (Date.now() - oldest.submitMillis) / 1000,
      weight: pending.reduce((n, t) => n + t.weight, 0),
      bytes: pending.reduce((n, t) => n + t.bytes, 0),
      unreplicated: this.log.unreplicatedCommits(),
    };
    return statusTable(
      [
        { name: 'role', type: 'STRING', of: (r) => r.role },
        { name: 'state', type: 'STRING', of: (r) => r.state },
        { name: 'lastTaskId', type: 'LONG', of: (r) => r.last },
        { name: 'lastFinishedTaskId', type: 'LONG', of: (r) => r.finished },
        { name: 'lagTasks', type: 'LONG', of: (r) => r.lagTasks },
        { name: 'lagSeconds', type: 'DOUBLE', of: (r) => r.lagSeconds },
        { name: 'backlogWeight', type: 'LONG', of: (r) => r.weight },
        { name: 'backlogBytes', type: 'LONG', of: (r) => r.bytes },
        {
          name: 'details',
          type: 'STRING',
          of: (r) =>
            r.state === 'DISABLED' || r.unreplicated > 0
              ? `${r.unreplicated} commits made while replication was DISABLED will never reach any slave`
              : '',
        },
      ],
      [row],
    );
  }
}

/** The first tasks of `tasks` within `maxWeight` (at least one). */
function fit(tasks: readonly StoredTask[], maxWeight: number): StoredTask[] {
  const out: StoredTask[] = [];
  let weight = 0;
  for (const task of tasks) {
    if (out.length > 0 && weight + task.weight > maxWeight) break;
    out.push(task);
    weight += task.weight;
  }
  return out;
}

function limitOf(value: Value | undefined): number {
  if (value === undefined) return -1;
  if (
    value.kind === 'scalar' &&
    (typeof value.value === 'number' || typeof value.value === 'bigint')
  ) {
    return Number(value.value);
  }
  throw new ShoalError('INVALID_ARGUMENT', 'the limit must be an integer (-1: every task)');
}
