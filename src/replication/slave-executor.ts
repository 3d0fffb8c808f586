// A slave data node executes the replication tasks its controller dispatches (SPEC §7.3):
// DDL is replayed on every slave data node from the master's catalog changes; an append's
// rows are fetched straight from the master data node that holds them and appended through
// this node's coordinator. Either way it is one slave-side transaction by the execution user,
// and the slave controller records the task as applied with its commit decision — so a task
// that was applied already (a retry after a crash, a duplicate dispatch) is never applied again.

import type { FastifyInstance } from 'fastify';
import { assert } from '../core/assert.ts';
import { isShoalError, ShoalError } from '../core/errors.ts';
import { BodyBufferPool, HttpClient, ReadAhead } from '../net/index.ts';
import { TASK_DATA_FRAME_BYTES } from '../core/limits.ts';
import { reviveTagged, replaceTagged } from '../storage/commit-effects.ts';
import type { ClusterCoordinator, StreamedChunk } from '../cluster/datanode/cluster-coordinator.ts';
import type { PeerClient } from '../cluster/internal-peer.ts';
import { jsonBody, stringField } from '../cluster/internal-peer.ts';
import type { StoredTask } from './master-log.ts';
import { crashPoint } from '../cluster/crash-point.ts';
import {
  checkedTaskData,
  TaskDataCheck,
  taskDataChunks,
  taskDataDelta,
} from './task-data-files.ts';
import { isRowChange } from '../storage/row-delta.ts';
import type { RowDelta } from '../storage/row-delta.ts';
import type { TaskPart } from './master-log.ts';
import type { Column } from '../core/types/column.ts';
import { concatColumnSets } from '../core/types/column-ops.ts';
import { batchable } from '../core/replication/slave-scheduler.ts';
import { TASK_DATA_PATH } from './task-data-routes.ts';
import type { DataNodeReplicationMetrics } from './replication-metrics.ts';

/** The route a slave controller dispatches tasks to. */
export const EXECUTE_PATH = '/internal/replication/execute';

/** Longest one task's data transfer may take. */
const FETCH_TIMEOUT_MILLIS = 600_000;

export interface SlaveExecutorOptions {
  readonly coordinator: ClusterCoordinator;
  readonly controller: PeerClient;
  /** clusterReplicationExecutionUsername: the user tasks run as. */
  readonly executionUser: string;
  /** Counts the tasks applied and times them. */
  readonly metrics?: DataNodeReplicationMetrics;
}

/** A task as dispatched: the master's record, encoded with tagged values. */
export function encodeTask(task: StoredTask): string {
  return JSON.stringify(task, replaceTagged);
}

/** What one worker of a slave data node does now (getSlaveReplicationExecutionStatus). */
export interface WorkerRow {
  readonly executionSet: number;
  readonly worker: number;
  readonly taskId: number;
  /** TRANSMITTED: fetching the task's data from the master; EXECUTING: applying it. */
  readonly state: 'TRANSMITTED' | 'EXECUTING';
}

/** The workers of a slave data node: at most workerNum runs at once, a row per task of each. */
export class ExecutionBoard {
  private readonly workers: (readonly WorkerRow[] | undefined)[];

  constructor(workerNum: number) {
    this.workers = Array.from({ length: workerNum }, () => undefined);
  }

  /** Takes a free worker for `tasks` (REPLICATION_REFUSED when all are busy). */
  take(tasks: readonly StoredTask[]): number {
    const worker = this.workers.indexOf(undefined);
    if (worker < 0) {
      throw new ShoalError(
        'REPLICATION_REFUSED',
        `all ${this.workers.length} replication workers of this node are busy`,
      );
    }
    this.set(worker, tasks, 'TRANSMITTED');
    return worker;
  }

  set(worker: number, tasks: readonly StoredTask[], state: WorkerRow['state']): void {
    this.workers[worker] = tasks.map((task) => ({
      executionSet: task.executionSet,
      worker,
      taskId: task.taskId,
      state,
    }));
  }

  free(worker: number): void {
    this.workers[worker] = undefined;
  }

  rows(): WorkerRow[] {
    return this.workers.flatMap((rows) => rows ?? []);
  }
}

