// `shoal cluster init DIR`: creates a cluster's config folder: controller.cfg, cluster.cfg,
// cluster.nodes (a controller on port P, data nodes dn1… on P+1…), cluster.secret and
// admin.hash (both mode 0600; a slave's settings files too, as they hold passwords). Every
// file is written temp → fsync → rename → fsync folder.

import { access, chmod, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ShoalError } from '../core/errors.ts';
import { DEFAULT_ADMIN_PASSWORD, hashPassword } from '../cluster/auth/index.ts';
import type { Site } from '../cluster/config/config-keys.ts';
import {
  ADMIN_HASH,
  CLUSTER_CFG,
  CLUSTER_NODES,
  CLUSTER_SECRET,
  CONTROLLER_CFG,
} from '../cluster/config/config-source.ts';
import { newClusterSecretText } from '../cluster/config/cluster-secret.ts';
import { parseHostPort } from '../cluster/config/config-values.ts';
import { renderNodesFile, renderSettingsFile } from '../cluster/config/render-config.ts';
import type { Setting } from '../cluster/config/render-config.ts';
import { resolveClusterConfig } from '../cluster/config/resolve-cluster-config.ts';
import { makeDirsDurably, writeFileDurably } from '../storage/durable-write.ts';
import { nodeStorageFs } from '../storage/storage-fs.ts';
import type { StorageFs } from '../storage/storage-fs.ts';

/** Data nodes `init` creates without --datanodes. */
export const DEFAULT_INIT_DATA_NODES = 2;
/** The controller's port without --port; data nodes take the next ports. */
export const DEFAULT_INIT_PORT = 8900;
/** Most data nodes `init` lays out (a larger cluster is written by hand or by a tool). */
export const MAX_INIT_DATA_NODES = 64;

/** What `initCluster` creates; every field but `dir` has a default. */
export interface InitClusterOptions {
  readonly dir: string;
  readonly dataNodes?: number;
  readonly port?: number;
  readonly adminPassword?: string;
  readonly host?: string;
  /** Make the cluster a replication master or slave (SPEC §2). */
  readonly replication?: InitReplication;
  /** More controller.cfg lines (key, value text), e.g. channel settings. */
  readonly controllerSettings?: readonly Setting[];
  /** More cluster.cfg lines (key, value text). */
  readonly clusterSettings?: readonly Setting[];
}

/** The replication role `init` writes: a master, or a slave of the master at `masterCtl`. */
export type InitReplication =
  | { readonly mode: 'master'; readonly slaves?: number }
  | {
      readonly mode: 'slave';
      /** host:port of the master's controller. */
      readonly masterCtl: string;
      /** The master's user and password the slave pulls as (default: admin, this admin password). */
      readonly masterUser?: string;
      readonly masterPassword?: string;
      /** The slave-side user that replays tasks (default: admin, this admin password). */
      readonly executionUser?: string;
      readonly executionPassword?: string;
    };

/** The controller.cfg and cluster.cfg lines of a replication role. */
function replicationLines(
  replication: InitReplication | undefined,
  adminPassword: string,
): { controller: Setting[]; cluster: Setting[] } {
  if (replication === undefined) return { controller: [], cluster: [] };
  if (replication.mode === 'master') {
    return {
      controller:
        replication.slaves === undefined
          ? []
          : [['clusterReplicationSlaveNum', replication.slaves]],
      cluster: [['clusterReplicationMode', 'master']],
    };
  }
  const masterCtl = parseHostPort(replication.masterCtl);
  if (masterCtl === undefined) {
    throw invalid(
      `--master-ctl ${replication.masterCtl} is not allowed; use host:port of the master's controller`,
    );
  }
  return {
    controller: [
      ['clusterReplicationMasterCtl', masterCtl],
      ['clusterReplicationMasterUsername', replication.masterUser ?? 'admin'],
      ['clusterReplicationMasterPassword', replication.masterPassword ?? adminPassword],
    ],
    cluster: [
      ['clusterReplicationMode', 'slave'],
      ['clusterReplicationExecutionUsername', replication.executionUser ?? 'admin'],
      ['clusterReplicationExecutionPassword', replication.executionPassword ?? adminPassword],
    ],
  };
}

