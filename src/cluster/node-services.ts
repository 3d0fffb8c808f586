// The real services of a node process: the controller (users, sessions, placement, the
// transaction log) and the data node (its partitions, the participant routes, the
// coordinator behind the public API). The process runtime (process/) runs them.

import path from 'node:path';
import { ShoalError } from '../core/errors.ts';
import { registerPublicApi } from '../net/public-api.ts';
import { MetricsRegistry } from '../net/metrics/metrics-registry.ts';
import { registerMetricsRoute } from '../net/metrics/metrics-route.ts';
import { checkDefaultAdminPassword, MAX_SESSIONS, readAdminHash } from './auth/index.ts';
import type { ClusterConfig } from './config/index.ts';
import { ControllerState } from './controller/controller-state.ts';
import { registerControllerPublicApi } from './controller/controller-public-api.ts';
import { registerControllerRoutes } from './controller/controller-routes.ts';
import { registerDashboardRoutes } from './dashboard/dashboard-routes.ts';
import { DataNode } from './datanode/data-node.ts';
import { dataNodeEngine } from './datanode/data-node-engine.ts';
import { guardInternalRoutes, PeerClient } from './internal-peer.ts';
import type { PeerAddress } from './internal-peer.ts';
import type { NodeService, NodeServices } from './process/node-service.ts';
import type { ReplicationMode } from './config/cluster-config.ts';
import type { ControllerFunction } from './rpc.ts';
import { MasterReplication } from '../replication/master-service.ts';
import { registerMasterRoutes } from '../replication/master-routes.ts';
import { controllerReplicationFunctions } from '../replication/replication-functions.ts';
import { TaskDataFiles } from '../replication/task-data-files.ts';
import {
  DEFAULT_COMPACTION_INTERVAL_MILLIS,
  MAX_COMBINED_APPEND_ROWS,
  MAX_HELD_TASK_DATA_BYTES,
  TASK_DATA_FRAME_BYTES,
} from '../core/limits.ts';
import type { CompactionPass } from '../storage/index.ts';
import type { Logger } from 'pino';
import { unreachable } from '../core/assert.ts';
import { SlaveReplication } from '../replication/slave-service.ts';
import type { SlaveSettings } from '../replication/slave-service.ts';
import { slaveFunctions } from '../replication/slave-functions.ts';
import type { ControllerSettings } from './config/config-keys.ts';
import {
  dataNodeReplicationMetrics,
  masterReplicationMetrics,
  registerControllerReplicationGauges,
  slaveReplicationMetrics,
} from '../replication/replication-metrics.ts';

/** How often a data node asks the controller about prepared transactions. */
const RECOVERY_INTERVAL_MILLIS = 1000;

function addressOf(node: { alias: string; host: string; port: number }): PeerAddress {
  return { alias: node.alias, host: node.host, port: node.port };
}

/** Refuses to run with admin's default password when any node listens beyond loopback. */
async function checkExposure(state: ControllerState, cluster: ClusterConfig): Promise<void> {
  const hosts = [cluster.controller, ...cluster.dataNodes].map((n) => ({
    alias: n.alias,
    host: n.host,
  }));
  checkDefaultAdminPassword(hosts, await state.users.authenticate('admin', '123456'));
}