/** Registers the execute route of a slave data node; its workers show on `board`. */
export function registerSlaveExecutor(
  app: FastifyInstance,
  options: SlaveExecutorOptions,
  board: ExecutionBoard,
): void {
  // One client per master data node, kept: each task no longer pays a new connection.
  const sources = new SourceClients();
  app.addHook('onClose', () => sources.close());
  app.post(EXECUTE_PATH, async (request) => {
    const body = jsonBody(request);
    const tasks = runOf(body['tasks']);
    const token = stringField(body, 'masterToken');
    const worker = board.take(tasks);
    try {
      const started = performance.now();
      // Called per frame; the board changes once.
      let marked = false;
      const executing = (): void => {
        if (marked) return;
        marked = true;
        board.set(worker, tasks, 'EXECUTING');
      };
      const applied = await executeRun(options, sources, tasks, token, executing);
      // Tasks an earlier run applied were not applied now: they are not counted twice.
      if (applied > 0) options.metrics?.taskApplied((performance.now() - started) / 1000, applied);
      return { outcome: applied > 0 ? 'applied' : 'already' };
    } finally {
      board.free(worker);
    }
  });
}

/**
 * The tasks of a dispatched run: one task, or several appends to one table (a batch), in id
 * order. BAD_REQUEST for anything else.
 */
function runOf(value: unknown): StoredTask[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((t) => typeof t === 'string')) {
    throw new ShoalError('BAD_REQUEST', 'tasks must be a non-empty array of encoded tasks');
  }
  const tasks = value.map((text: string) => JSON.parse(text, reviveTagged) as StoredTask);
  const first = tasks[0] as StoredTask;
  const batch = tasks.every(
    (t, i) => batchable(first, t) && (i === 0 || t.taskId > (tasks[i - 1] as StoredTask).taskId),
  );
  if (tasks.length > 1 && !batch) {
    throw new ShoalError(
      'BAD_REQUEST',
      'a run of several tasks must be appends to one table in task id order',
    );
  }
  return tasks;
}

/**
 * Runs `tasks` once, as one slave-side transaction: the number applied now (0 when an earlier
 * run applied them all). Tasks an earlier run applied are left out, so a batch retried after
 * a crash applies only the rest.
 */
async function executeRun(
  options: SlaveExecutorOptions,
  sources: SourceClients,
  tasks: readonly StoredTask[],
  masterToken: string,
  executing: () => void,
): Promise<number> {
  const done = new Set(await appliedOf(options.controller, tasks));
  const todo = tasks.filter((task) => !done.has(task.taskId));
  const first = todo[0];
  if (first === undefined) return 0;
  try {
    if (first.operationType === 'APPEND') {
      await streamAppends(options, sources, todo, masterToken, executing);
    } else {
      assert(todo.length === 1, 'only appends run in batches (runOf refuses others)');
      await executeOne(options, sources, first, masterToken, executing);
    }
    crashPoint('replication.after-apply');
    return todo.length;
  } catch (error) {
    // A duplicate run aborts at the decision: the tasks are applied, which is success.
    if (isShoalError(error) && (await appliedOf(options.controller, todo)).length === todo.length)
      return 0;
    throw error;
  }
}

/** Applies one row change or schema change task. */
async function executeOne(
  options: SlaveExecutorOptions,
  sources: SourceClients,
  task: StoredTask,
  masterToken: string,
  executing: () => void,
): Promise<void> {
  if (isRowChange(task.operationType)) {
    const deltas = await Promise.all(
      task.parts.map(async (part) =>
        taskDataDelta(await fetchTaskData(sources.of(part), task, part, masterToken)),
      ),
    );
    executing();
    await options.coordinator.replicateRowDelta(
      options.executionUser,
      task.taskId,
      task,
      joinDeltas(deltas),
    );
    return;
  }
  // Schema changes (an empty list too: a truncate of an empty table) replay as DDL, so
  // the task is recorded applied like any other.
  executing();
  await options.coordinator.replicateDdl(options.executionUser, task.taskId, {
    operationType: task.operationType,
    db: task.db,
    ddl: JSON.stringify(task.ddl, replaceTagged),
  });
}

/**
 * Applies APPEND tasks of one table (one, or a batch in id order) frame by frame as their
 * data streams in from the master data nodes (SPEC §8.7: never held whole), as one
 * transaction. Each task's size and CRC-32 are checked as its data ends, and all again before
 * the decision. Small tasks' data is fetched a few ahead, so a batch of many small appends
 * does not wait for one round trip per task.
 */
