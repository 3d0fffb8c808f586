// The controller's internal routes: sessions and access checks for the data nodes, and the
// distributed transaction protocol (begin with placement, decide, inquire). Each change is
// durable in ControllerState before the route answers.

import type { FastifyInstance } from 'fastify';
import { ShoalError } from '../../core/errors.ts';
import { isPrivilege, requireAccess } from '../auth/index.ts';
import type { AccessNeed } from '../auth/index.ts';
import { crashPoint } from '../crash-point.ts';
import { clusterPerf } from '../datanode/cluster-functions.ts';
import type { ClusterShape } from '../datanode/cluster-functions.ts';
import { registerRpcRoute, runControllerFunction } from '../rpc.ts';
import type { ControllerFunction } from '../rpc.ts';
import { integerField, jsonBody, stringField, stringsField } from '../internal-peer.ts';
import type { ControllerState, TransactionSummary } from './controller-state.ts';
import type { MasterReplication } from '../../replication/master-service.ts';
import type { TaskDataRef } from '../../replication/master-log.ts';
import type { SlaveReplication } from '../../replication/slave-service.ts';
import { requireAdmin } from '../../replication/master-routes.ts';

export interface ControllerRouteOptions {
  readonly state: ControllerState;
  /** The cluster's nodes (for getClusterPerf and getControllerAlias by rpc). */
  readonly cluster: ClusterShape;
  /** Aliases of the cluster's data nodes, in cluster.nodes order. */
  readonly dataNodes: readonly string[];
  readonly transactionTimeoutMillis: number;
  /** On a replication master: records tasks with commit decisions. */
  readonly master?: MasterReplication;
  /** On a replication slave: records applied tasks with commit decisions. */
  readonly slave?: SlaveReplication;
  /** The replication functions of this controller's role (ADMIN only), by name. */
  readonly replicationFunctions: ReadonlyMap<string, ControllerFunction>;
}

/** Where a data node asks whether a database replicates (as master or slave). */
export const DB_ENABLED_PATH = '/internal/replication/db-enabled';

/**
 * Registers the controller's internal routes on `app`; returns the functions its rpc route
 * runs, by name (the dashboard calls some of them).
 */
export function registerControllerRoutes(
  app: FastifyInstance,
  options: ControllerRouteOptions,
): ReadonlyMap<string, ControllerFunction> {
  registerSessionRoutes(app, options.state, options.slave);
  registerTransactionRoutes(app, options);
  // schema(db).clusterReplicationEnabled on a data node: whether this cluster replicates db.
  app.post(DB_ENABLED_PATH, async (request) => {
    const db = stringField(jsonBody(request), 'db');
    const enabled =
      options.master?.log.database(db)?.enabled ?? options.slave?.replicates(db) ?? false;
    return { enabled };
  });
  const functions = new Map<string, ControllerFunction>([
    [
      'getControllerAlias',
      async () => ({ kind: 'scalar', type: 'STRING', value: options.cluster.controller.alias }),
    ],
    ['getClusterPerf', () => clusterPerf(options.cluster)],
  ]);
  for (const [name, f] of options.replicationFunctions) functions.set(name, f);
  registerRpcRoute(app, (user, name, args) => {
    if (options.replicationFunctions.has(name)) requireAdmin(options.state, user, name);
    return runControllerFunction(functions, name, args);
  });
  return functions;
}

function registerSessionRoutes(
  app: FastifyInstance,
  state: ControllerState,
  slave: SlaveReplication | undefined,
): void {
  app.post('/internal/login', async (request) => {
    const body = jsonBody(request);
    const session = await state.sessions.login(
      stringField(body, 'user'),
      stringField(body, 'password'),
      Date.now(),
      (name, password) => state.users.authenticate(name, password),
    );
    return { token: session.token, user: session.user, expiresAtMillis: session.expiresAtMillis };
  });
  app.post('/internal/authenticate', async (request) => {
    return { user: state.sessions.lookup(stringField(jsonBody(request), 'token'), Date.now()) };
  });
  app.post('/internal/logout', async (request) => {
    state.sessions.logout(stringField(jsonBody(request), 'token'));
    return {};
  });
  app.post('/internal/user-command', async (request) => {
    await runUserCommand(state, jsonBody(request));
    return {};
  });
  app.post('/internal/access', async (request) => {
    const body = jsonBody(request);
    checkAccess(state, slave, stringField(body, 'user'), body);
    return {};
  });
  // A session's user and a privilege of it in one round trip, for a data node that needs
  // both before it answers (a slave fetching task data from a busy master waits on each).
  app.post('/internal/authorize', async (request) => {
    const body = jsonBody(request);
    const user = state.sessions.lookup(stringField(body, 'token'), Date.now());
    checkAccess(state, slave, user, body);
    return { user };
  });
  if (slave !== undefined) {
    // Which of the tasks were applied already (a retried batch applies only the rest).
    app.post('/internal/replication/applied', async (request) => ({
      applied: replicationTaskIdsOf(jsonBody(request)['taskIds']).filter((id) => slave.applied(id)),
    }));
  }
}