const controller: NodeServices['controller'] = async (config, context): Promise<NodeService> => {
  if (config.role !== 'controller')
    throw new Error('the controller service runs on the controller');
  const state = ControllerState.open({
    path: path.join(context.dataDir, 'controller'),
    adminHash: await readAdminHash(context.cluster.dir),
    sessionTimeoutMillis: config.settings.sessionTimeoutMillis,
    maxSessions: MAX_SESSIONS,
  });
  try {
    await checkExposure(state, context.cluster);
  } catch (error) {
    await state.close();
    throw error;
  }
  const sources = context.cluster.dataNodes.map(addressOf);
  const metrics = new MetricsRegistry({ alias: config.alias, role: 'controller' });
  const master =
    context.cluster.replicationMode === 'master'
      ? new MasterReplication(
          state,
          {
            slaveNum: config.settings.clusterReplicationSlaveNum,
            chunkSize: config.settings.clusterReplicationChunkSize,
            intervalMillis: config.settings.clusterReplicationIntervalMillis,
            intervalOpers: config.settings.clusterReplicationIntervalOpers,
            capacity: {
              limitWeight: config.settings.clusterReplicationRedoLogCapacity,
              policy: config.settings.clusterReplicationOnCapacityExceeded,
            },
          },
          sources,
          { logger: context.logger, metrics: masterReplicationMetrics(metrics) },
        )
      : undefined;
  const slave =
    context.cluster.replicationMode === 'slave'
      ? new SlaveReplication(
          state,
          slaveSettings(config.settings, context.cluster),
          addressOf(context.cluster.controller),
          sources,
          context.secret,
          context.logger,
          slaveReplicationMetrics(metrics),
        )
      : undefined;
  const replication = replicationRole(context.cluster.replicationMode, master, slave);
  registerControllerReplicationGauges(
    metrics,
    context.cluster.replicationMode,
    replication.functions,
  );
  // A master answers a slave's consistency check with its data nodes' checksums.
  const checksumPeers = (master === undefined ? [] : sources).map(
    (node) =>
      new PeerClient(
        node,
        context.cluster.controller.alias,
        context.secret,
        config.settings.requestTimeoutMillis,
      ),
  );
  let closeForwarding = async (): Promise<void> => undefined;
  return {
    register: (app) => {
      guardInternalRoutes(app, context.secret);
      registerMetricsRoute(app, metrics);
      closeForwarding = registerControllerPublicApi(
        app,
        state,
        context.cluster.dataNodes.map(addressOf),
        config.settings.requestTimeoutMillis,
      );
      const functions = registerControllerRoutes(app, {
        state,
        cluster: {
          controller: addressOf(context.cluster.controller),
          dataNodes: context.cluster.dataNodes.map(addressOf),
        },
        dataNodes: context.cluster.dataNodes.map((n) => n.alias),
        transactionTimeoutMillis: config.settings.transactionTimeoutMillis,
        ...(master === undefined ? {} : { master }),
        ...(slave === undefined ? {} : { slave }),
        replicationFunctions: replication.functions,
      });
      registerDashboardRoutes(app, state, functions);
      if (master !== undefined) registerMasterRoutes(app, state, master, checksumPeers);
    },
    start: async () => slave?.start(),
    ...(master === undefined
      ? {}
      : {
          drain: () => master.drain(config.settings.clusterReplicationShutdownTimeout),
          drainMillis: config.settings.clusterReplicationShutdownTimeout,
        }),
    stop: async () => {
      await slave?.stop();
      await Promise.all(checksumPeers.map((peer) => peer.close()));
      await closeForwarding();
      await state.close();
    },
  };
};

const dataNode: NodeServices['dataNode'] = async (config, context): Promise<NodeService> => {
  if (config.role !== 'datanode') throw new Error('the data node service runs on data nodes');
  const metrics = new MetricsRegistry({ alias: config.alias, role: 'datanode' });
  const node = await DataNode.open({
    alias: config.alias,
    dataDir: context.dataDir,
    secret: context.secret,
    controller: addressOf(context.cluster.controller),
    dataNodes: context.cluster.dataNodes.map(addressOf),
    requestTimeoutMillis: config.settings.requestTimeoutMillis,
    recoveryIntervalMillis: RECOVERY_INTERVAL_MILLIS,
    replicationMode: context.cluster.replicationMode,
    replicationMetrics: dataNodeReplicationMetrics(metrics, context.cluster.replicationMode),
    onAppendBatch: appendBatchMetrics(metrics),
    compaction: compactionOf(metrics, context.logger),
    ...(context.cluster.replicationMode === 'master'
      ? {
          taskData: new TaskDataFiles(
            config.settings.clusterReplicationWorkDir,
            config.settings.clusterReplicationSyncPersistence,
            taskDataFrameBytes(),
            // Without sync persistence, task data may wait in memory for its slaves a while.
            config.settings.clusterReplicationSyncPersistence ? 0 : taskDataHoldBytes(),
          ),
        }
      : {}),
    ...(context.cluster.replicationMode === 'slave'
      ? {
          slaveExecution: {
            user: config.settings.clusterReplicationExecutionUsername,
            workerNum: config.settings.clusterReplicationWorkerNum,
          },
        }
      : {}),
  });
  return {
    register: (app) => {
      guardInternalRoutes(app, context.secret);
      registerMetricsRoute(app, metrics);
      node.register(app);
      registerPublicApi(app, dataNodeEngine(node));
    },
    start: async () => node.start(),
    stop: () => node.stop(),
  };
};

/** The replication functions of a controller of `mode`. */
function replicationRole(
  mode: ReplicationMode,
  master: MasterReplication | undefined,
  slave: SlaveReplication | undefined,
): { readonly functions: Map<string, ControllerFunction> } {
  const own =
    master?.functions() ??
    (slave === undefined ? new Map<string, ControllerFunction>() : slaveFunctions(slave));
  return { functions: controllerReplicationFunctions(mode, own) };
}

