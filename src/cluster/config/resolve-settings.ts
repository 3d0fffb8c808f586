// One node's settings: layers of written entries (file, per-node override, command line; the
// last wins) over the registry's defaults, with relative paths made absolute against the
// config folder and derived defaults computed from the node and the cluster.

import * as path from 'node:path';
import { assert, unreachable } from '../../core/assert.ts';
import { CONFIG_KEYS, keySpec, keysFor } from './config-keys.ts';
import type { ConfigKey, ConfigValue, DerivedKey, NodeRole, SettingsFor } from './config-keys.ts';
import { valueFitsType } from './config-values.ts';
import type { ConfigEntry, EntryMap } from './parse-config.ts';
import type { NodeLine } from './parse-nodes.ts';

/** What derived defaults are computed from. */
export interface NodeContext<R extends NodeRole> {
  readonly role: R;
  readonly node: NodeLine;
  /** Absolute config folder. */
  readonly dir: string;
  readonly dataNodeCount: number;
}

/** A node's settings and, for each key that was written, the entry that won. */
export interface ResolvedSettings<R extends NodeRole> {
  readonly settings: SettingsFor<R>;
  readonly written: EntryMap;
}

/** Resolves every key of `context.role` from `layers` (lowest first) and the defaults. */
export function resolveSettings<R extends NodeRole>(
  context: NodeContext<R>,
  layers: readonly EntryMap[],
): ResolvedSettings<R> {
  const keys = keysFor(context.role);
  const written = new Map<ConfigKey, ConfigEntry>();
  for (const layer of layers) {
    for (const [key, entry] of layer) if (keys.includes(key)) written.set(key, entry);
  }
  const home = absolute(context.dir, written.get('home')?.value ?? context.dir);
  const values: Record<string, ConfigValue | undefined> = {};
  for (const key of keys) values[key] = valueOf(key, written.get(key), context, home);
  assert(isSettingsFor(context.role, values), `resolved ${context.role} settings fit their types`);
  return { settings: values, written };
}

/**
 * Whether `values` holds every key of `role`, each unset or of its registry type: what
 * SettingsFor<R> spells out key by key.
 */
function isSettingsFor<R extends NodeRole>(
  role: R,
  values: Readonly<Record<string, ConfigValue | undefined>>,
): values is SettingsFor<R> {
  return keysFor(role).every((key) => {
    const value = values[key];
    return key in values && (value === undefined || valueFitsType(keySpec(key).type, value));
  });
}

function valueOf<R extends NodeRole>(
  key: ConfigKey,
  entry: ConfigEntry | undefined,
  context: NodeContext<R>,
  home: string,
): ConfigValue | undefined {
  const spec = keySpec(key);
  if (entry !== undefined) {
    return spec.type.kind === 'path' ? absolute(context.dir, entry.value) : entry.value;
  }
  switch (spec.default.kind) {
    case 'value':
      return spec.default.value;
    case 'unset':
      return undefined;
    case 'derived':
      return derivedDefault(key as DerivedKey, context, home);
    default:
      return unreachable(spec.default);
  }
}

function derivedDefault<R extends NodeRole>(
  key: DerivedKey,
  context: NodeContext<R>,
  home: string,
): ConfigValue {
  switch (key) {
    case 'mode':
      return context.role;
    case 'localSite': {
      const { host, port, alias } = context.node;
      return { host, port, alias };
    }
    case 'home':
      return home;
    case 'clusterReplicationWorkDir':
      return path.join(home, context.node.alias, 'clusterReplication');
    case 'clusterReplicationQueue':
      return Math.min(4 * context.dataNodeCount, CONFIG_KEYS.clusterReplicationQueue.type.max);
    default:
      return unreachable(key);
  }
}

function absolute(dir: string, value: ConfigValue): string {
  assert(typeof value === 'string', 'a path setting holds text');
  return path.resolve(dir, value);
}