/** A user administration call from a data node, on behalf of `caller`. */
async function runUserCommand(
  state: ControllerState,
  body: Record<string, unknown>,
): Promise<void> {
  const caller = stringField(body, 'caller');
  const name = stringField(body, 'name');
  const args = stringsField(body, 'args');
  const [a = '', b = '', c] = args;
  const { users, sessions } = state;
  switch (name) {
    case 'createUser':
      return users.createUser(caller, a, b);
    case 'deleteUser':
      users.deleteUser(caller, a);
      sessions.endUserSessions(a);
      return;
    case 'changePwd':
      return users.changePwd(caller, a, b);
    case 'resetPwd':
      await users.resetPwd(caller, a, b);
      sessions.endUserSessions(a);
      return;
    case 'grant':
    case 'deny':
    case 'revoke': {
      if (!isPrivilege(b)) {
        throw new ShoalError(
          'INVALID_ARGUMENT',
          `${b} is not a privilege; use DB_READ, DB_WRITE, DB_DDL or ADMIN`,
        );
      }
      users[name](caller, a, b, c);
      return;
    }
    default:
      throw new ShoalError('BAD_REQUEST', `${name} is not a user command`);
  }
}

/**
 * Throws unless `user` exists and has the privilege `body` names on its object; on a slave,
 * a write to a replicated database is refused unless it is replication's own.
 */
function checkAccess(
  state: ControllerState,
  slave: SlaveReplication | undefined,
  user: string,
  body: Record<string, unknown>,
): void {
  const record = state.users.userRecord(user);
  if (record === undefined)
    throw new ShoalError('SESSION_EXPIRED', `user ${user} no longer exists; log in again`);
  requireAccess(record, accessNeed(body));
  const privilege = body['privilege'];
  if (
    slave !== undefined &&
    body['replication'] !== true &&
    (privilege === 'DB_WRITE' || privilege === 'DB_DDL') &&
    slave.replicates(stringField(body, 'object'))
  ) {
    throw new ShoalError(
      'REPLICATED_READ_ONLY',
      `database ${stringField(body, 'object')} is replicated from the master cluster and is read-only here: write to the master`,
    );
  }
}

function accessNeed(body: Record<string, unknown>): AccessNeed {
  const privilege = stringField(body, 'privilege');
  if (privilege === 'ADMIN') return { privilege, operation: stringField(body, 'object') };
  if (privilege !== 'DB_READ' && privilege !== 'DB_WRITE' && privilege !== 'DB_DDL') {
    throw new ShoalError('BAD_REQUEST', `unknown privilege ${privilege}`);
  }
  return { privilege, object: stringField(body, 'object') };
}

