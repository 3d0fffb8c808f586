// The public API of cluster configuration: the key registry, the typed resolved config, and
// loading it from a config folder (or resolving it from texts, for tests and tools).

export type {
  ClusterConfig,
  ControllerConfig,
  DataNodeConfig,
  NodeConfig,
  ReplicationMode,
} from './cluster-config.ts';
export { CLUSTER_SECRET_BYTES, newClusterSecretText } from './cluster-secret.ts';
export {
  CONFIG_KEYS,
  CONFIG_KEY_NAMES,
  isConfigKey,
  keyAppliesTo,
  keysFor,
} from './config-keys.ts';
export type {
  ConfigKey,
  ConfigValue,
  ControllerSettings,
  DataNodeSettings,
  HostPort,
  NodeRole,
  SettingsFor,
  Site,
} from './config-keys.ts';
export {
  ADMIN_HASH,
  CLUSTER_CFG,
  CLUSTER_NODES,
  CLUSTER_SECRET,
  CONTROLLER_CFG,
} from './config-source.ts';
export { loadClusterConfig, loadNodeConfig } from './load-cluster-config.ts';
export { parseCommandLine, parseConfigFile } from './parse-config.ts';
export { parseNodesFile } from './parse-nodes.ts';
export { renderNodesFile, renderSettingsFile } from './render-config.ts';
export { resolveClusterConfig } from './resolve-cluster-config.ts';
export type { ConfigTexts, ResolveOptions } from './resolve-cluster-config.ts';
