// The resolved configuration of a cluster: every node's address, data folder and typed
// settings with defaults applied. Built by resolve-cluster-config.ts; read by every node.

import type { ControllerSettings, DataNodeSettings } from './config-keys.ts';

interface NodeBase {
  readonly alias: string;
  readonly host: string;
  readonly port: number;
  /** Absolute folder under which the node keeps its data, in `<home>/<alias>/`. */
  readonly home: string;
}

/** The controller of a cluster. */
export interface ControllerConfig extends NodeBase {
  readonly role: 'controller';
  readonly settings: ControllerSettings;
}

/** One data node of a cluster. */
export interface DataNodeConfig extends NodeBase {
  readonly role: 'datanode';
  readonly settings: DataNodeSettings;
}

/** Any node; `role` tells which settings it has. */
export type NodeConfig = ControllerConfig | DataNodeConfig;

/** Whether the cluster replicates, from cluster.cfg's clusterReplicationMode. */
export type ReplicationMode = 'master' | 'slave' | 'none';

/** A whole cluster, as loaded from its config folder. */
export interface ClusterConfig {
  /** Absolute path of the config folder. */
  readonly dir: string;
  readonly controller: ControllerConfig;
  /** In cluster.nodes order. */
  readonly dataNodes: readonly DataNodeConfig[];
  readonly replicationMode: ReplicationMode;
}
