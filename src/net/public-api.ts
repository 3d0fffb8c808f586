// The public HTTP API every node serves to clients (SDK, CLI, curl): login and logout, run
// statements (results streamed as frames), call one function with values, append columns.
// The node supplies an Engine; this file only checks requests and shapes the answers.

import { Readable } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShoalError, isShoalError } from '../core/errors.ts';
import type { Column } from '../core/types/column.ts';
import type { Value } from '../query/value.ts';
import { REUSED_BODY, keepRequestBody, sendFrame } from './http-server.ts';
import type { KeepMemory } from './http-server.ts';
import { PUBLIC_PATHS, callOf, errorFrame, runTextOf, tokenOf } from './public-wire.ts';
import { WIRE_CONTENT_TYPE, decodeFrame, encodeFrame } from './wire-frame.ts';
import type { FrameContent } from './wire-frame.ts';
import type { WireJson } from './wire-json.ts';
import { columnsFromFrame, encodeValueChunks, valueToFrame } from './wire-values.ts';

/** A logged-in session as login returns it. */
export interface SessionGrant {
  readonly token: string;
  readonly user: string;
  readonly expiresAtMillis: number;
}

/** What a node does for the public API; every method's errors are ShoalErrors. */
export interface Engine {
  /** Checks credentials; a session for the user (AUTH_FAILED otherwise). */
  login(user: string, password: string): Promise<SessionGrant>;
  logout(token: string): Promise<void>;
  /** The user of a live session token, or SESSION_EXPIRED. */
  authenticate(token: string): Promise<string>;
  /** Runs statements in order as `user`; yields each result; throws at the first error. */
  run(user: string, text: string): AsyncIterable<Value>;
  /** Calls one function by name with values (the SDK's `call`). */
  call(user: string, name: string, args: readonly Value[]): Promise<Value>;
  /**
   * Appends whole columns (schema order) to a table; the number of rows written. The columns
   * view the request's body, whose buffer takes another body once this resolves: keep none,
   * unless `keep` pinned it.
   */
  append(
    user: string,
    database: string,
    table: string,
    columns: readonly Column[],
    keep: KeepMemory,
  ): Promise<number>;
}

/** Adds the public routes to `app`; failures reach the server's uniform error answer. */
export function registerPublicApi(app: FastifyInstance, engine: Engine): void {
  const userOf = async (request: FastifyRequest): Promise<string> =>
    engine.authenticate(tokenOf(request.headers.authorization));

  app.post(PUBLIC_PATHS.login, async (request) => {
    const { user, password } = credentialsOf(request.body);
    const grant = await engine.login(user, password);
    return { token: grant.token, user: grant.user, expiresAtMillis: grant.expiresAtMillis };
  });

  app.post(PUBLIC_PATHS.logout, async (request) => {
    await userOf(request);
    await engine.logout(tokenOf(request.headers.authorization));
    return {};
  });

  app.post(PUBLIC_PATHS.run, async (request, reply) => {
    const user = await userOf(request);
    const text = runTextOf(bodyJson(request.body));
    return streamRun(reply, engine.run(user, text), request.log);
  });

  app.post(PUBLIC_PATHS.call, async (request, reply) => {
    const user = await userOf(request);
    const { name, args } = callOf(frameOf(request.body));
    return sendFrame(reply, encodeValueChunks(await engine.call(user, name, args)));
  });

  // The session is checked while the columns arrive (in a cluster, a round trip to the
  // controller that a large body would otherwise wait for); the handler awaits the outcome.
  const sessions = new WeakMap<FastifyRequest, Promise<string>>();
  const appendOptions = {
    ...REUSED_BODY,
    onRequest: async (request: FastifyRequest) => {
      const user = userOf(request);
      user.catch(() => {}); // a body that never arrives leaves it unawaited
      sessions.set(request, user);
    },
  };
  // The columns view the body; the coordinator is done with them once it answers.
  app.post(PUBLIC_PATHS.append, appendOptions, async (request) => {
    const user = await (sessions.get(request) ?? userOf(request));
    const { db, table } = appendTarget(request.query);
    const { columns } = columnsFromFrame(frameOf(request.body));
    const rows = await engine.append(
      user,
      db,
      table,
      columns.map((c) => c.column),
      () => keepRequestBody(request),
    );
    return { rows };
  });
}

