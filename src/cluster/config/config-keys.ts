// The registry of every configuration key Shoal accepts: where it may be written, its type,
// its default and what it means. Parsing, resolution, `shoal cluster init` and the typed
// settings records are all derived from this one table.

/** The two kinds of node: the controller, and data nodes. */
export type NodeRole = 'controller' | 'datanode';

/** Where a key may be written: controller.cfg, cluster.cfg (data nodes) or both. */
export type ConfigPlace = NodeRole | 'both';

/** A `host:port` address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** A `host:port:alias` node address, as in cluster.nodes and `localSite`. */
export interface Site extends HostPort {
  readonly alias: string;
}

/** The type of a key's value, and so what its text may be. */
export type ValueType =
  | { readonly kind: 'string' }
  | {
      readonly kind: 'integer';
      readonly min: number;
      readonly max: number;
      /** A value outside [min, max] that is allowed with a special meaning (e.g. -1). */
      readonly sentinel?: { readonly value: number; readonly meaning: string };
    }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'hostPort' }
  | { readonly kind: 'site' }
  | { readonly kind: 'path' }
  | { readonly kind: 'list' };

/** Any parsed value; which one a key holds follows from its ValueType. */
export type ConfigValue = string | number | boolean | HostPort | Site | readonly string[];

/**
 * A key's default: a fixed value, unset (the setting is absent unless written), or derived
 * at resolution from other facts (the config folder, the node, the number of data nodes).
 */
export type ConfigDefault =
  | { readonly kind: 'value'; readonly value: ConfigValue }
  | { readonly kind: 'unset'; readonly note: string }
  | { readonly kind: 'derived'; readonly note: string };

/** One key's entry in the registry. */
export interface KeySpec {
  readonly place: ConfigPlace;
  readonly type: ValueType;
  readonly default: ConfigDefault;
  readonly meaning: string;
  /** The value is a password: error messages and templates never show it. */
  readonly secret?: boolean;
}

const millis = (min: number, max: number) => ({ kind: 'integer', min, max }) as const;
const DAY_MILLIS = 86_400_000;