async function streamAppends(
  options: SlaveExecutorOptions,
  sources: SourceClients,
  tasks: readonly StoredTask[],
  masterToken: string,
  executing: () => void,
): Promise<void> {
  const checks = tasks.map(
    (task) => new TaskDataCheck(task.tid, { bytes: task.bytes, crc32: task.dataCrc32 }),
  );
  const fetcher = new TaskDataFetcher(sources, tasks, masterToken);
  const held = (changeBytes: number): void => options.metrics?.taskDataHeld(changeBytes);
  // The first frames are on their way while the transaction is checked and begun.
  const ahead = framesAhead(fetcher, checks, sources.frameBuffers, executing, held);
  const first = tasks[0] as StoredTask;
  const partitions = [...new Set(tasks.flatMap((task) => task.partitions))].sort();
  const target = { db: first.db, table: first.table, partitions };
  try {
    await options.coordinator.appendStreamed(
      options.executionUser,
      target,
      ahead.frames,
      tasks.map((task) => task.taskId),
      () => {
        for (const check of checks) check.verify();
      },
      held,
    );
  } finally {
    // Refused before its first frame (a privilege, a lock): the fetch is ended all the same.
    await ahead.close();
  }
}

/**
 * The frames of the tasks' data, in order, each task's size and CRC-32 checked as its data
 * ends; read one frame ahead of the consumer from now on, so the next frame arrives while
 * this one is split and written (a fetch consumed straight stops reading while its consumer
 * works). At most three frames are held then, counted by `held`: one being written, one being
 * split, one read ahead (FRAME_POOL_BYTES keeps their buffers). `close` ends the fetch.
 */
function framesAhead(
  fetcher: TaskDataFetcher,
  checks: readonly TaskDataCheck[],
  buffers: BodyBufferPool,
  executing: () => void,
  held: (changeBytes: number) => void,
): { readonly frames: AsyncIterable<StreamedChunk>; close(): Promise<void> } {
  // Small tasks' data is fetched whole a few tasks ahead.
  fetcher.prefetchFrom(0);
  async function* read(): AsyncGenerator<StreamedChunk> {
    for (const [i, check] of checks.entries()) {
      let before = 0;
      for await (const { columns, release } of taskDataChunks(
        check.tap(fetcher.body(i)),
        // The fetch's chunks are this reader's alone: each is freed once copied into a frame.
        { buffers, releaseChunks: true },
      )) {
        executing();
        // A frame is decoded once all its bytes are in, so the bytes since the last are its own.
        const bytes = check.receivedBytes - before;
        before = check.receivedBytes;
        held(bytes);
        yield { columns, bytes, release };
      }
      check.verify();
    }
  }
  const ahead = new ReadAhead(read(), 1, (chunk) => {
    chunk.release?.();
    held(-chunk.bytes);
  });
  ahead.start();
  async function* frames(): AsyncGenerator<StreamedChunk> {
    let frame = 0;
    for await (const chunk of ahead) {
      // The consumer counts what it holds from here.
      held(-chunk.bytes);
      // The first frame's shares are out: owners hold a half-fed streamed prepare.
      if (frame++ === 1) crashPoint('replication.mid-stream');
      yield chunk;
    }
  }
  return { frames: frames(), close: () => ahead.close() };
}

/** The ids among `tasks` that were applied already (their slave-side commits recorded them). */
async function appliedOf(controller: PeerClient, tasks: readonly StoredTask[]): Promise<number[]> {
  const answer = await controller.json<{ applied: number[] }>('/internal/replication/applied', {
    taskIds: tasks.map((task) => task.taskId),
  });
  return answer.applied;
}

/** The row deltas of every participant as one. */
function joinDeltas(deltas: readonly RowDelta[]): RowDelta {
  const first = deltas[0];
  if (first === undefined) return { removed: [], added: [] };
  const join = (side: 'removed' | 'added'): Column[] =>
    concatColumnSets(
      first[side].map((c) => c.type),
      deltas.map((d) => d[side]),
    );
  return { removed: join('removed'), added: join('added') };
}

/** A task data file from the master data node that holds it, checked against its CRC. */
async function fetchTaskData(
  client: HttpClient,
  task: StoredTask,
  part: TaskPart,
  masterToken: string,
): Promise<Uint8Array> {
  const bytes = await fetchWhole(client, task.tid, part.crc32, bearer(masterToken));
  return checkedTaskData(task.tid, bytes, part.crc32);
}

