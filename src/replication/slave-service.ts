// The slave controller's replication service (SPEC §7.2–§7.4): it pulls tasks from the
// master controller (long poll, reporting what it finished), persists them, and drives the
// pure SlaveScheduler: every effect is performed in order, `persist` (LMDB, durable) before
// any dispatch. A dispatch is a call to the data node that runs the task; its answer is the
// scheduler's `finished` or `failed` event. Its records share the controller's LMDB, so a task
// is marked applied in the same LMDB transaction as the slave-side commit that applied it.

import type { Logger } from 'pino';
import { isShoalError, ShoalError } from '../core/errors.ts';
import {
  MAX_SLAVE_BATCH_ROWS,
  MAX_SLAVE_BATCH_TASKS,
  MAX_SLAVE_FINISHED_TASKS,
  MAX_SLAVE_UNFINISHED_TASKS,
} from '../core/limits.ts';
import {
  createScheduler,
  finishedThrough,
  prune,
  step,
  wantsPull,
} from '../core/replication/slave-scheduler.ts';
import type {
  SchedulerConfig,
  SchedulerEffect,
  SchedulerEvent,
  SavedSchedulerState,
  SchedulerState,
  SlaveTask,
} from '../core/replication/slave-scheduler.ts';
import { HttpClient } from '../net/index.ts';
import { PUBLIC_PATHS } from '../net/public-wire.ts';
import { decodeRecord, encodeRecord } from '../storage/record-codec.ts';
import { replaceTagged, reviveTagged } from '../storage/commit-effects.ts';
import type { ControllerState } from '../cluster/controller/controller-state.ts';
import { PeerClient } from '../cluster/internal-peer.ts';
import type { PeerAddress } from '../cluster/internal-peer.ts';
import type { StoredTask } from './master-log.ts';
import { crashPoint } from '../cluster/crash-point.ts';
import { CHECKSUMS_PATH, PULL_PATH, REPORT_PATH } from './master-routes.ts';
import { sumsFromJson } from './cluster-checksums.ts';
import type { SteadySums, SumsJson } from './cluster-checksums.ts';
import { encodeTask, EXECUTE_PATH } from './slave-executor.ts';
import type { SlaveReplicationMetrics } from './replication-metrics.ts';

/** The slave controller's settings (SPEC §2). */
export interface SlaveSettings {
  readonly masterCtl: { readonly host: string; readonly port: number };
  readonly masterUser: string;
  readonly masterPassword: string;
  readonly queueCount: number;
  readonly workerNum: number;
  readonly dbScope: readonly string[] | null;
  readonly retryInitialMillis: number;
  readonly retryMaxMillis: number;
}

const TASK = 'stask\u0000';
const PAYLOAD = 'spay\u0000';
const APPLIED = 'sapplied\u0000';
const META = 'smeta\u0000scheduler';
const REPLICATED_DB = 'sdb\u0000';

/** Longest a pull waits at the master before a heartbeat. */
const PULL_WAIT_MILLIS = 5000;
/** Backoff between failed pulls: doubles from the first to the last. */
const PULL_BACKOFF_MILLIS = [100, 200, 400, 800, 1600, 3200, 5000] as const;
/** How often the scheduler's clock ticks (retries come due). */
const TICK_MILLIS = 100;
/** Longest one task may run on a data node. */
const EXECUTE_TIMEOUT_MILLIS = 600_000;
/** Most weight pulled but not finished (room for pulling, SPEC §7.2.3). */
const MAX_UNFINISHED_WEIGHT = 20_000_000;

function key(prefix: string, id: number): string {
  return prefix + String(id).padStart(15, '0');
}

export class SlaveReplication {
  private readonly state: ControllerState;
  private readonly settings: SlaveSettings;
  private readonly self: PeerAddress;
  private readonly master: HttpClient;
  private readonly executors: ReadonlyMap<string, PeerClient>;
  private readonly log: Logger;
  private readonly metrics: SlaveReplicationMetrics | undefined;
  private scheduler: SchedulerState;
  private token: string | null = null;
  private reporting = false;
  private reportAgain = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private pulling: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  /** The last pull error, for the status functions ('' after a good pull). */
  lastPullError = '';
  lastPullMillis = 0;
  /** The master's last task id at the last pull: the lag counts tasks not pulled yet too. */
  masterLastTaskId = 0;

