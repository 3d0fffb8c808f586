// One cluster node as an OS process: loads its config, locks its folder, serves /health and
// the service's routes over HTTP, and stops cleanly on SIGTERM/SIGINT. A crash (uncaught
// exception, failed assertion) exits 1 at once; SHOAL_CRASH_AT kills it at a named point.

import * as path from 'node:path';
import type { Logger } from 'pino';
import { assert } from '../../core/assert.ts';
import type { AssertionFailure } from '../../core/assert.ts';
import { createHttpServer } from '../../net/index.ts';
import type { BoundAddress, HttpServer } from '../../net/index.ts';
import { makeDirsDurably } from '../../storage/durable-write.ts';
import { nodeStorageFs } from '../../storage/storage-fs.ts';
import { loadClusterConfig } from '../config/index.ts';
import type { ClusterConfig, NodeConfig } from '../config/index.ts';
import { registerHealthRoute } from './node-health.ts';
import type { NodeStatus } from './node-health.ts';
import { acquireNodeLock } from './node-lock.ts';
import type { NodeLock } from './node-lock.ts';
import type { NodeContext, NodeService, NodeServices } from './node-service.ts';
import { NODE_STOP_TIMEOUT_MILLIS } from './process-limits.ts';
import { readClusterSecret } from './read-cluster-secret.ts';

export { crashPoint } from '../crash-point.ts';

/** What node to run, and the services it may run. */
export interface RunNodeOptions {
  /** The cluster's config folder. */
  readonly configDir: string;
  readonly alias: string;
  /** `--key=value` arguments, for this node alone. */
  readonly overrides: readonly string[];
  readonly services: NodeServices;
}

/** A node that is listening and ready; stop() once. */
export interface RunningNode {
  readonly config: NodeConfig;
  readonly address: BoundAddress;
  readonly logger: Logger;
  status(): NodeStatus;
  /**
   * Drains the service (while still serving), closes the server (requests in flight finish
   * up to its close timeout), stops the service, unlocks.
   */
  stop(): Promise<void>;
  /** Longest the service's drain may take: the stop deadline grows by it. */
  readonly drainMillis: number;
}

/** startNode's options: a broken invariant in a route is reported to `onAssertionFailure`. */
export interface StartNodeOptions extends RunNodeOptions {
  readonly onAssertionFailure?: (error: AssertionFailure) => void;
}

/**
 * Runs the node as this process's whole life: resolves once it is ready, then serves until
 * SIGTERM/SIGINT (exit 0 after a clean stop, 1 after a failed or overlong one). Crashes exit
 * 1. Rejects when the node cannot start (the caller prints it and exits 1).
 */
export async function runNode(options: RunNodeOptions): Promise<void> {
  // The node's logger once it is up; until then a crash is written to stderr.
  const up: { logger?: Logger } = {};
  const crash = (error: unknown, what: string): void => {
    if (up.logger === undefined) process.stderr.write(`${what}: ${describe(error)}\n`);
    else up.logger.fatal({ err: error }, `crashed on ${what}; exiting`);
    process.exit(1);
  };
  process.on('uncaughtException', (error) => crash(error, 'an uncaught exception'));
  process.on('unhandledRejection', (reason) => crash(reason, 'an unhandled rejection'));
  const started = startNode({
    ...options,
    onAssertionFailure: (error) => crash(error, 'a failed assertion'),
  });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      up.logger?.warn({ signal }, 'already stopping');
      return;
    }
    stopping = true;
    // A signal during startup takes effect once the node is up (or has failed to start).
    started.then(
      (node) => shutdown(node, signal),
      () => undefined,
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  up.logger = (await started).logger;
}

/** Starts the node in this process without touching process-wide handlers (tests use it). */
export async function startNode(options: StartNodeOptions): Promise<RunningNode> {
  const cluster = await loadClusterConfig(options.configDir, options.overrides, options.alias);
  const config = nodeOf(cluster, options.alias);
  const secret = await readClusterSecret(cluster.dir);
  const dataDir = path.join(config.home, config.alias);
  await makeDirsDurably(nodeStorageFs, dataDir, new Set());
  const lock = await acquireNodeLock(dataDir);
  const server = createHttpServer({
    name: nodeName(config),
    host: config.host,
    port: config.port,
    logLevel: config.settings.logLevel,
    maxRequestBytes: config.settings.maxRequestBytes,
    ...(options.onAssertionFailure === undefined
      ? {}
      : { onAssertionFailure: options.onAssertionFailure }),
  });
  server.app.server.maxConnections = config.settings.maxConnections;
  const context: NodeContext = { config, cluster, logger: server.logger, secret, dataDir };
  return serve(options.services, context, server, lock);
}

// Registers, starts and listens; on failure undoes what was done, in reverse.
async function serve(
  services: NodeServices,
  context: NodeContext,
  server: HttpServer,
  lock: NodeLock,
): Promise<RunningNode> {
  const { config, logger } = context;
  let status: NodeStatus = 'starting';
  const undo: (() => Promise<void>)[] = [() => lock.release(), () => server.close()];
  try {
    registerHealthRoute(
      server.app,
      { alias: config.alias, role: config.role, pid: process.pid },
      () => status,
    );
    const factory = config.role === 'controller' ? services.controller : services.dataNode;
    const service: NodeService = await factory(config, context);
    service.register(server.app);
    await service.start();
    undo.push(() => service.stop());
    const address = await server.listen();
    status = 'ready';
    logger.info({ url: address.url, dataDir: context.dataDir }, 'ready');
    let stopped: Promise<void> | null = null;
    const stop = async (): Promise<void> => {
      status = 'stopping';
      await service.drain?.();
      await server.close();
      await service.stop();
      await lock.release();
    };
    return {
      config,
      address,
      logger,
      status: () => status,
      stop: () => (stopped ??= stop()),
      drainMillis: service.drainMillis ?? 0,
    };
  } catch (error) {
    logger.error({ err: error }, 'failed to start');
    for (const step of undo.reverse()) {
      await step().catch((cleanup: unknown) => logger.error({ err: cleanup }, 'cleanup failed'));
    }
    throw error;
  }
}

// A stop that hangs must not keep the process alive: past the deadline it exits 1.
async function shutdown(node: RunningNode, signal: NodeJS.Signals): Promise<void> {
  const { logger } = node;
  logger.info({ signal }, 'stopping');
  const deadlineMillis = NODE_STOP_TIMEOUT_MILLIS + node.drainMillis;
  const timer = setTimeout(() => {
    logger.fatal(`did not stop within ${deadlineMillis} ms; exiting`);
    process.exit(1);
  }, deadlineMillis);
  try {
    await node.stop();
    logger.info('stopped');
    process.exit(0);
  } catch (error) {
    logger.fatal({ err: error }, 'stop failed; exiting');
    process.exit(1);
  } finally {
    clearTimeout(timer);
  }
}

function nodeOf(cluster: ClusterConfig, alias: string): NodeConfig {
  const node = [cluster.controller, ...cluster.dataNodes].find((n) => n.alias === alias);
  assert(node !== undefined, 'loading with forAlias checked that the alias is a node');
  return node;
}

// How logs and error messages name the node: "controller", "data node dn1".
function nodeName(config: NodeConfig): string {
  if (config.role === 'datanode') return `data node ${config.alias}`;
  return config.alias === 'controller' ? 'controller' : `controller ${config.alias}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
