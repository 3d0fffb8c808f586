// Where a setting came from (a file and line, or a command-line argument), the file names of
// a cluster's config folder, and the INVALID_CONFIG error that names the place.

import { ShoalError } from '../../core/errors.ts';

/** The controller's settings file. */
export const CONTROLLER_CFG = 'controller.cfg';
/** The data nodes' settings file. */
export const CLUSTER_CFG = 'cluster.cfg';
/** The list of nodes: `host:port:alias,controller|datanode`. */
export const CLUSTER_NODES = 'cluster.nodes';
/** 32 random bytes, hex: the seed of the cluster's internal token. Mode 0600. */
export const CLUSTER_SECRET = 'cluster.secret';
/** The scrypt hash of the admin password. Mode 0600. */
export const ADMIN_HASH = 'admin.hash';

/** A settings file. */
export type ConfigFileName = typeof CONTROLLER_CFG | typeof CLUSTER_CFG;

/** Any file of the config folder a setting or node line can come from. */
export type SourceFileName = ConfigFileName | typeof CLUSTER_NODES;

/** The origin of one setting or node line. */
export type ConfigSource =
  | { readonly kind: 'file'; readonly file: SourceFileName; readonly line: number }
  | { readonly kind: 'argument'; readonly index: number };

/** "cluster.cfg line 7", "command line argument 2", or a bare file name. */
export function describeSource(where: ConfigSource | SourceFileName): string {
  if (typeof where === 'string') return where;
  return where.kind === 'file'
    ? `${where.file} line ${where.line}`
    : `command line argument ${where.index}`;
}

/** An INVALID_CONFIG error: "<where>: <message>". */
export function configError(where: ConfigSource | SourceFileName, message: string): ShoalError {
  return new ShoalError('INVALID_CONFIG', `${describeSource(where)}: ${message}`);
}
