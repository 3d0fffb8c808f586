// From the texts of a config folder and command-line overrides to a checked ClusterConfig.
// Pure (no fs): the three files are parsed, each node's settings resolved, and the rules
// that span files checked: one replication mode for the whole cluster, what a slave needs,
// the controller's localSite agreeing with cluster.nodes, distinct master work folders.

import * as path from 'node:path';
import { assert } from '../../core/assert.ts';
import { ShoalError } from '../../core/errors.ts';
import { suggestion } from '../../query/near-miss.ts';
import type { ClusterConfig, ReplicationMode } from './cluster-config.ts';
import { keyAppliesTo } from './config-keys.ts';
import type { ConfigKey, Site } from './config-keys.ts';
import { CLUSTER_CFG, CLUSTER_NODES, CONTROLLER_CFG, configError } from './config-source.ts';
import { formatConfigValue } from './config-values.ts';
import { parseCommandLine, parseConfigFile, wrongPlaceMessage } from './parse-config.ts';
import type { ConfigEntry, EntryMap } from './parse-config.ts';
import { parseNodesFile } from './parse-nodes.ts';
import type { ClusterNodes, NodeLine } from './parse-nodes.ts';
import { resolveSettings } from './resolve-settings.ts';
import type { ResolvedSettings } from './resolve-settings.ts';

/** The texts of the three files of a config folder. */
export interface ConfigTexts {
  readonly controllerCfg: string;
  readonly clusterCfg: string;
  readonly clusterNodes: string;
}

/** Where the texts came from and what the command line adds. */
export interface ResolveOptions {
  /** Absolute path of the config folder: relative paths and `home` resolve against it. */
  readonly dir: string;
  /** `--key=value` arguments. */
  readonly overrides?: readonly string[];
  /** The node being started: overrides apply to it alone and must suit its role. */
  readonly forAlias?: string;
}

const NONE: EntryMap = new Map();

/** Parses and checks a whole cluster's configuration. Throws INVALID_CONFIG naming the place. */
export function resolveClusterConfig(texts: ConfigTexts, options: ResolveOptions): ClusterConfig {
  const dir = options.dir;
  assert(path.isAbsolute(dir), 'the config folder is an absolute path');
  const nodes = parseNodesFile(texts.clusterNodes);
  const controllerFile = parseConfigFile(CONTROLLER_CFG, texts.controllerCfg, nodes);
  const clusterFile = parseConfigFile(CLUSTER_CFG, texts.clusterCfg, nodes);
  const commandLine = parseCommandLine(options.overrides ?? []);
  const target = options.forAlias === undefined ? undefined : findNode(nodes, options.forAlias);
  checkCommandLine(commandLine, target);
  const linesFor = (node: NodeLine) =>
    target === undefined || target === node ? commandLine : NONE;
  const dataNodeCount = nodes.dataNodes.length;
  const controller = resolveSettings(
    { role: 'controller', node: nodes.controller, dir, dataNodeCount },
    [controllerFile.entries, linesFor(nodes.controller)],
  );
  checkLocalSite(controller.written, nodes.controller);
  const dataNodes = nodes.dataNodes.map((node) =>
    resolveSettings({ role: 'datanode', node, dir, dataNodeCount }, [
      clusterFile.entries,
      clusterFile.nodeEntries.get(node.alias) ?? NONE,
      linesFor(node),
    ]),
  );
  const replicationMode = checkReplicationMode(nodes.dataNodes, dataNodes);
  if (replicationMode === 'slave') checkSlaveNeeds(controller, nodes.dataNodes, dataNodes);
  if (replicationMode === 'master') checkWorkDirs(nodes.dataNodes, dataNodes);
  refuseReplicationTls([controller, ...dataNodes]);
  return {
    dir,
    controller: { ...address(nodes.controller), role: 'controller', ...withHome(controller) },
    dataNodes: nodes.dataNodes.map((node, i) => {
      const resolved = dataNodes[i];
      assert(resolved !== undefined, 'one resolved settings record per data node');
      return { ...address(node), role: 'datanode', ...withHome(resolved) };
    }),
    replicationMode,
  };
}

function address(node: NodeLine): Site {
  return { alias: node.alias, host: node.host, port: node.port };
}

function withHome<S extends { readonly home: string }>(resolved: { readonly settings: S }) {
  return { home: resolved.settings.home, settings: resolved.settings };
}

function findNode(nodes: ClusterNodes, alias: string): NodeLine {
  const all = [nodes.controller, ...nodes.dataNodes];
  const found = all.find((node) => node.alias === alias);
  if (found !== undefined) return found;
  const aliases = all.map((node) => node.alias);
  throw new ShoalError(
    'INVALID_ARGUMENT',
    `no node ${alias} in ${CLUSTER_NODES}; it lists ${aliases.join(', ')}.${suggestion(alias, aliases)}`,
  );
}