  constructor(
    state: ControllerState,
    settings: SlaveSettings,
    self: PeerAddress,
    dataNodes: readonly PeerAddress[],
    secret: string,
    log: Logger,
    metrics?: SlaveReplicationMetrics,
  ) {
    this.state = state;
    this.settings = settings;
    this.self = self;
    this.log = log;
    this.metrics = metrics;
    this.master = new HttpClient(`http://${settings.masterCtl.host}:${settings.masterCtl.port}`, {
      nodeName: `master controller ${settings.masterCtl.host}:${settings.masterCtl.port}`,
      timeoutMillis: PULL_WAIT_MILLIS + 10_000,
    });
    this.executors = new Map(
      dataNodes.map((n) => [
        n.alias,
        new PeerClient(n, self.alias, secret, EXECUTE_TIMEOUT_MILLIS),
      ]),
    );
    this.scheduler = createScheduler(this.config(dataNodes), this.loadTasks(), this.loadMeta());
  }

  /** The scheduler's current state (for the status functions). */
  get current(): SchedulerState {
    return this.scheduler;
  }

  /** Whether `taskId` was applied (its slave-side transaction committed). */
  applied(taskId: number): boolean {
    return this.state.records.get(key(APPLIED, taskId)) !== undefined;
  }

  /** Marks `taskIds` applied by transaction `tx` (inside that transaction's decision). */
  markApplied(taskIds: readonly number[], tx: number): void {
    for (const id of taskIds) this.state.records.putSync(key(APPLIED, id), encodeRecord(tx));
  }

  /** Whether `db` is replicated here (read-only to everyone but replication). */
  replicates(db: string): boolean {
    return this.state.records.get(REPLICATED_DB + db) !== undefined;
  }

  /** Every database this slave replicates (it received a task of it), by name. */
  replicatedDatabases(): string[] {
    const out: string[] = [];
    for (const k of this.state.records.getKeys({ start: REPLICATED_DB, end: 'sdb\u0001' })) {
      out.push(String(k).slice(REPLICATED_DB.length));
    }
    return out;
  }

  /** This cluster's data nodes, for the consistency check's checksums. */
  dataNodePeers(): PeerClient[] {
    return [...this.executors.values()];
  }

  /** The master's checksums of `db` at its last task of it (the consistency check). */
  async masterChecksums(db: string, timeoutMillis: number): Promise<SteadySums> {
    const token = await this.login();
    const answer = (await this.master.postJson(
      CHECKSUMS_PATH,
      { db, timeoutMillis },
      { headers: { authorization: `Bearer ${token}` } },
    )) as { taskId: number; tables: SumsJson };
    return { taskId: answer.taskId, sums: sumsFromJson(answer.tables) };
  }

  /** Starts pulling and scheduling (tasks left EXECUTING by a crash run again, safely). */
  start(): void {
    this.running = true;
    this.apply({ kind: 'recover', nowMillis: Date.now() });
    this.pulling = this.pullLoop();
    const tick = (): void => {
      if (!this.running) return;
      this.apply({ kind: 'tick', nowMillis: Date.now() });
      this.timer = setTimeout(tick, TICK_MILLIS);
    };
    tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.pulling;
    await Promise.allSettled([...this.inFlight]);
    await this.master.close();
    await Promise.all([...this.executors.values()].map((e) => e.close()));
  }

  /** Feeds `event` to the scheduler and performs its effects; an `error` effect is thrown. */
  apply(event: SchedulerEvent): void {
    const { state, effects } = step(this.scheduler, event);
    this.scheduler = state;
    for (const effect of effects) this.perform(effect);
    if (event.kind === 'skip') this.logSkipped(effects);
    this.forgetOldTasks();
  }

  /** One log line per task a skip finished (the persist effect holds exactly those). */
  private logSkipped(effects: readonly SchedulerEffect[]): void {
    for (const effect of effects) {
      if (effect.kind !== 'persist') continue;
      for (const task of effect.tasks) {
        this.log.warn({ taskId: task.taskId, details: task.details }, 'replication task skipped');
      }
    }
  }

  private perform(effect: SchedulerEffect): void {
    switch (effect.kind) {
      case 'persist':
        this.persist(effect.tasks);
        return;
      case 'dispatch':
        this.dispatch(effect.taskIds, effect.node);
        return;
      case 'stateChanged': {
        const entry = {
          from: effect.from,
          to: effect.to,
          reason: effect.reason,
          lastTaskId: this.scheduler.pulledThrough,
          lastFinishedTaskId: finishedThrough(this.scheduler),
        };
        if (effect.to === 'ENABLED') this.log.info(entry, 'replication state changed');
        else this.log.warn(entry, 'replication state changed');
        return;
      }
      case 'error':
        throw new ShoalError('INVALID_ARGUMENT', effect.message);
    }
  }

