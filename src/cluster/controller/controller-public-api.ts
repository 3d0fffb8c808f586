// The public API on the controller (SPEC §1: clients may connect to any node). Sessions live
// here, so login and logout are answered locally; statements, calls and appends are passed
// on, with the caller's session token, to the first data node that answers, and its answer
// (frames or an error) comes back unchanged.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isShoalError, ShoalError } from '../../core/errors.ts';
import { concatBytes, encodeFrame, HttpClient, sendFrame } from '../../net/index.ts';
import { PUBLIC_PATHS, runRequestFrame, runTextOf, tokenOf } from '../../net/public-wire.ts';
import type { WireJson } from '../../net/index.ts';
import type { PeerAddress } from '../internal-peer.ts';
import type { ControllerState } from './controller-state.ts';

/** Registers login/logout and the forwarding routes on the controller's server. */
export function registerControllerPublicApi(
  app: FastifyInstance,
  state: ControllerState,
  dataNodes: readonly PeerAddress[],
  timeoutMillis: number,
): () => Promise<void> {
  const clients = dataNodes.map(
    (node) =>
      new HttpClient(`http://${node.host}:${node.port}`, {
        nodeName: `data node ${node.alias}`,
        timeoutMillis,
      }),
  );
  app.post(PUBLIC_PATHS.login, async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { user, password } = body;
    if (typeof user !== 'string' || typeof password !== 'string') {
      throw new ShoalError(
        'BAD_REQUEST',
        `${PUBLIC_PATHS.login} takes {"user": "...", "password": "..."}`,
      );
    }
    const session = await state.sessions.login(user, password, Date.now(), (name, pw) =>
      state.users.authenticate(name, pw),
    );
    return { token: session.token, user: session.user, expiresAtMillis: session.expiresAtMillis };
  });
  app.post(PUBLIC_PATHS.logout, async (request) => {
    const token = tokenOf(request.headers.authorization);
    state.sessions.lookup(token, Date.now());
    state.sessions.logout(token);
    return {};
  });
  for (const route of [PUBLIC_PATHS.run, PUBLIC_PATHS.call, PUBLIC_PATHS.append]) {
    app.post(route, async (request, reply) => {
      const token = tokenOf(request.headers.authorization);
      state.sessions.lookup(token, Date.now());
      const answer = await forward(clients, request, token);
      return route === PUBLIC_PATHS.append
        ? (JSON.parse(new TextDecoder().decode(answer)) as unknown)
        : sendFrame(reply, [answer]);
    });
  }
  return async () => {
    await Promise.all(clients.map((c) => c.close()));
  };
}

/** The request sent on to the first data node that answers; NODE_UNAVAILABLE if none does. */
async function forward(
  clients: readonly HttpClient[],
  request: FastifyRequest,
  token: string,
): Promise<Uint8Array> {
  const body =
    request.body instanceof Uint8Array
      ? request.body
      : concatBytes(encodeFrame(runRequestFrame(runTextOf((request.body ?? null) as WireJson))));
  const headers = { authorization: `Bearer ${token}` };
  let last: unknown;
  for (const client of clients) {
    try {
      return await client.postArrow(request.url, body, { headers });
    } catch (error) {
      if (!isShoalError(error, 'NODE_UNAVAILABLE')) throw error;
      last = error;
    }
  }
  throw new ShoalError(
    'NODE_UNAVAILABLE',
    `no data node answered: ${last instanceof Error ? last.message : ''}`,
  );
}
