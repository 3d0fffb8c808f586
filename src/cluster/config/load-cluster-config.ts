// Loading a cluster's configuration from its folder: reads controller.cfg, cluster.cfg and
// cluster.nodes, then resolves them with the command-line overrides (resolve-cluster-config).

import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { assert } from '../../core/assert.ts';
import { asDiskError } from '../../storage/durable-write.ts';
import type { ClusterConfig, NodeConfig } from './cluster-config.ts';
import { CLUSTER_CFG, CLUSTER_NODES, CONTROLLER_CFG, configError } from './config-source.ts';
import type { SourceFileName } from './config-source.ts';
import { resolveClusterConfig } from './resolve-cluster-config.ts';

/**
 * The whole cluster configured in `dir`. `overrides` are `--key=value` arguments; with
 * `forAlias` they apply to that node alone (and must suit its role), otherwise to every node
 * that takes the key. Throws INVALID_CONFIG (file, line, key, what is allowed) or DISK_ERROR.
 */
export async function loadClusterConfig(
  dir: string,
  overrides: readonly string[] = [],
  forAlias?: string,
): Promise<ClusterConfig> {
  const absolute = path.resolve(dir);
  const [controllerCfg, clusterCfg, clusterNodes] = await Promise.all([
    readConfigFile(absolute, CONTROLLER_CFG),
    readConfigFile(absolute, CLUSTER_CFG),
    readConfigFile(absolute, CLUSTER_NODES),
  ]);
  const texts = { controllerCfg, clusterCfg, clusterNodes };
  const options = { dir: absolute, overrides, ...(forAlias === undefined ? {} : { forAlias }) };
  return resolveClusterConfig(texts, options);
}

/** The node `alias` of the cluster in `dir`, with `overrides` applied to it alone. */
export async function loadNodeConfig(
  dir: string,
  alias: string,
  overrides: readonly string[] = [],
): Promise<NodeConfig> {
  const cluster = await loadClusterConfig(dir, overrides, alias);
  const node = [cluster.controller, ...cluster.dataNodes].find((n) => n.alias === alias);
  assert(node !== undefined, 'resolution checked that the alias is a node');
  return node;
}

async function readConfigFile(dir: string, file: SourceFileName): Promise<string> {
  const full = path.join(dir, file);
  try {
    return await readFile(full, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw configError(
        file,
        `not found in ${dir}; run \`shoal cluster init ${dir}\` to create a cluster there, or name the folder that holds one`,
      );
    }
    throw asDiskError(error, `reading ${full}`);
  }
}