  /** Keeps the newest MAX_SLAVE_FINISHED_TASKS finished tasks, in memory and on disk. */
  private forgetOldTasks(): void {
    const pruned = prune(this.scheduler, MAX_SLAVE_FINISHED_TASKS);
    if (pruned === this.scheduler) return;
    const dropped = [...this.scheduler.tasks.keys()].filter((id) => !pruned.tasks.has(id));
    this.scheduler = pruned;
    this.state.atomically(() => {
      for (const id of dropped) {
        this.state.records.removeSync(key(TASK, id));
        this.state.records.removeSync(key(PAYLOAD, id));
      }
      this.persistMeta();
    });
  }

  private persistMeta(): void {
    this.state.records.putSync(
      META,
      encodeRecord({
        state: this.scheduler.state,
        stoppedReason: this.scheduler.stoppedReason,
        pulledThrough: this.scheduler.pulledThrough,
        finishedThrough: finishedThrough(this.scheduler),
      }),
    );
  }

  private persist(tasks: readonly SlaveTask[]): void {
    this.state.atomically(() => {
      for (const task of tasks)
        this.state.records.putSync(key(TASK, task.taskId), encodeRecord(task));
      this.persistMeta();
    });
  }

  /** Runs `taskIds` (one task, or a batch applied as one transaction) on data node `node`. */
  private dispatch(taskIds: readonly number[], node: string): void {
    const run = (async (): Promise<void> => {
      try {
        const executor = this.executors.get(node);
        if (executor === undefined)
          throw new ShoalError('NODE_UNAVAILABLE', `no data node ${node}`);
        const tasks = taskIds.map((id) => encodeTask(this.payload(id)));
        await executor.json(EXECUTE_PATH, { tasks, masterToken: await this.login() });
        // Applied, but this controller does not know yet: its restart runs the tasks again.
        crashPoint('slave.after-execute');
        this.metrics?.taskFinished(taskIds.length);
        this.apply({ kind: 'finished', taskIds, nowMillis: Date.now() });
        this.reportFinished();
      } catch (error) {
        if (isShoalError(error) && error.kind === 'SESSION_EXPIRED') this.token = null;
        const reason = error instanceof Error ? error.message : String(error);
        const first = taskIds[0] ?? 0;
        const attempt = this.scheduler.tasks.get(first)?.attempts;
        this.metrics?.taskFailed(taskIds.length);
        this.log.warn(
          { taskId: first, taskIds, attempt, node, details: reason },
          'replication task failed',
        );
        this.apply({ kind: 'failed', taskIds, reason, nowMillis: Date.now() });
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async pullLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      if (!wantsPull(this.scheduler)) {
        await sleep(TICK_MILLIS);
        continue;
      }
      try {
        const tasks = await this.timedPull();
        failures = 0;
        this.lastPullError = '';
        this.lastPullMillis = Date.now();
        // Stopped while the pull waited at the master: those tasks are not taken (the next
        // pull after start asks for them again), so a stopped slave receives nothing.
        if (tasks.length > 0 && this.scheduler.state === 'ENABLED') this.received(tasks);
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        if (isShoalError(error) && error.kind === 'SESSION_EXPIRED') this.token = null;
        this.lastPullError = error.message;
        const wait =
          PULL_BACKOFF_MILLIS[Math.min(failures, PULL_BACKOFF_MILLIS.length - 1)] ?? 5000;
        failures++;
        await sleep(wait);
      }
    }
  }

  /**
   * Tells the master at once how far this slave has finished (a pull waiting at the master
   * carries the position it had when sent), so retention and the status follow promptly.
   * Coalesced: one report in flight, then one more if the position moved meanwhile.
   */
  private reportFinished(): void {
    if (this.reporting) {
      this.reportAgain = true;
      return;
    }
    this.reporting = true;
    void (async () => {
      try {
        do {
          this.reportAgain = false;
          const token = await this.login();
          await this.master.postJson(REPORT_PATH, this.position(0), {
            headers: { authorization: `Bearer ${token}` },
          });
        } while (this.reportAgain && this.running);
      } catch (error) {
        // The next pull carries the position anyway; a lost report costs only promptness.
        if (!(error instanceof Error)) throw error;
        if (isShoalError(error) && error.kind === 'SESSION_EXPIRED') this.token = null;
      } finally {
        this.reporting = false;
      }
    })();
  }

  /** What the slave tells the master with a pull or a report. */
  private position(waitMillis: number): Record<string, unknown> {
    return {
      slaveId: `${this.self.alias}@${this.self.host}:${this.self.port}`,
      controller: `${this.self.host}:${this.self.port}`,
      after: this.scheduler.pulledThrough,
      finishedThrough: finishedThrough(this.scheduler),
      maxWeight: MAX_UNFINISHED_WEIGHT,
      waitMillis,
    };
  }

  /** pullOnce, its round trip observed by the pull metrics. */
  private async timedPull(): Promise<StoredTask[]> {
    const started = performance.now();
    let failed = true;
    try {
      const tasks = await this.pullOnce();
      failed = false;
      return tasks;
    } finally {
      this.metrics?.pulled((performance.now() - started) / 1000, failed);
    }
  }

  private async pullOnce(): Promise<StoredTask[]> {
    const token = await this.login();
    const answer = (await this.master.postJson(PULL_PATH, this.position(PULL_WAIT_MILLIS), {
      headers: { authorization: `Bearer ${token}` },
    })) as { tasks: string; lastTaskId: number };
    this.masterLastTaskId = Math.max(this.masterLastTaskId, answer.lastTaskId);
    return JSON.parse(answer.tasks, reviveTagged) as StoredTask[];
  }

  /** Persists pulled tasks' payloads, then hands them to the scheduler. */
  private received(tasks: readonly StoredTask[]): void {
    const fresh = tasks.filter((t) => t.taskId > this.scheduler.pulledThrough);
    this.state.atomically(() => {
      for (const task of fresh) {
        this.state.records.putSync(
          key(PAYLOAD, task.taskId),
          encodeRecord(JSON.stringify(task, replaceTagged)),
        );
        if (this.inScope(task.db))
          this.state.records.putSync(REPLICATED_DB + task.db, encodeRecord(true));
      }
    });
    crashPoint('slave.after-pull');
    this.apply({ kind: 'pulled', tasks: fresh, nowMillis: Date.now() });
  }

  private inScope(db: string): boolean {
    return this.settings.dbScope === null || this.settings.dbScope.includes(db);
  }

  private payload(taskId: number): StoredTask {
    const bytes = this.state.records.get(key(PAYLOAD, taskId)) as Uint8Array | undefined;
    if (bytes === undefined)
      throw new ShoalError('TASK_DATA_MISSING', `task ${taskId} was not kept`);
    return JSON.parse(
      decodeRecord<string>(bytes, key(PAYLOAD, taskId)),
      reviveTagged,
    ) as StoredTask;
  }

  private async login(): Promise<string> {
    if (this.token !== null) return this.token;
    const answer = (await this.master.postJson(PUBLIC_PATHS.login, {
      user: this.settings.masterUser,
      password: this.settings.masterPassword,
    })) as { token: string };
    this.token = answer.token;
    return answer.token;
  }

  private config(dataNodes: readonly PeerAddress[]): SchedulerConfig {
    return {
      queueCount: this.settings.queueCount,
      nodes: dataNodes.map((n) => n.alias),
      workerNum: this.settings.workerNum,
      maxBatchTasks: MAX_SLAVE_BATCH_TASKS,
      maxBatchWeight: MAX_SLAVE_BATCH_ROWS,
      maxAttempts: 30,
      retryInitialMillis: this.settings.retryInitialMillis,
      retryMaxMillis: this.settings.retryMaxMillis,
      maxUnfinishedWeight: MAX_UNFINISHED_WEIGHT,
      maxUnfinishedTasks: MAX_SLAVE_UNFINISHED_TASKS,
      dbScope: this.settings.dbScope,
    };
  }

  private loadTasks(): SlaveTask[] {
    const out: SlaveTask[] = [];
    for (const { key: k, value } of this.state.records.getRange({
      start: TASK,
      end: 'stask\u0001',
    })) {
      out.push(decodeRecord<SlaveTask>(value as Uint8Array, String(k)));
    }
    return out;
  }

  private loadMeta(): SavedSchedulerState | undefined {
    const bytes = this.state.records.get(META) as Uint8Array | undefined;
    return bytes === undefined ? undefined : decodeRecord(bytes, META);
  }
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