function registerTransactionRoutes(app: FastifyInstance, options: ControllerRouteOptions): void {
  const { state } = options;
  app.post('/internal/begin', async (request) => {
    const body = jsonBody(request);
    const db = typeof body['db'] === 'string' ? body['db'] : null;
    const table = typeof body['table'] === 'string' ? body['table'] : null;
    if (db !== null) options.master?.admit(db);
    const { id, owners } = state.begin(
      stringField(body, 'coordinator'),
      db !== null && table !== null ? { db, table } : null,
      stringsField(body, 'keys'),
      options.dataNodes,
      Date.now(),
    );
    return {
      tx: id,
      owners: Object.fromEntries(owners),
      participants: state.transaction(id)?.participants ?? [],
      replicated: db !== null && options.master?.replicates(db) === true,
    };
  });
  app.post('/internal/decide', async (request) => {
    const body = jsonBody(request);
    const tx = integerField(body, 'tx');
    const decision =
      body['decision'] === 'commit'
        ? commitDecision(options, tx, body)
        : state.decide(tx, { kind: 'abort', reason: stringField(body, 'reason') });
    options.master?.notify();
    crashPoint('controller.after-decide');
    return { decision };
  });
  // The data nodes a query must ask: those owning `keys` (the partitions its WHERE leaves),
  // or every partition of the table without them. Only aliases go back: a year of daily
  // partitions named one by one made this answer ~11 KB per query.
  app.post('/internal/placement', async (request) => {
    const body = jsonBody(request);
    const owners = state.placement(stringField(body, 'db'), stringField(body, 'table'));
    const keys = body['keys'] === undefined ? [...owners.keys()] : stringsField(body, 'keys');
    const aliases = new Set(keys.flatMap((key) => owners.get(key) ?? []));
    return { aliases: [...aliases] };
  });
  app.post('/internal/inquire', async (request) => {
    const tx = integerField(jsonBody(request), 'tx');
    return { decision: state.inquire(tx, Date.now(), options.transactionTimeoutMillis) };
  });
}

/**
 * Records a commit. On a master the task is recorded with it; on a slave, a commit that
 * applies replication tasks (one, or a batch of appends) records them as applied — or aborts
 * when one of them was applied already (exactly once, SPEC §7.3.4): both in the decision's LMDB
 * transaction.
 */
function commitDecision(
  options: ControllerRouteOptions,
  tx: number,
  body: Record<string, unknown>,
): string {
  const { state, master, slave } = options;
  const commit = {
    kind: 'commit' as const,
    summary: summaryOf(body['summary']),
    effects: effectsOf(body['effects']),
  };
  const taskIds = replicationTaskIdsOf(body['replicationTaskIds']);
  if (taskIds.length > 0 && slave !== undefined) {
    return state.atomically(() => {
      const done = taskIds.find((id) => slave.applied(id));
      return done !== undefined
        ? state.decide(tx, {
            kind: 'abort',
            reason: `replication task ${done} was applied already`,
          })
        : state.decide(tx, commit, (record) => slave.markApplied(taskIds, record.id));
    });
  }
  return state.decide(tx, commit, (record) =>
    master?.recordCommit(
      record,
      taskDataOf(body['taskData']),
      taskPartsOf(body['taskParts']),
      Date.now(),
    ),
  );
}

/** The replication tasks a slave-side commit applies ([] for every other commit). */
function replicationTaskIdsOf(value: unknown): number[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((id) => Number.isSafeInteger(id) && id > 0)) {
    throw new ShoalError('BAD_REQUEST', 'replicationTaskIds must be an array of task ids');
  }
  return value as number[];
}

/** The size and checksum of a commit's task data file, when its coordinator wrote one. */
function taskDataOf(value: unknown): TaskDataRef | null {
  if (value === undefined || value === null) return null;
  const record = value as Record<string, unknown>;
  return { bytes: integerField(record, 'bytes'), crc32: integerField(record, 'crc32') };
}

/** The row-delta files participants kept, by alias. */
function taskPartsOf(value: unknown): { alias: string; bytes: number; crc32: number }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ShoalError('BAD_REQUEST', 'taskParts must be an array');
  return value.map((part: unknown) => {
    const record = part as Record<string, unknown>;
    return {
      alias: stringField(record, 'alias'),
      bytes: integerField(record, 'bytes'),
      crc32: integerField(record, 'crc32'),
    };
  });
}

/** Participant alias → encoded effects text. */
function effectsOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShoalError('BAD_REQUEST', "a commit needs the participants' effects");
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.every(([, text]) => typeof text === 'string')) {
    throw new ShoalError('BAD_REQUEST', 'effects must be encoded text per participant');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function summaryOf(value: unknown): TransactionSummary {
  if (typeof value !== 'object' || value === null)
    throw new ShoalError('BAD_REQUEST', 'a commit needs a summary');
  const record = value as Record<string, unknown>;
  return {
    kind: stringField(record, 'kind'),
    db: stringField(record, 'db'),
    table: typeof record['table'] === 'string' ? record['table'] : '',
    rowsWritten: integerField(record, 'rowsWritten'),
  };
}