/** Every key, in the order `shoal cluster init` documents them. */
export const CONFIG_KEYS = {
  mode: {
    place: 'both',
    type: { kind: 'enum', values: ['controller', 'datanode'] },
    default: { kind: 'derived', note: 'implied by the file: controller.cfg or cluster.cfg' },
    meaning: 'the role of the node; when written it must match the file',
  },
  localSite: {
    place: 'controller',
    type: { kind: 'site' },
    default: { kind: 'derived', note: 'the controller line of cluster.nodes' },
    meaning: 'host:port:alias of the controller; data nodes take theirs from cluster.nodes',
  },
  home: {
    place: 'both',
    type: { kind: 'path' },
    default: { kind: 'derived', note: 'the config folder' },
    meaning: 'folder under which each node keeps its data, in <home>/<alias>/',
  },
  maxConnections: {
    place: 'both',
    type: { kind: 'integer', min: 1, max: 65_536 },
    default: { kind: 'value', value: 512 },
    meaning: 'most client and peer connections a node holds at once',
  },
  sessionTimeoutMillis: {
    place: 'both',
    type: millis(1_000, 30 * DAY_MILLIS),
    default: { kind: 'value', value: 3_600_000 },
    meaning: 'idle time after which a session expires and the client must log in again',
  },
  requestTimeoutMillis: {
    place: 'both',
    type: millis(100, DAY_MILLIS),
    default: { kind: 'value', value: 30_000 },
    meaning: 'longest a node waits for a peer to answer one request',
  },
  maxRequestBytes: {
    place: 'both',
    type: { kind: 'integer', min: 1_024, max: 2_147_483_647 },
    default: { kind: 'value', value: 268_435_456 },
    meaning: 'largest request body a node accepts (256 MiB by default)',
  },
  transactionTimeoutMillis: {
    place: 'both',
    type: millis(1_000, DAY_MILLIS),
    default: { kind: 'value', value: 60_000 },
    meaning: 'longest a distributed transaction may run before it is aborted',
  },
  logLevel: {
    place: 'both',
    type: { kind: 'enum', values: ['trace', 'debug', 'info', 'warn', 'error'] },
    default: { kind: 'value', value: 'info' },
    meaning: 'least severe log messages written',
  },
  clusterReplicationSlaveNum: {
    place: 'controller',
    type: { kind: 'integer', min: 1, max: 64 },
    default: { kind: 'value', value: 2 },
    meaning: 'most slave clusters this master serves; one more is refused',
  },
  clusterReplicationMode: {
    place: 'datanode',
    type: { kind: 'enum', values: ['master', 'slave'] },
    default: { kind: 'unset', note: 'none, no replication' },
    meaning: 'whether this cluster is a replication master or slave',
  },
  clusterReplicationWorkDir: {
    place: 'datanode',
    type: { kind: 'path' },
    default: { kind: 'derived', note: '<home>/<alias>/clusterReplication' },
    meaning: 'where a master data node keeps write-task data until every slave has it',
  },
  clusterReplicationSyncPersistence: {
    place: 'datanode',
    type: { kind: 'boolean' },
    default: { kind: 'value', value: false },
    meaning: 'true: task data is fsynced before the transaction is acknowledged',
  },
  clusterReplicationMasterCtl: {
    place: 'controller',
    type: { kind: 'hostPort' },
    default: { kind: 'unset', note: 'none; a slave cluster must set it' },
    meaning: 'host:port of a controller of the master cluster',
  },
  clusterReplicationMasterUsername: {
    place: 'controller',
    type: { kind: 'string' },
    default: { kind: 'value', value: 'admin' },
    meaning:
      'user of the master cluster (with ADMIN) the slave controller logs in as to pull tasks',
  },
  clusterReplicationMasterPassword: {
    place: 'controller',
    type: { kind: 'string' },
    default: { kind: 'unset', note: 'none; a slave cluster must set it' },
    meaning: 'password of clusterReplicationMasterUsername on the master cluster',
    secret: true,
  },
  clusterReplicationRetryInitialMillis: {
    place: 'controller',
    type: { kind: 'integer', min: 1, max: 3_600_000 },
    default: { kind: 'value', value: 1000 },
    meaning: 'first delay before a failed replication task runs again (doubles each failure)',
  },
  clusterReplicationRetryMaxMillis: {
    place: 'controller',
    type: { kind: 'integer', min: 1, max: 3_600_000 },
    default: { kind: 'value', value: 60_000 },
    meaning: 'longest delay between two runs of a failing replication task',
  },
  clusterReplicationExecutionUsername: {
    place: 'datanode',
    type: { kind: 'string' },
    default: { kind: 'value', value: 'admin' },
    meaning: 'slave-side user that replays replication tasks',
  },
  clusterReplicationExecutionPassword: {
    place: 'datanode',
    type: { kind: 'string' },
    default: { kind: 'unset', note: 'none; a slave cluster must set it' },
    meaning: 'password of clusterReplicationExecutionUsername',
    secret: true,
  },
  clusterReplicationQueue: {
    place: 'controller',
    type: { kind: 'integer', min: 1, max: 4_096 },
    default: { kind: 'derived', note: '4 × the number of data nodes' },
    meaning: 'number of execution queues of a slave cluster',
  },
  clusterReplicationWorkerNum: {
    place: 'datanode',
    type: { kind: 'integer', min: 1, max: 256 },
    default: { kind: 'value', value: 4 },
    meaning: 'replication tasks one slave data node runs at once',
  },
  slaveReplicationDBScope: {
    place: 'controller',
    type: { kind: 'list' },
    default: { kind: 'unset', note: 'every database' },
    meaning: 'comma-separated databases a slave replays; others are ignored',
  },
  enableClusterReplicationSSL: {
    place: 'both',
    type: { kind: 'boolean' },
    default: { kind: 'value', value: false },
    meaning: 'TLS on all replication traffic',
  },
  clusterReplicationChunkSize: {
    place: 'controller',
    type: { kind: 'integer', min: 1, max: 10_000_000 },
    default: { kind: 'value', value: 500 },
    meaning: 'most task weight (rows) in one batch to a slave; a heavier task goes alone',
  },
  clusterReplicationIntervalMillis: {
    place: 'controller',
    type: millis(1, 3_600_000),
    default: { kind: 'value', value: 3_000 },
    meaning: 'longest a pending task waits before it is released to slaves',
  },
  clusterReplicationIntervalOpers: {
    place: 'controller',
    type: { kind: 'integer', min: 1, max: 10_000_000 },
    default: { kind: 'value', value: 500 },
    meaning: 'pending task weight that releases a batch at once',
  },
  clusterReplicationShutdownTimeout: {
    place: 'controller',
    type: millis(0, DAY_MILLIS),
    default: { kind: 'value', value: 300_000 },
    meaning: 'how long a stopping master waits (ms) for slaves to take what is pending',
  },
  clusterReplicationRedoLogCapacity: {
    place: 'controller',
    type: {
      kind: 'integer',
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      sentinel: { value: -1, meaning: 'bounded by disk' },
    },
    default: { kind: 'value', value: -1 },
    meaning: 'most task weight retained for the slowest slave',
  },
  clusterReplicationOnCapacityExceeded: {
    place: 'controller',
    type: { kind: 'enum', values: ['block-operations', 'drop-oldest'] },
    default: { kind: 'value', value: 'block-operations' },
    meaning: 'at capacity: refuse replicated writes, or drop the oldest tasks (full resync)',
  },
} as const satisfies Readonly<Record<string, KeySpec>>;

