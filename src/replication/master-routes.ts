// The master controller's replication routes: the slaves' pull (public, by an ADMIN session
// of the master), and the internal routes its data nodes use: enabling a database (with its
// creation, which the CREATE_DB task carries) and asking which task data files to keep.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ShoalError } from '../core/errors.ts';
import { tokenOf } from '../net/public-wire.ts';
import { requireAccess } from '../cluster/auth/index.ts';
import type { ControllerState } from '../cluster/controller/controller-state.ts';
import { integerField, jsonBody, stringField } from '../cluster/internal-peer.ts';
import type { CatalogChange } from '../storage/index.ts';
import { replaceTagged, reviveTagged } from '../storage/commit-effects.ts';
import type { PeerClient } from '../cluster/internal-peer.ts';
import { steadySums, sumsToJson } from './cluster-checksums.ts';
import type { MasterReplication, PullRequest } from './master-service.ts';

/** Where slaves pull from. */
export const PULL_PATH = '/replication/pull';
/** Where slaves report what they finished between pulls. */
export const REPORT_PATH = '/replication/report';
/** Where a slave asks for a database's checksums at its last task (the consistency check). */
export const CHECKSUMS_PATH = '/replication/checksums';

/** Registers the master's replication routes. */
export function registerMasterRoutes(
  app: FastifyInstance,
  state: ControllerState,
  master: MasterReplication,
  dataNodes: readonly PeerClient[],
): void {
  const pullRequest = (request: FastifyRequest): PullRequest => {
    const user = state.sessions.lookup(tokenOf(request.headers.authorization), Date.now());
    requireAdmin(state, user, 'pull replication tasks');
    const body = jsonBody(request);
    return {
      slaveId: stringField(body, 'slaveId'),
      controller: stringField(body, 'controller'),
      after: integerField(body, 'after'),
      finishedThrough: integerField(body, 'finishedThrough'),
      maxWeight: integerField(body, 'maxWeight'),
      waitMillis: integerField(body, 'waitMillis'),
    };
  };
  app.post(REPORT_PATH, async (request) => {
    master.report(pullRequest(request));
    master.truncate();
    return {};
  });
  app.post(PULL_PATH, async (request) => {
    const tasks = await master.pull(pullRequest(request));
    master.truncate();
    return { tasks: JSON.stringify(tasks, replaceTagged), lastTaskId: master.log.lastTaskId() };
  });
  app.post(CHECKSUMS_PATH, async (request) => {
    const user = state.sessions.lookup(tokenOf(request.headers.authorization), Date.now());
    requireAdmin(state, user, 'checkClusterReplicationConsistency');
    const body = jsonBody(request);
    const db = stringField(body, 'db');
    const deadline = Date.now() + integerField(body, 'timeoutMillis');
    const steady = await steadySums(
      dataNodes,
      db,
      () => master.log.lastTaskOf(db),
      deadline,
      'master',
    );
    return { taskId: steady.taskId, tables: sumsToJson(steady.sums) };
  });
  app.post('/internal/replication/enable-db', async (request) => {
    const body = jsonBody(request);
    requireAdmin(state, stringField(body, 'user'), 'setDatabaseForClusterReplication');
    const create =
      typeof body['create'] === 'string'
        ? (JSON.parse(body['create'], reviveTagged) as CatalogChange)
        : null;
    master.enableDatabase(
      stringField(body, 'db'),
      body['enabled'] === true,
      create,
      stringField(body, 'via'),
    );
    return {};
  });
  app.post('/internal/replication/retained-tids', async (request) => {
    const tids = jsonBody(request)['tids'];
    if (!Array.isArray(tids) || !tids.every((t) => Number.isSafeInteger(t))) {
      throw new ShoalError('BAD_REQUEST', 'tids must be an array of integers');
    }
    return { keep: master.retainedTids(tids as number[]) };
  });
}

/** ADMIN is needed for every replication function and endpoint (SPEC §5). */
export function requireAdmin(state: ControllerState, user: string, operation: string): void {
  const record = state.users.userRecord(user);
  if (record === undefined) {
    throw new ShoalError('SESSION_EXPIRED', `user ${user} no longer exists; log in again`);
  }
  requireAccess(record, { privilege: 'ADMIN', operation });
}
