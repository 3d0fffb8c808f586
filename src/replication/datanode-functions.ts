// The replication functions on a data node: the controller's ones are passed to the
// controller with the caller (it checks ADMIN), and setDatabaseForClusterReplication runs
// here first, reading the database's creation from this node's catalog so the CREATE_DB
// task the master records carries it.

import { ShoalError } from '../core/errors.ts';
import { databaseArg } from '../query/functions/database-functions.ts';
import type { FunctionDefinition } from '../query/functions/registry.ts';
import { schemaOf, schemaSubject } from '../query/functions/schema-function.ts';
import { DB_ENABLED_PATH } from '../cluster/controller/controller-routes.ts';
import { VOID } from '../query/value.ts';
import type { Value } from '../query/value.ts';
import type { Store } from '../storage/index.ts';
import { replaceTagged } from '../storage/commit-effects.ts';
import type { ReplicationMode } from '../cluster/config/cluster-config.ts';
import type { PeerClient } from '../cluster/internal-peer.ts';
import { callPeer } from '../cluster/rpc.ts';
import { CONTROLLER_REPLICATION_FUNCTIONS, misplaced } from './replication-functions.ts';
import type { ExecutionBoard, WorkerRow } from './slave-executor.ts';
import { statusTable } from './status-table.ts';

/** What the data node's replication functions need. */
export interface DataNodeReplicationContext {
  readonly alias: string;
  readonly mode: ReplicationMode;
  readonly store: Store;
  readonly controller: PeerClient;
  /** The node's replication workers (read when the function runs). */
  readonly board: () => ExecutionBoard;
}

/** Names of the data node's replication functions (they run on the coordinator). */
export const DATANODE_REPLICATION_FUNCTIONS: readonly string[] = [
  ...CONTROLLER_REPLICATION_FUNCTIONS,
  'setDatabaseForClusterReplication',
  'getSlaveReplicationExecutionStatus',
];

/** The replication functions of a data node. */
export function dataNodeReplicationFunctions(
  context: DataNodeReplicationContext,
): FunctionDefinition[] {
  const forwarded = CONTROLLER_REPLICATION_FUNCTIONS.map((name): FunctionDefinition => ({
    kind: 'command',
    name,
    summary: `${name}(…): replication, run on the controller (admin only)`,
    minArgs: 0,
    maxArgs: 2,
    run: (args, { user }) => callPeer(context.controller, user, name, args.map(plain)),
  }));
  return [...forwarded, setDatabaseForClusterReplication(context), executionStatus(context)];
}

/**
 * schema(table or database) on a data node: as in an embedded store, and a database's
 * clusterReplicationEnabled is what the controller says (a master's setting, or a slave's
 * replicated databases). A command, because it asks the controller.
 */
export function clusterSchemaFunction(context: DataNodeReplicationContext): FunctionDefinition {
  return {
    kind: 'command',
    name: 'schema',
    summary:
      "schema(table or database): a table's columns and partitioning; a database's partitioning, tables and clusterReplicationEnabled",
    minArgs: 1,
    maxArgs: 1,
    run: async ([arg], { store, position }) => {
      const subject = schemaSubject(arg, position);
      const replicated =
        subject.kind === 'database' && context.mode !== 'none'
          ? (
              await context.controller.json<{ enabled: boolean }>(DB_ENABLED_PATH, {
                db: subject.database,
              })
            ).enabled
          : false;
      return schemaOf(subject, store.catalog, replicated, position);
    },
  };
}

function setDatabaseForClusterReplication(context: DataNodeReplicationContext): FunctionDefinition {
  const name = 'setDatabaseForClusterReplication';
  return {
    kind: 'command',
    name,
    summary: `${name}(db, bool): turns replication of a database on or off (master, admin only)`,
    minArgs: 2,
    maxArgs: 2,
    run: async ([dbArg, flag], { user, position }) => {
      if (context.mode !== 'master') throw misplaced(context.mode, 'getMasterReplicationStatus');
      const db = databaseArg(dbArg, position);
      const enabled = flag?.kind === 'scalar' && Boolean(flag.value);
      const state = context.store.catalog.databases.get(db);
      if (state === undefined) {
        throw new ShoalError('DATABASE_NOT_FOUND', `database ${db} does not exist`);
      }
      if (enabled && state.tables.size > 0) {
        throw new ShoalError(
          'INVALID_ARGUMENT',
          `database ${db} already holds tables: enable replication on a database before creating its tables (a full sync of existing data, SPEC §7.8, is not available yet)`,
        );
      }
      await context.controller.json('/internal/replication/enable-db', {
        user,
        db,
        enabled,
        create: JSON.stringify({ kind: 'create-database', meta: state.meta }, replaceTagged),
        via: context.alias,
      });
      return VOID;
    },
  };
}

function executionStatus(context: DataNodeReplicationContext): FunctionDefinition {
  const name = 'getSlaveReplicationExecutionStatus';
  return {
    kind: 'command',
    name,
    summary: `${name}(): what this slave data node's replication workers run now (admin only)`,
    minArgs: 0,
    maxArgs: 0,
    run: async (_args, { user }) => {
      if (context.mode !== 'slave') throw misplaced(context.mode, 'getSlaveReplicationStatus');
      await context.controller.json('/internal/access', {
        user,
        privilege: 'ADMIN',
        object: name,
      });
      return statusTable<WorkerRow>(
        [
          { name: 'executionSet', type: 'INT', of: (w) => w.executionSet },
          { name: 'worker', type: 'INT', of: (w) => w.worker },
          { name: 'taskId', type: 'LONG', of: (w) => w.taskId },
          { name: 'state', type: 'STRING', of: (w) => w.state },
        ],
        context.board().rows(),
      );
    },
  };
}

/** A value as the controller takes it: a database handle becomes its path. */
function plain(value: Value): Value {
  return value.kind === 'database' ? { kind: 'scalar', type: 'STRING', value: value.path } : value;
}
