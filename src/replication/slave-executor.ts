// A slave data node executes the replication tasks its controller dispatches (SPEC §7.3):
// DDL is replayed on every slave data node from the master's catalog changes; an append's
// rows are fetched straight from the master data node that holds them and appended through
// this node's coordinator. Either way it is one slave-side transaction by the execution user,
// and the slave controller records the task as applied with its commit decision — so a task
// that was applied already (a retry after a crash, a duplicate dispatch) is never applied again.

import type { FastifyInstance } from 'fastify';
import { isShoalError, ShoalError } from '../core/errors.ts';
import { HttpClient } from '../net/index.ts';
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

/** The workers of a slave data node: at most workerNum tasks at once. */
export class ExecutionBoard {
  private readonly workers: (WorkerRow | undefined)[];

  constructor(workerNum: number) {
    this.workers = Array.from({ length: workerNum }, () => undefined);
  }

  /** Takes a free worker for `task` (REPLICATION_REFUSED when all are busy). */
  take(task: StoredTask): number {
    const worker = this.workers.indexOf(undefined);
    if (worker < 0) {
      throw new ShoalError(
        'REPLICATION_REFUSED',
        `all ${this.workers.length} replication workers of this node are busy`,
      );
    }
    this.set(worker, task, 'TRANSMITTED');
    return worker;
  }

  set(worker: number, task: StoredTask, state: WorkerRow['state']): void {
    this.workers[worker] = { executionSet: task.executionSet, worker, taskId: task.taskId, state };
  }

  free(worker: number): void {
    this.workers[worker] = undefined;
  }

  rows(): WorkerRow[] {
    return this.workers.filter((w): w is WorkerRow => w !== undefined);
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
    const task = JSON.parse(stringField(body, 'task'), reviveTagged) as StoredTask;
    const token = stringField(body, 'masterToken');
    const worker = board.take(task);
    try {
      const started = performance.now();
      const executing = (): void => board.set(worker, task, 'EXECUTING');
      const outcome = await executeTask(options, sources, task, token, executing);
      // A task an earlier run applied was not applied now: it is not counted twice.
      if (outcome === 'applied') options.metrics?.taskApplied((performance.now() - started) / 1000);
      return { outcome };
    } finally {
      board.free(worker);
    }
  });
}

/** Runs `task` once: 'applied' now, or 'already' when an earlier run applied it. */
async function executeTask(
  options: SlaveExecutorOptions,
  sources: SourceClients,
  task: StoredTask,
  masterToken: string,
  executing: () => void,
): Promise<'applied' | 'already'> {
  if (await applied(options.controller, task.taskId)) return 'already';
  try {
    if (task.operationType === 'APPEND') {
      const source = sources.of({ alias: task.srcAlias, host: task.srcHost, port: task.srcPort });
      await streamAppend(options, source, task, masterToken, executing);
    } else if (isRowChange(task.operationType)) {
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
    } else {
      // Schema changes (an empty list too: a truncate of an empty table) replay as DDL, so
      // the task is recorded applied like any other.
      executing();
      await options.coordinator.replicateDdl(options.executionUser, task.taskId, {
        operationType: task.operationType,
        db: task.db,
        ddl: JSON.stringify(task.ddl, replaceTagged),
      });
    }
    crashPoint('replication.after-apply');
    return 'applied';
  } catch (error) {
    // A duplicate run aborts at the decision: the task is applied, which is success.
    if (isShoalError(error) && (await applied(options.controller, task.taskId))) return 'already';
    throw error;
  }
}

/**
 * Applies an APPEND task frame by frame as its data streams in from the master data node
 * (SPEC §8.7: never held whole); the size and CRC-32 are checked before the decision.
 */
async function streamAppend(
  options: SlaveExecutorOptions,
  client: HttpClient,
  task: StoredTask,
  masterToken: string,
  executing: () => void,
): Promise<void> {
  const check = new TaskDataCheck(task.tid, { bytes: task.bytes, crc32: task.dataCrc32 });
  const body = client.getStream(`${TASK_DATA_PATH}?tid=${task.tid}&crc32=${task.dataCrc32}`, {
    headers: { authorization: `Bearer ${masterToken}` },
  });
  async function* frames(): AsyncGenerator<StreamedChunk> {
    let before = 0;
    let frame = 0;
    for await (const columns of taskDataChunks(check.tap(body))) {
      // The first frame's shares are out: owners hold a half-fed streamed prepare.
      if (frame++ === 1) crashPoint('replication.mid-stream');
      executing();
      // A frame is decoded once all its bytes are in, so the bytes since the last are its own.
      yield { columns, bytes: check.receivedBytes - before };
      before = check.receivedBytes;
    }
  }
  const target = { db: task.db, table: task.table, partitions: task.partitions };
  await options.coordinator.appendStreamed(
    options.executionUser,
    target,
    frames(),
    task.taskId,
    () => check.verify(),
    (changeBytes) => options.metrics?.taskDataHeld(changeBytes),
  );
}

async function applied(controller: PeerClient, taskId: number): Promise<boolean> {
  const answer = await controller.json<{ applied: boolean }>('/internal/replication/applied', {
    taskId,
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
  const bytes = await client.getInto(
    `${TASK_DATA_PATH}?tid=${task.tid}&crc32=${part.crc32}`,
    // One buffer of the announced size, filled as the bytes arrive: no second copy to join.
    (bytes) => Buffer.allocUnsafeSlow(bytes),
    { headers: { authorization: `Bearer ${masterToken}` } },
  );
  return checkedTaskData(task.tid, bytes, part.crc32);
}

/** HTTP clients of the master data nodes tasks are fetched from, one each, kept open. */
class SourceClients {
  private readonly clients = new Map<string, HttpClient>();

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