function credentialsOf(body: unknown): { readonly user: string; readonly password: string } {
  const object = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { user, password } = object;
  if (typeof user !== 'string' || typeof password !== 'string')
    throw new ShoalError(
      'BAD_REQUEST',
      `${PUBLIC_PATHS.login} takes a JSON body {"user": "...", "password": "..."}`,
    );
  return { user, password };
}

function appendTarget(query: unknown): { readonly db: string; readonly table: string } {
  const { db, table } = (query ?? {}) as Record<string, unknown>;
  if (typeof db !== 'string' || db === '' || typeof table !== 'string' || table === '')
    throw new ShoalError(
      'BAD_REQUEST',
      `${PUBLIC_PATHS.append} needs the query parameters db and table, e.g. ?db=dfs%3A%2F%2FtestDB&table=testTB`,
    );
  return { db, table };
}

// A frame body arrives as bytes (the server's parser for the frame content type).
function frameOf(body: unknown): FrameContent {
  if (!(body instanceof Uint8Array))
    throw new ShoalError(
      'BAD_REQUEST',
      `this endpoint takes a frame body; send it with content type ${WIRE_CONTENT_TYPE}`,
    );
  return decodeFrame(body);
}

// A run request is JSON `{ text }`, or a frame whose body is that JSON (the SDK's form).
function bodyJson(body: unknown): WireJson {
  return body instanceof Uint8Array ? decodeFrame(body).body : ((body ?? null) as WireJson);
}

/** One step of a run: a result, the error that ended it, or its normal end. */
type Step =
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'error'; readonly error: ShoalError }
  | { readonly kind: 'done' };

/**
 * Answers a run as frames written as results come. The first result is awaited before the
 * answer starts, so a failure that is not a ShoalError there still gets the server's 500
 * answer (and its broken-invariant hook); later ones end the stream with an error frame.
 */
async function streamRun(
  reply: FastifyReply,
  results: AsyncIterable<Value>,
  log: FastifyBaseLogger,
): Promise<FastifyReply> {
  const iterator = results[Symbol.asyncIterator]();
  const first = await step(iterator, null);
  const body = Readable.from(runChunks(first, iterator, log));
  return reply.type(WIRE_CONTENT_TYPE).send(body);
}

async function* runChunks(
  first: Step,
  iterator: AsyncIterator<Value>,
  log: FastifyBaseLogger,
): AsyncGenerator<Buffer> {
  let current = first;
  try {
    while (current.kind === 'value') {
      yield* buffers(valueToFrame(current.value));
      current = await step(iterator, log);
    }
    if (current.kind === 'error') yield* buffers(errorFrame(current.error));
  } finally {
    // The client went away mid-run: let the engine release what the run holds.
    if (current.kind === 'value') await iterator.return?.();
  }
}

// The next step; a ShoalError ends the run as an error step. Other failures are bugs: before
// the answer starts (log null) they are thrown to the server, after it they are logged and
// reported to the client in the server's words for an internal error.
async function step(iterator: AsyncIterator<Value>, log: FastifyBaseLogger | null): Promise<Step> {
  try {
    const next = await iterator.next();
    return next.done === true ? { kind: 'done' } : { kind: 'value', value: next.value };
  } catch (error) {
    if (isShoalError(error)) return { kind: 'error', error };
    if (log === null) throw error;
    log.error({ err: error }, 'internal error while streaming run results');
    const message = `the node failed with an internal error on POST ${PUBLIC_PATHS.run} after sending some results; its log has the details`;
    return { kind: 'error', error: new ShoalError('NODE_UNAVAILABLE', message) };
  }
}

function* buffers(frame: FrameContent): Generator<Buffer> {
  for (const chunk of encodeFrame(frame))
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}