/** The cluster `initCluster` created. */
export interface InitClusterResult {
  /** Absolute path of the config folder. */
  readonly dir: string;
  readonly controller: Site;
  readonly dataNodes: readonly Site[];
  /** Files written, in the order written (cluster.nodes last: its presence means done). */
  readonly files: readonly string[];
  /** True when the admin password is DolphinDB's default. */
  readonly defaultPassword: boolean;
}

/**
 * Writes a new cluster's config folder at `options.dir` (created when missing). Throws
 * INVALID_ARGUMENT for a bad count, port, host or password, or when the folder already
 * holds a cluster.nodes; DISK_ERROR when a file cannot be written.
 */
export async function initCluster(options: InitClusterOptions): Promise<InitClusterResult> {
  const dir = path.resolve(options.dir);
  const { dataNodes: count, port, host } = checkLayout(options);
  await refuseExistingCluster(dir);
  const controller: Site = { host, port, alias: 'controller' };
  const dataNodes = Array.from({ length: count }, (_, i) => ({
    host,
    port: port + i + 1,
    alias: `dn${i + 1}`,
  }));
  const password = options.adminPassword ?? DEFAULT_ADMIN_PASSWORD;
  const roles = replicationLines(options.replication, password);
  const texts = {
    controllerCfg: renderSettingsFile(CONTROLLER_CFG, [
      ['mode', 'controller'],
      ['localSite', controller],
      ...roles.controller,
      ...(options.controllerSettings ?? []),
    ]),
    clusterCfg: renderSettingsFile(CLUSTER_CFG, [
      ...roles.cluster,
      ...(options.clusterSettings ?? []),
    ]),
    clusterNodes: renderNodesFile(controller, dataNodes),
  };
  resolveClusterConfig(texts, { dir }); // what we write must load: fail before writing
  const adminHash = `${await hashPassword(password)}\n`;
  await makeDirsDurably(nodeStorageFs, dir, new Set());
  // A slave's settings hold the master's and the execution user's passwords in clear text.
  const settingsFs = options.replication?.mode === 'slave' ? privateFileFs : nodeStorageFs;
  const files: [string, string, StorageFs][] = [
    [CLUSTER_SECRET, newClusterSecretText(), privateFileFs],
    [ADMIN_HASH, adminHash, privateFileFs],
    [CONTROLLER_CFG, texts.controllerCfg, settingsFs],
    [CLUSTER_CFG, texts.clusterCfg, settingsFs],
    [CLUSTER_NODES, texts.clusterNodes, nodeStorageFs],
  ];
  for (const [name, text, fs] of files) {
    await writeFileDurably(fs, path.join(dir, name), new TextEncoder().encode(text));
  }
  const written = files.map(([name]) => name);
  return {
    dir,
    controller,
    dataNodes,
    files: written,
    defaultPassword: password === DEFAULT_ADMIN_PASSWORD,
  };
}

/** Options as the command line gives them: text, parsed and checked here. */
export interface ClusterInitArguments {
  readonly dir: string;
  readonly datanodes?: string;
  readonly port?: string;
  readonly adminPassword?: string;
  readonly host?: string;
  readonly mode?: string;
  readonly slaves?: string;
  readonly masterCtl?: string;
  readonly masterUser?: string;
  readonly masterPassword?: string;
  readonly execUser?: string;
  readonly execPassword?: string;
}