/** The name of a configuration key. */
export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Every key name, in registry order. */
export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as readonly ConfigKey[];

/** True when `name` is a configuration key. */
export function isConfigKey(name: string): name is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, name);
}

/** The registry entry of `key`, widened for code that handles every key alike. */
export function keySpec(key: ConfigKey): KeySpec {
  return CONFIG_KEYS[key];
}

/** True when a node of `role` takes `key`. */
export function keyAppliesTo(key: ConfigKey, role: NodeRole): boolean {
  const place = keySpec(key).place;
  return place === 'both' || place === role;
}

/** The keys a node of `role` takes, in registry order. */
export function keysFor(role: NodeRole): readonly ConfigKey[] {
  return CONFIG_KEY_NAMES.filter((key) => keyAppliesTo(key, role));
}

/** The TypeScript type of a value of ValueType `T`. */
export type ValueOf<T extends ValueType> = T extends { readonly kind: 'integer' }
  ? number
  : T extends { readonly kind: 'boolean' }
    ? boolean
    : T extends { readonly kind: 'enum'; readonly values: readonly (infer V extends string)[] }
      ? V
      : T extends { readonly kind: 'hostPort' }
        ? HostPort
        : T extends { readonly kind: 'site' }
          ? Site
          : T extends { readonly kind: 'list' }
            ? readonly string[]
            : string;

type Spec<K extends ConfigKey> = (typeof CONFIG_KEYS)[K];

/** The resolved value of key `K`: `undefined` only for keys whose default is unset. */
export type SettingOf<K extends ConfigKey> = Spec<K>['default'] extends { readonly kind: 'unset' }
  ? ValueOf<Spec<K>['type']> | undefined
  : ValueOf<Spec<K>['type']>;

/** The keys a node of role `R` takes. */
export type KeyFor<R extends NodeRole> = {
  [K in ConfigKey]: Spec<K>['place'] extends R | 'both' ? K : never;
}[ConfigKey];

/** Every setting of a node of role `R`, defaults applied. */
export type SettingsFor<R extends NodeRole> = { readonly [K in KeyFor<R>]: SettingOf<K> };

/** The controller's settings (controller.cfg, command line, defaults). */
export type ControllerSettings = SettingsFor<'controller'>;

/** A data node's settings (cluster.cfg, its `alias.key` overrides, command line, defaults). */
export type DataNodeSettings = SettingsFor<'datanode'>;

/** Keys whose default is derived at resolution; `resolve-settings.ts` switches over them. */
export type DerivedKey = {
  [K in ConfigKey]: Spec<K>['default'] extends { readonly kind: 'derived' } ? K : never;
}[ConfigKey];
