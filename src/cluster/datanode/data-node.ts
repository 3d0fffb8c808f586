// A data node: its store of the partitions it owns, the participant routes, the coordinator
// of client statements, and the recovery loop that resolves prepared transactions left by a
// crash (its own, a coordinator's or the controller's) by asking the controller.

import type { FastifyInstance } from 'fastify';
import type { ReplicationMode } from '../config/cluster-config.ts';
import { HELD_TASK_DATA_CHECK_MILLIS, TASK_DATA_HOLD_MILLIS } from '../../core/limits.ts';
import type { TaskDataFiles } from '../../replication/task-data-files.ts';
import { collectTaskData, registerTaskDataRoute } from '../../replication/task-data-routes.ts';
import { startRepeating } from './repeating.ts';
import type { Repeating } from './repeating.ts';
import { ExecutionBoard, registerSlaveExecutor } from '../../replication/slave-executor.ts';
import type { DataNodeReplicationMetrics } from '../../replication/replication-metrics.ts';
import {
  clusterSchemaFunction,
  DATANODE_REPLICATION_FUNCTIONS,
  dataNodeReplicationFunctions,
} from '../../replication/datanode-functions.ts';
import type { DataNodeReplicationContext } from '../../replication/datanode-functions.ts';
import path from 'node:path';
import { isShoalError } from '../../core/errors.ts';
import { defaultRegistry } from '../../query/functions/default-registry.ts';
import type { FunctionRegistry } from '../../query/functions/registry.ts';
import { startCompaction, Store } from '../../storage/index.ts';
import type { CompactionHandle, CompactionPass } from '../../storage/index.ts';
import { retainFreedMemory } from '../../net/index.ts';
import { PeerClient } from '../internal-peer.ts';
import type { PeerAddress } from '../internal-peer.ts';
import { checksumFunction } from './checksum-function.ts';
import { parseStatements } from '../../query/parser.ts';
import { VOID } from '../../query/value.ts';
import type { Value } from '../../query/value.ts';
import { registerRpcRoute, rpcFunction } from '../rpc.ts';
import { ClusterCoordinator } from './cluster-coordinator.ts';
import { callSource } from './value-source.ts';
import { clusterFunctions } from './cluster-functions.ts';
import { registerParticipantRoutes } from './participant-routes.ts';
import { USER_FUNCTION_NAMES, userFunctions } from './user-functions.ts';

export interface DataNodeOptions {
  readonly alias: string;
  /** Folder of this node's data (its store lives in `<dataDir>/store`). */
  readonly dataDir: string;
  readonly secret: string;
  readonly controller: PeerAddress;
  /** Every data node of the cluster, this one included. */
  readonly dataNodes: readonly PeerAddress[];
  readonly requestTimeoutMillis: number;
  /** How often prepared transactions are checked with the controller. */
  readonly recoveryIntervalMillis: number;
  readonly replicationMode?: ReplicationMode;
  /** On a master: where appends to replicated databases keep their task data. */
  readonly taskData?: TaskDataFiles;
  /** On a slave: who replays tasks, and how many at once. */
  readonly slaveExecution?: { readonly user: string; readonly workerNum: number };
  /** Counts the task data a master serves and the tasks a slave applies (for /metrics). */
  readonly replicationMetrics?: DataNodeReplicationMetrics;
  /** Told of each committed transaction of small client appends, with how many it held. */
  readonly onAppendBatch?: (appends: number) => void;
  /**
   * How often the store's small segments (many small appends) and mostly deleted ones are
   * merged in the background; `onPass` is told what each pass did or why it failed.
   */
  readonly compaction?: {
    readonly intervalMillis: number;
    readonly onPass: (pass: CompactionPass) => void;
  };
}

/** Commands a coordinator runs itself (their appends go through the cluster). */
const LOCAL_COMMANDS: ReadonlySet<string> = new Set([
  'tableInsert',
  'upsert!',
  'getClusterPerf',
  'tableChecksum',
  'rpc',
  'schema',
  ...USER_FUNCTION_NAMES,
  ...DATANODE_REPLICATION_FUNCTIONS,
]);

export class DataNode {
  readonly alias: string;
  readonly store: Store;
  readonly coordinator: ClusterCoordinator;
  readonly functions: FunctionRegistry;
  readonly controller: PeerClient;
  private readonly peers: Map<string, PeerClient>;
  private readonly recoveryIntervalMillis: number;
  private readonly taskData: TaskDataFiles | undefined;
  private readonly slaveExecution: DataNodeOptions['slaveExecution'];
  private readonly replicationMetrics: DataNodeReplicationMetrics | undefined;
  /** The replication workers of a slave data node. */
  private readonly board: ExecutionBoard;
  private recovery: Repeating | undefined;
  /** Checks of the task data held in memory (a master without sync persistence). */
  private settling: Repeating | undefined;
  private readonly compactionOptions: DataNodeOptions['compaction'];
  private compaction: CompactionHandle | undefined;

