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

export interface ControllerRouteOptions {
  readonly state: ControllerState;
  /** The cluster's nodes (for getClusterPerf and getControllerAlias by rpc). */
  readonly cluster: ClusterShape;
  /** Aliases of the cluster's data nodes, in cluster.nodes order. */
  readonly dataNodes: readonly string[];
  readonly transactionTimeoutMillis: number;
}

/** Registers the controller's internal routes on `app`. */
export function registerControllerRoutes(
  app: FastifyInstance,
  options: ControllerRouteOptions,
): void {
  registerSessionRoutes(app, options.state);
  registerTransactionRoutes(app, options);
  const functions = new Map<string, ControllerFunction>([
    [
      'getControllerAlias',
      async () => ({ kind: 'scalar', type: 'STRING', value: options.cluster.controller.alias }),
    ],
    ['getClusterPerf', () => clusterPerf(options.cluster)],
  ]);
  registerRpcRoute(app, (_user, name, args) => runControllerFunction(functions, name, args));
}

function registerSessionRoutes(app: FastifyInstance, state: ControllerState): void {
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
    const user = stringField(body, 'user');
    const record = state.users.userRecord(user);
    if (record === undefined)
      throw new ShoalError('SESSION_EXPIRED', `user ${user} no longer exists; log in again`);
    requireAccess(record, accessNeed(body));
    return {};
  });
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
    };
  });
  app.post('/internal/decide', async (request) => {
    const body = jsonBody(request);
    const tx = integerField(body, 'tx');
    const decision =
      body['decision'] === 'commit'
        ? state.decide(tx, {
            kind: 'commit',
            summary: summaryOf(body['summary']),
            effects: effectsOf(body['effects']),
          })
        : state.decide(tx, { kind: 'abort', reason: stringField(body, 'reason') });
    crashPoint('controller.after-decide');
    return { decision };
  });
  app.post('/internal/placement', async (request) => {
    const body = jsonBody(request);
    const owners = state.placement(stringField(body, 'db'), stringField(body, 'table'));
    return { owners: Object.fromEntries(owners) };
  });
  app.post('/internal/inquire', async (request) => {
    const tx = integerField(jsonBody(request), 'tx');
    return { decision: state.inquire(tx, Date.now(), options.transactionTimeoutMillis) };
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