/** The replication role the flags ask for (INVALID_ARGUMENT for a bad combination). */
function replicationOf(args: ClusterInitArguments): InitReplication | undefined {
  switch (args.mode) {
    case undefined:
      if (args.masterCtl !== undefined || args.slaves !== undefined) {
        throw invalid('--master-ctl and --slaves need --mode slave or --mode master');
      }
      return undefined;
    case 'master':
      return args.slaves === undefined
        ? { mode: 'master' }
        : { mode: 'master', slaves: parseFlagInteger('--slaves', args.slaves) };
    case 'slave':
      if (args.masterCtl === undefined) {
        throw invalid("--mode slave needs --master-ctl HOST:PORT (the master's controller)");
      }
      return {
        mode: 'slave',
        masterCtl: args.masterCtl,
        ...(args.masterUser === undefined ? {} : { masterUser: args.masterUser }),
        ...(args.masterPassword === undefined ? {} : { masterPassword: args.masterPassword }),
        ...(args.execUser === undefined ? {} : { executionUser: args.execUser }),
        ...(args.execPassword === undefined ? {} : { executionPassword: args.execPassword }),
      };
    default:
      throw invalid(`--mode ${args.mode} is not allowed; use master or slave`);
  }
}

/** `shoal cluster init`: parses the flags, creates the cluster and prints what it made. */
export async function runClusterInit(
  args: ClusterInitArguments,
  out: { write(text: string): unknown },
): Promise<InitClusterResult> {
  const replication = replicationOf(args);
  const result = await initCluster({
    dir: args.dir,
    ...(args.datanodes === undefined
      ? {}
      : { dataNodes: parseFlagInteger('--datanodes', args.datanodes) }),
    ...(args.port === undefined ? {} : { port: parseFlagInteger('--port', args.port) }),
    ...(args.adminPassword === undefined ? {} : { adminPassword: args.adminPassword }),
    ...(args.host === undefined ? {} : { host: args.host }),
    ...(replication === undefined ? {} : { replication }),
  });
  out.write(describeInit(result));
  return result;
}

/** A few lines saying what `initCluster` made; never shows a password. */
export function describeInit(result: InitClusterResult): string {
  const site = (s: Site) => `  ${s.alias.padEnd(12)}${s.host}:${s.port}`;
  const lines = [
    `Created a cluster in ${result.dir}:`,
    site(result.controller),
    ...result.dataNodes.map(site),
    `Files: ${result.files.join(', ')} (${CLUSTER_SECRET} and ${ADMIN_HASH} readable by you alone).`,
  ];
  if (result.defaultPassword) {
    lines.push(
      `The admin password is DolphinDB's default ${DEFAULT_ADMIN_PASSWORD}; pick your own (--admin-password) before the cluster listens beyond this machine.`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Writes files readable and writable by the owner alone, whatever existed before. */
const privateFileFs: StorageFs = {
  ...nodeStorageFs,
  async writeFile(file, bytes) {
    await writeFile(file, bytes, { mode: 0o600 });
    await chmod(file, 0o600); // a leftover temp file keeps its old mode through writeFile
  },
};

function checkLayout(options: InitClusterOptions): {
  dataNodes: number;
  port: number;
  host: string;
} {
  const dataNodes = options.dataNodes ?? DEFAULT_INIT_DATA_NODES;
  const port = options.port ?? DEFAULT_INIT_PORT;
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(dataNodes) || dataNodes < 1 || dataNodes > MAX_INIT_DATA_NODES) {
    throw invalid(
      `--datanodes ${dataNodes} is not allowed; use an integer from 1 to ${MAX_INIT_DATA_NODES}`,
    );
  }
  const highest = 65_535 - dataNodes;
  if (!Number.isInteger(port) || port < 1 || port > highest) {
    throw invalid(
      `--port ${port} is not allowed; the controller takes it and ${dataNodes} data node(s) the next ports, so use an integer from 1 to ${highest}`,
    );
  }
  if (parseHostPort(`${host}:1`) === undefined) {
    throw invalid(`host ${host} is not allowed; use a host name or an IP address`);
  }
  return { dataNodes, port, host };
}

async function refuseExistingCluster(dir: string): Promise<void> {
  const nodesFile = path.join(dir, CLUSTER_NODES);
  const exists = await access(nodesFile).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw invalid(
      `${dir} already holds a cluster (${CLUSTER_NODES}); pick an empty folder for a new one`,
    );
  }
}

function parseFlagInteger(flag: string, text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) {
    throw invalid(`${flag} ${text} is not allowed; use a whole number`);
  }
  return Number(text.trim());
}

function invalid(message: string): ShoalError {
  return new ShoalError('INVALID_ARGUMENT', message);
}