/** A slave controller's replication settings; INVALID_CONFIG names what is missing. */
function slaveSettings(settings: ControllerSettings, cluster: ClusterConfig): SlaveSettings {
  const masterCtl = settings.clusterReplicationMasterCtl;
  const password = settings.clusterReplicationMasterPassword;
  if (masterCtl === undefined || password === undefined) {
    throw new ShoalError(
      'INVALID_CONFIG',
      'a slave cluster (clusterReplicationMode=slave) needs clusterReplicationMasterCtl and clusterReplicationMasterPassword in controller.cfg',
    );
  }
  const first = cluster.dataNodes[0];
  return {
    masterCtl,
    masterUser: settings.clusterReplicationMasterUsername,
    masterPassword: password,
    queueCount: settings.clusterReplicationQueue,
    workerNum: first?.settings.clusterReplicationWorkerNum ?? 4,
    dbScope: settings.slaveReplicationDBScope ?? null,
    retryInitialMillis: settings.clusterReplicationRetryInitialMillis,
    retryMaxMillis: settings.clusterReplicationRetryMaxMillis,
  };
}

/** The services `shoal node` runs, by role. */
export const NODE_SERVICES: NodeServices = { controller, dataNode };

/**
 * The target frame size of task data files: TASK_DATA_FRAME_BYTES, unless the environment
 * sets SHOAL_TASK_DATA_FRAME_BYTES (tests that prove streaming use small frames).
 */
function taskDataFrameBytes(): number {
  return integerFromEnv('SHOAL_TASK_DATA_FRAME_BYTES', TASK_DATA_FRAME_BYTES, 1024, 'bytes');
}

/**
 * How much task data may wait in memory (without sync persistence): MAX_HELD_TASK_DATA_BYTES,
 * unless the environment sets SHOAL_TASK_DATA_HOLD_BYTES (tests that damage task data files
 * set 0, so every file is written at once).
 */
function taskDataHoldBytes(): number {
  return integerFromEnv('SHOAL_TASK_DATA_HOLD_BYTES', MAX_HELD_TASK_DATA_BYTES, 0, 'bytes');
}

/**
 * The environment variable `name` as a whole number of at least `min` `unit` (tests set a few
 * to see in seconds what takes minutes), or `fallback` when it is not set.
 */
function integerFromEnv(name: string, fallback: number, min: number, unit: string): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ShoalError(
      'INVALID_CONFIG',
      `${name}=${text} is not a whole number of ${unit} of at least ${min}`,
    );
  }
  return value;
}

/**
 * A data node's background compaction: every DEFAULT_COMPACTION_INTERVAL_MILLIS (or
 * SHOAL_COMPACTION_INTERVAL_MILLIS), counted in `metrics` and logged when it merged
 * something or failed.
 */
function compactionOf(
  metrics: MetricsRegistry,
  logger: Logger,
): { readonly intervalMillis: number; readonly onPass: (pass: CompactionPass) => void } {
  const compacted = metrics.counter(
    'shoal_compacted_partitions_total',
    'Partitions whose small or mostly deleted segments background compaction merged.',
  );
  const failures = metrics.counter(
    'shoal_compaction_failures_total',
    'Background compaction passes that failed (the next pass tries again; see the log).',
  );
  const intervalMillis = integerFromEnv(
    'SHOAL_COMPACTION_INTERVAL_MILLIS',
    DEFAULT_COMPACTION_INTERVAL_MILLIS,
    10,
    'milliseconds',
  );
  const onPass = (pass: CompactionPass): void => {
    switch (pass.kind) {
      case 'done':
        if (pass.partitions === 0) return;
        compacted.inc(pass.partitions);
        logger.info({ partitions: pass.partitions }, 'compacted small segments');
        return;
      case 'failed':
        failures.inc();
        logger.error({ err: pass.error }, 'background compaction failed');
        return;
      default:
        unreachable(pass);
    }
  };
  return { intervalMillis, onPass };
}

/** Counts small client appends and the transactions they shared (group commit). */
function appendBatchMetrics(metrics: MetricsRegistry): (appends: number) => void {
  const appends = metrics.counter(
    'shoal_small_appends_total',
    `Client appends of at most ${MAX_COMBINED_APPEND_ROWS} rows this data node coordinated and committed.`,
  );
  const transactions = metrics.counter(
    'shoal_small_append_transactions_total',
    'Transactions those appends were committed in: fewer than the appends when appends to one table arrive together and share one (group commit).',
  );
  return (count) => {
    appends.inc(count);
    transactions.inc();
  };
}