function checkCommandLine(commandLine: EntryMap, target: NodeLine | undefined): void {
  for (const entry of commandLine.values()) {
    if (target === undefined) {
      if (entry.key === 'mode') {
        throw configError(
          entry.source,
          'mode names one node’s role; give it only when starting one node',
        );
      }
      continue;
    }
    if (!keyAppliesTo(entry.key, target.role)) {
      throw configError(entry.source, wrongPlaceMessage(entry.key, target.role));
    }
    if (entry.key === 'mode' && entry.value !== target.role) {
      throw configError(
        entry.source,
        `mode=${String(entry.value)} does not match ${target.alias}, which ${CLUSTER_NODES} lists as ${target.role}`,
      );
    }
  }
}

function checkLocalSite(written: EntryMap, controller: NodeLine): void {
  const entry = written.get('localSite');
  if (entry === undefined) return;
  const site = entry.value as Site;
  const same =
    site.host.toLowerCase() === controller.host.toLowerCase() &&
    site.port === controller.port &&
    site.alias === controller.alias;
  if (same) return;
  const listed = `${controller.host}:${controller.port}:${controller.alias}`;
  throw configError(
    entry.source,
    `localSite=${formatConfigValue({ kind: 'site' }, site)} differs from the controller line of ${CLUSTER_NODES} (line ${controller.line}: ${listed}); make them the same`,
  );
}

function checkReplicationMode(
  nodes: readonly NodeLine[],
  resolved: readonly ResolvedSettings<'datanode'>[],
): ReplicationMode {
  const modes = resolved.map((r) => r.settings.clusterReplicationMode ?? 'none');
  const first = modes[0];
  assert(first !== undefined, 'a cluster has at least one data node');
  const other = modes.findIndex((mode) => mode !== first);
  if (other === -1) return first;
  const source =
    writtenSource(resolved, other, 'clusterReplicationMode') ??
    writtenSource(resolved, 0, 'clusterReplicationMode');
  throw configError(
    source ?? CLUSTER_CFG,
    `data nodes disagree on clusterReplicationMode: ${aliasAt(nodes, 0)} has ${first}, ${aliasAt(nodes, other)} has ${modes[other] ?? 'none'}; a cluster is wholly a master or a slave, so set it once in ${CLUSTER_CFG}`,
  );
}

/** TLS on the replication channel is not built: a config asking for it must not start. */
function refuseReplicationTls(
  resolved: readonly (ResolvedSettings<'controller'> | ResolvedSettings<'datanode'>)[],
): void {
  const index = resolved.findIndex((r) => r.settings.enableClusterReplicationSSL === true);
  if (index === -1) return;
  throw configError(
    writtenSource(resolved, index, 'enableClusterReplicationSSL') ?? CLUSTER_CFG,
    'enableClusterReplicationSSL=true asks for TLS on replication traffic, which this version does not provide; remove the line (or set false) and carry the channel over a private network or a tunnel (WireGuard, SSH)',
  );
}

function checkSlaveNeeds(
  controller: ResolvedSettings<'controller'>,
  nodes: readonly NodeLine[],
  dataNodes: readonly ResolvedSettings<'datanode'>[],
): void {
  if (controller.settings.clusterReplicationMasterCtl === undefined) {
    throw configError(
      CONTROLLER_CFG,
      `clusterReplicationMasterCtl is required because ${CLUSTER_CFG} sets clusterReplicationMode=slave; set it to host:port of a controller of the master cluster`,
    );
  }
  const missing = dataNodes.findIndex(
    (r) => r.settings.clusterReplicationExecutionPassword === undefined,
  );
  if (missing === -1) return;
  throw configError(
    CLUSTER_CFG,
    `clusterReplicationExecutionPassword is required on data node ${aliasAt(nodes, missing)} because clusterReplicationMode=slave; set the password of clusterReplicationExecutionUsername`,
  );
}

function checkWorkDirs(
  nodes: readonly NodeLine[],
  dataNodes: readonly ResolvedSettings<'datanode'>[],
): void {
  const seen = new Map<string, number>();
  dataNodes.forEach((r, i) => {
    const node = nodes[i];
    assert(node !== undefined, 'one node line per resolved data node');
    const place = `${node.host.toLowerCase()} ${r.settings.clusterReplicationWorkDir}`;
    const earlier = seen.get(place);
    if (earlier === undefined) {
      seen.set(place, i);
      return;
    }
    throw configError(
      writtenSource(dataNodes, i, 'clusterReplicationWorkDir') ?? CLUSTER_CFG,
      `data nodes ${aliasAt(nodes, earlier)} and ${node.alias} on ${node.host} share clusterReplicationWorkDir ${r.settings.clusterReplicationWorkDir}; give each its own (${node.alias}.clusterReplicationWorkDir=… in ${CLUSTER_CFG})`,
    );
  });
}

function writtenSource(
  resolved: readonly (ResolvedSettings<'controller'> | ResolvedSettings<'datanode'>)[],
  index: number,
  key: ConfigKey,
): ConfigEntry['source'] | undefined {
  return resolved[index]?.written.get(key)?.source;
}

function aliasAt(nodes: readonly NodeLine[], index: number): string {
  const node = nodes[index];
  assert(node !== undefined, 'index within the data nodes');
  return node.alias;
}