  private constructor(options: DataNodeOptions, store: Store) {
    this.alias = options.alias;
    this.store = store;
    this.recoveryIntervalMillis = options.recoveryIntervalMillis;
    this.taskData = options.taskData;
    this.slaveExecution = options.slaveExecution;
    this.replicationMetrics = options.replicationMetrics;
    this.compactionOptions = options.compaction;
    this.board = new ExecutionBoard(options.slaveExecution?.workerNum ?? 1);
    const client = (peer: PeerAddress): PeerClient =>
      new PeerClient(peer, options.alias, options.secret, options.requestTimeoutMillis);
    this.controller = client(options.controller);
    this.peers = new Map(options.dataNodes.map((peer) => [peer.alias, client(peer)]));
    this.functions = defaultRegistry();
    const replication: DataNodeReplicationContext = {
      alias: options.alias,
      mode: options.replicationMode ?? 'none',
      store,
      controller: this.controller,
      board: () => this.board,
    };
    const definitions = [
      ...clusterFunctions(options),
      ...userFunctions(this.controller),
      checksumFunction(this.peers),
      rpcFunction(new Map([[options.controller.alias, this.controller], ...this.peers])),
      ...dataNodeReplicationFunctions(replication),
    ];
    for (const definition of definitions) {
      this.functions.register(definition);
    }
    this.functions.replace(clusterSchemaFunction(replication));
    this.coordinator = new ClusterCoordinator({
      alias: options.alias,
      store,
      functions: this.functions,
      controller: this.controller,
      dataNodes: this.peers,
      localCommands: LOCAL_COMMANDS,
      ...(options.taskData === undefined ? {} : { taskData: options.taskData }),
      ...(options.onAppendBatch === undefined ? {} : { onAppendBatch: options.onAppendBatch }),
    });
  }

  /** Opens the node's store (prepared transactions keep their locks until resolved). */
  static async open(options: DataNodeOptions): Promise<DataNode> {
    // Bulk appends allocate and free tens of MB each: keep that memory for the next one.
    retainFreedMemory();
    const store = await Store.open({ dir: path.join(options.dataDir, 'store') });
    return new DataNode(options, store);
  }

  /** Adds the participant and rpc routes to `app`. */
  register(app: FastifyInstance): void {
    registerParticipantRoutes(
      app,
      this.store,
      this.functions,
      this.taskData,
      this.coordinator.streamed,
    );
    registerRpcRoute(app, (user, name, args) => this.call(user, name, args));
    if (this.taskData !== undefined) {
      registerTaskDataRoute(app, this.taskData, this.controller, this.replicationMetrics);
      const files = this.taskData;
      this.replicationMetrics?.watchTaskDataInMemory(() => files.heldBytes);
    }
    if (this.slaveExecution !== undefined) {
      registerSlaveExecutor(
        app,
        {
          coordinator: this.coordinator,
          controller: this.controller,
          executionUser: this.slaveExecution.user,
          ...(this.replicationMetrics === undefined ? {} : { metrics: this.replicationMetrics }),
        },
        this.board,
      );
    }
  }

  /** Runs `name(args…)` as a statement of `user` (the SDK's call, and rpc to this node). */
  async call(user: string, name: string, args: readonly Value[]): Promise<Value> {
    const text = callSource(name, args);
    let last: Value = VOID;
    for await (const value of this.coordinator.run(user, text, parseStatements(text))) last = value;
    return last;
  }

  /**
   * Starts resolving prepared transactions now and then every interval, and the background
   * compaction when the options ask for it.
   */
  start(): void {
    this.recovery = startRepeating(() => this.resolvePrepared(), this.recoveryIntervalMillis);
    const files = this.taskData;
    if (files !== undefined) {
      this.settling = startRepeating(() => this.settleHeld(files), HELD_TASK_DATA_CHECK_MILLIS);
    }
    const compaction = this.compactionOptions;
    if (compaction !== undefined) {
      this.compaction = startCompaction(this.store, compaction.intervalMillis, compaction.onPass);
    }
  }

  /**
   * Drops the task data held in memory that no task needs now (every slave finished it),
   * so that the bound holds the next appends' rather than the last ones', then writes what
   * waited TASK_DATA_HOLD_MILLIS to its file. A write that fails (DISK_ERROR) leaves the data
   * held and served from memory, and is tried again at the next check; the appends that find
   * the bound full then get the error.
   */
  private async settleHeld(files: TaskDataFiles): Promise<void> {
    if (files.heldBytes === 0) return;
    try {
      await collectTaskData(files, this.controller, files.heldTids());
      await files.flush(TASK_DATA_HOLD_MILLIS);
    } catch (error) {
      if (!isShoalError(error)) throw error;
    }
  }

  /**
   * Asks the controller about every prepared transaction and publishes or discards it, and
   * gives up a streamed append whose transaction was aborted (its coordinator died mid-stream:
   * its locks are released now, not at the stream's idle timeout).
   */
  async resolvePrepared(): Promise<void> {
    if (this.taskData !== undefined) await collectTaskData(this.taskData, this.controller);
    for (const tx of this.store.preparedTransactions()) {
      const decision = await this.inquire(tx);
      if (decision === 'commit') await this.store.publish(tx);
      else if (decision === 'abort') await this.store.discard(tx);
    }
    for (const tx of this.coordinator.streamed.transactions()) {
      if ((await this.inquire(tx)) === 'abort') {
        await this.coordinator.streamed.abort(tx, `cluster transaction ${tx} was aborted`);
      }
    }
  }

  /** The controller's decision on `tx`; undefined while it is down or busy (asked again later). */
  private async inquire(tx: string): Promise<string | undefined> {
    try {
      const answer = await this.controller.json<{ decision: string }>('/internal/inquire', {
        tx: Number(tx),
      });
      return answer.decision;
    } catch (error) {
      if (!isShoalError(error)) throw error;
      return undefined;
    }
  }

  async stop(): Promise<void> {
    await this.recovery?.stop();
    await this.settling?.stop();
    await this.compaction?.stop();
    // Task data held in memory is written before the process goes: a stop loses none.
    await this.taskData?.flush();
    await Promise.all([this.controller.close(), ...[...this.peers.values()].map((p) => p.close())]);
    await this.store.close();
  }
}
