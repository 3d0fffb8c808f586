// controller.cfg, cluster.cfg and `--key=value` command-line overrides, parsed strictly:
// an unknown key, a key in the wrong file, a repeated key or a bad value is INVALID_CONFIG
// naming the file and line (or argument), the key and what is allowed. Pure: no fs.

import { suggestion } from '../../query/near-miss.ts';
import { CONFIG_KEY_NAMES, isConfigKey, keyAppliesTo, keySpec, keysFor } from './config-keys.ts';
import type { ConfigKey, ConfigValue, NodeRole } from './config-keys.ts';
import { contentLines } from './config-lines.ts';
import { CLUSTER_CFG, CONTROLLER_CFG, configError } from './config-source.ts';
import type { ConfigFileName, ConfigSource } from './config-source.ts';
import { describeAllowed, oneOf, parseConfigValue } from './config-values.ts';
import type { ClusterNodes } from './parse-nodes.ts';

/** One written setting and where it was written. */
export interface ConfigEntry {
  readonly key: ConfigKey;
  readonly value: ConfigValue;
  readonly source: ConfigSource;
}

/** Written settings by key. */
export type EntryMap = ReadonlyMap<ConfigKey, ConfigEntry>;

/** A parsed settings file: its shared settings and (cluster.cfg) per-data-node overrides. */
export interface ParsedConfigFile {
  readonly file: ConfigFileName;
  readonly entries: EntryMap;
  /** `alias.key=value` lines, by data node alias. Always empty for controller.cfg. */
  readonly nodeEntries: ReadonlyMap<string, EntryMap>;
}

/** The role of the nodes a settings file configures. */
export function fileRole(file: ConfigFileName): NodeRole {
  return file === CONTROLLER_CFG ? 'controller' : 'datanode';
}

/** The settings file that configures nodes of `role`. */
export function fileOfRole(role: NodeRole): ConfigFileName {
  return role === 'controller' ? CONTROLLER_CFG : CLUSTER_CFG;
}

/**
 * Parses controller.cfg or cluster.cfg. `nodes` (from cluster.nodes) checks the aliases of
 * `alias.key=value` lines. Throws INVALID_CONFIG on the first bad line.
 */
export function parseConfigFile(
  file: ConfigFileName,
  text: string,
  nodes: ClusterNodes,
): ParsedConfigFile {
  const role = fileRole(file);
  const entries = new Map<ConfigKey, ConfigEntry>();
  const nodeEntries = new Map<string, Map<ConfigKey, ConfigEntry>>();
  for (const { line, text: content } of contentLines(text)) {
    const where = { kind: 'file', file, line } as const;
    const eq = content.indexOf('=');
    if (eq === -1) throw configError(where, `${content} is not key=value`);
    const name = content.slice(0, eq).trim();
    const dot = name.indexOf('.');
    const alias = dot === -1 ? undefined : checkAlias(where, file, name.slice(0, dot), nodes);
    const key = checkKey(where, name.slice(dot + 1), role);
    const entry = parseEntry(where, key, content.slice(eq + 1).trim());
    checkModeMatches(entry, role, file);
    const scope = alias === undefined ? entries : mapFor(nodeEntries, alias);
    addOnce(scope, entry, alias === undefined ? key : `${alias}.${key}`);
  }
  return { file, entries, nodeEntries };
}

/**
 * Parses command-line overrides, each `--key=value`. Keys are checked against the registry
 * but not against a role: that depends on the node they are applied to.
 */
export function parseCommandLine(args: readonly string[]): EntryMap {
  const entries = new Map<ConfigKey, ConfigEntry>();
  args.forEach((arg, i) => {
    const where = { kind: 'argument', index: i + 1 } as const;
    const match = /^--([^=]+)=(.*)$/s.exec(arg);
    if (match === null) throw configError(where, `${arg} is not --key=value`);
    const [, name = '', raw = ''] = match;
    if (name.includes('.')) {
      throw configError(
        where,
        `--${name}: per-node overrides (alias.key) belong in cluster.cfg; on the command line give --key=value for the node being started`,
      );
    }
    const key = checkKey(where, name.trim(), undefined);
    addOnce(entries, parseEntry(where, key, raw.trim()), key);
  });
  return entries;
}

