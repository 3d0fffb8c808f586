// The replication functions a controller answers (SPEC §5), by role: a master's run on a
// master, a slave's on a slave, and each of them elsewhere fails with a message that says
// where it belongs (S01024-style) or that replication is not configured.

import { ShoalError } from '../core/errors.ts';
import type { ControllerFunction } from '../cluster/rpc.ts';
import type { ReplicationMode } from '../cluster/config/cluster-config.ts';
import { replicationNotEnabled } from './master-log.ts';

/** Functions that run on a master controller. */
export const MASTER_CONTROLLER_FUNCTIONS = [
  'getMasterReplicationStatus',
  'getRecentSlaveReplicationInfo',
  'getDatabaseClusterReplicationStatus',
  'setDatabaseClusterReplicationExecutionSet',
  'getReplicationChannelStatus',
] as const;

/** Functions that run on a slave controller. */
export const SLAVE_CONTROLLER_FUNCTIONS = [
  'getSlaveReplicationStatus',
  'getSlaveReplicationQueueStatus',
  'getClusterReplicationMetrics',
  'skipClusterReplicationTask',
  'checkClusterReplicationConsistency',
] as const;

/** Functions that run on the controller of either role. */
export const EITHER_CONTROLLER_FUNCTIONS = [
  'stopClusterReplication',
  'startClusterReplication',
  'getClusterReplicationState',
] as const;

/** Every replication function a controller answers. */
export const CONTROLLER_REPLICATION_FUNCTIONS: readonly string[] = [
  ...MASTER_CONTROLLER_FUNCTIONS,
  ...SLAVE_CONTROLLER_FUNCTIONS,
  ...EITHER_CONTROLLER_FUNCTIONS,
];

/**
 * Every replication function for a controller of `mode`: `own` are this role's
 * implementations; any other name fails with where it belongs, or with "not enabled".
 */
export function controllerReplicationFunctions(
  mode: ReplicationMode,
  own: ReadonlyMap<string, ControllerFunction>,
): Map<string, ControllerFunction> {
  const out = new Map<string, ControllerFunction>();
  for (const name of CONTROLLER_REPLICATION_FUNCTIONS) {
    const f = own.get(name);
    out.set(name, f ?? (async () => Promise.reject(misplaced(mode, name))));
  }
  return out;
}

/** The error for `name` called on a controller of `mode` that does not run it. */
export function misplaced(mode: ReplicationMode, name: string): ShoalError {
  if (mode === 'none') return replicationNotEnabled();
  const belongs = (MASTER_CONTROLLER_FUNCTIONS as readonly string[]).includes(name)
    ? 'master'
    : 'slave';
  return new ShoalError(
    'REPLICATION_WRONG_ROLE',
    `${name} must be called on the ${belongs} cluster's controller; this is a ${mode} cluster`,
  );
}
