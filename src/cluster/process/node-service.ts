// The contract between a node process (node-runtime.ts) and the service it runs: the
// controller or a data node. The runtime owns the process, the lock, the logger and the HTTP
// server; the service adds its routes and owns its own state.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ClusterConfig, NodeConfig } from '../config/index.ts';

/** What a service is given besides its own config. */
export interface NodeContext {
  readonly config: NodeConfig;
  /** Every node of the cluster, for the service's peers. */
  readonly cluster: ClusterConfig;
  readonly logger: Logger;
  /** The cluster secret (cluster.secret, hex), from which internal tokens are derived. */
  readonly secret: string;
  /** The node's own folder, `<home>/<alias>/`, created and locked by the runtime. */
  readonly dataDir: string;
}

/**
 * A running service. The runtime calls register (before listening), then start, then
 * listens; stop is called once, after the server has closed, and only when start resolved.
 * A start that rejects must leave nothing of its own running. `drain`, when there is one,
 * runs first, while the server still serves (a master lets its slaves take what is pending),
 * and takes at most `drainMillis`.
 */
export interface NodeService {
  register(app: FastifyInstance): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly drain?: () => Promise<void>;
  readonly drainMillis?: number;
}

/** Makes the service of one node; rejecting stops the node before it listens. */
export type ServiceFactory = (config: NodeConfig, context: NodeContext) => Promise<NodeService>;

/** The service factories a node process picks from by its role. */
export interface NodeServices {
  readonly controller: ServiceFactory;
  readonly dataNode: ServiceFactory;
}