/** The task data file of master transaction `tid` whole, as it came (unchecked). */
function fetchWhole(
  client: HttpClient,
  tid: number,
  crc32: number,
  headers: Readonly<Record<string, string>>,
): Promise<Uint8Array> {
  // One buffer of the announced size, filled as the bytes arrive: no second copy to join.
  return client.getInto(taskDataPath(tid, crc32), (size) => Buffer.allocUnsafeSlow(size), {
    headers,
  });
}

function taskDataPath(tid: number, crc32: number): string {
  return `${TASK_DATA_PATH}?tid=${tid}&crc32=${crc32}`;
}

function bearer(masterToken: string): Readonly<Record<string, string>> {
  return { authorization: `Bearer ${masterToken}` };
}

/** Task data of at most this size is fetched whole, ahead of its turn. */
const PREFETCH_MAX_TASK_BYTES = 1 << 20;
/** How many tasks ahead of the one being applied small task data is fetched. */
const PREFETCH_TASKS = 8;
/**
 * Frame buffers kept idle for reuse: those of one run (one frame arriving, one being split,
 * one being written). More would keep a node that applied many runs side by side at its peak
 * memory afterwards.
 */
const FRAME_POOL_BYTES = 3 * (TASK_DATA_FRAME_BYTES + (1 << 20));

/**
 * The data of a run's tasks, in order, each read once. A large task's data streams as it is
 * read; a small task's is fetched whole up to PREFETCH_TASKS tasks ahead, so at most that
 * many small files (PREFETCH_MAX_TASK_BYTES each) are held besides the frames in use.
 */
class TaskDataFetcher {
  private readonly sources: SourceClients;
  private readonly tasks: readonly StoredTask[];
  private readonly headers: Readonly<Record<string, string>>;
  private readonly ahead = new Map<number, Promise<Uint8Array>>();

  constructor(sources: SourceClients, tasks: readonly StoredTask[], masterToken: string) {
    this.sources = sources;
    this.tasks = tasks;
    this.headers = bearer(masterToken);
  }

  /** The bytes of task `index`'s data as they arrive. */
  body(index: number): AsyncIterable<Uint8Array> {
    this.prefetchFrom(index);
    const whole = this.ahead.get(index);
    this.ahead.delete(index);
    if (whole !== undefined)
      return (async function* () {
        yield await whole;
      })();
    const task = this.tasks[index] as StoredTask;
    return this.client(task).getStream(taskDataPath(task.tid, task.dataCrc32), {
      headers: this.headers,
    });
  }

  /** Starts fetching the small tasks' data among tasks `index` to index + PREFETCH_TASKS - 1. */
  prefetchFrom(index: number): void {
    for (let i = index; i < Math.min(this.tasks.length, index + PREFETCH_TASKS); i++) {
      this.prefetch(i);
    }
  }

  private prefetch(index: number): void {
    const task = this.tasks[index] as StoredTask;
    if (this.ahead.has(index) || task.bytes > PREFETCH_MAX_TASK_BYTES) return;
    const bytes = fetchWhole(this.client(task), task.tid, task.dataCrc32, this.headers);
    // A fetch that fails is reported when its turn comes (or never, when the run failed
    // before): not as an unhandled rejection now.
    bytes.catch(() => undefined);
    this.ahead.set(index, bytes);
  }

  private client(task: StoredTask): HttpClient {
    return this.sources.of({ alias: task.srcAlias, host: task.srcHost, port: task.srcPort });
  }
}

/**
 * HTTP clients of the master data nodes tasks are fetched from, one each, kept open; and the
 * buffers fetched frames are joined in, kept from frame to frame and task to task.
 */
class SourceClients {
  private readonly clients = new Map<string, HttpClient>();
  /**
   * A new frame buffer's pages are faulted in as its bytes are copied in, and on a VM that
   * cost about 40 ms per 16 MB frame, more than the rest of applying it.
   */
  readonly frameBuffers = new BodyBufferPool(FRAME_POOL_BYTES);

  of(source: { readonly alias: string; readonly host: string; readonly port: number }): HttpClient {
    const key = `${source.host}:${source.port}`;
    let client = this.clients.get(key);
    if (client === undefined) {
      client = new HttpClient(`http://${key}`, {
        nodeName: `master data node ${source.alias}`,
        timeoutMillis: FETCH_TIMEOUT_MILLIS,
        // An append's data streams: memory is bounded by its frames, not by its size.
        maxResponseBytes: Number.MAX_SAFE_INTEGER,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
    this.clients.clear();
  }
}