/** Why a node of `role` cannot take `key`, naming the file where it belongs. */
export function wrongPlaceMessage(key: ConfigKey, role: NodeRole): string {
  const right = keySpec(key).place === 'controller' ? CONTROLLER_CFG : CLUSTER_CFG;
  const kind = right === CONTROLLER_CFG ? 'a controller key' : 'a data node key';
  const node = role === 'controller' ? 'the controller' : 'a data node';
  const why = key === 'localSite' ? ' (a data node takes its site from cluster.nodes)' : '';
  return `${key} is ${kind}, set in ${right}; ${node} does not take it${why}`;
}

/** `key=value` for messages, hiding secret values. */
export function shownSetting(key: ConfigKey, raw: string): string {
  return `${key}=${keySpec(key).secret === true ? '***' : raw}`;
}

function checkKey(where: ConfigSource, name: string, role: NodeRole | undefined): ConfigKey {
  if (!isConfigKey(name)) {
    const near = suggestion(name, CONFIG_KEY_NAMES);
    const known = role === undefined ? CONFIG_KEY_NAMES : keysFor(role);
    const hint = near !== '' ? `.${near}` : `; the keys are ${oneOf(known)}`;
    throw configError(where, `unknown key ${name || '(empty)'}${hint}`);
  }
  if (role !== undefined && !keyAppliesTo(name, role)) {
    throw configError(where, wrongPlaceMessage(name, role));
  }
  return name;
}

function checkAlias(
  where: ConfigSource,
  file: ConfigFileName,
  alias: string,
  nodes: ClusterNodes,
): string {
  if (file === CONTROLLER_CFG) {
    throw configError(where, `per-node overrides (${alias}.key) belong in ${CLUSTER_CFG}`);
  }
  if (alias === nodes.controller.alias) {
    throw configError(where, `${alias} is the controller; set its keys in ${CONTROLLER_CFG}`);
  }
  const aliases = nodes.dataNodes.map((node) => node.alias);
  if (!aliases.includes(alias)) {
    const near = suggestion(alias, aliases);
    const listed = `${alias} is not a data node; cluster.nodes lists ${aliases.join(', ')}`;
    throw configError(where, near === '' ? listed : `${listed}.${near}`);
  }
  return alias;
}

function parseEntry(where: ConfigSource, key: ConfigKey, raw: string): ConfigEntry {
  const type = keySpec(key).type;
  if (raw === '') throw configError(where, `${key} has no value; use ${describeAllowed(type)}`);
  const parsed = parseConfigValue(type, raw);
  if (parsed === undefined) {
    throw configError(
      where,
      `${shownSetting(key, raw)} is not allowed; use ${describeAllowed(type)}`,
    );
  }
  return { key, value: parsed.value, source: where };
}

function checkModeMatches(entry: ConfigEntry, role: NodeRole, file: ConfigFileName): void {
  if (entry.key !== 'mode' || entry.value === role) return;
  throw configError(
    entry.source,
    `mode=${String(entry.value)} does not match ${file}, which configures ${role === 'controller' ? 'the controller' : 'data nodes'}: write mode=${role} or remove the line`,
  );
}

function addOnce(scope: Map<ConfigKey, ConfigEntry>, entry: ConfigEntry, shown: string): void {
  const earlier = scope.get(entry.key);
  if (earlier !== undefined) {
    const at =
      earlier.source.kind === 'file'
        ? `line ${earlier.source.line}`
        : `argument ${earlier.source.index}`;
    throw configError(entry.source, `${shown} is already set on ${at}; keep one`);
  }
  scope.set(entry.key, entry);
}

function mapFor(
  byAlias: Map<string, Map<ConfigKey, ConfigEntry>>,
  alias: string,
): Map<ConfigKey, ConfigEntry> {
  let map = byAlias.get(alias);
  if (map === undefined) {
    map = new Map();
    byAlias.set(alias, map);
  }
  return map;
}
