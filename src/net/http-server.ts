// The HTTP server every node runs: fastify with Shoal's bounds, a pino logger that never
// writes request bodies or credentials, one error answer shape for every route and every
// failure (`{ code, kind, message, position? }`), and a graceful close with a deadline.

import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { fastify, LogController } from 'fastify';
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import { pino } from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';
import { AssertionFailure, assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import { BodyBufferPool } from './body-buffer-pool.ts';
import { errorBody } from './error-body.ts';
import type { ErrorBody } from './error-body.ts';
import { HTTP_STATUS_BY_KIND } from './error-status.ts';
import {
  DEFAULT_CLOSE_TIMEOUT_MILLIS,
  DEFAULT_CONNECTION_TIMEOUT_MILLIS,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MILLIS,
  KEEP_ALIVE_TIMEOUT_MILLIS,
  MAX_IDLE_BODY_BYTES,
} from './net-limits.ts';
import { readRequestBody } from './request-body.ts';
import { WIRE_CONTENT_TYPE } from './wire-frame.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's handler keeps no view of its frame body once its answer is sent, so the
     * body's buffer is reused for a later request's body (see REUSED_BODY).
     */
    readonly reuseBody?: boolean;
  }
}

/**
 * Route options of a bulk route whose frame body goes into a buffer kept for reuse
 * (body-buffer-pool.ts). Only for handlers that are done with every view of the body (the
 * columns decoded from it included) once they answer: the buffer is lent again after that.
 */
export const REUSED_BODY = { config: { reuseBody: true } } as const;

/** How to run a server. Only name, host, port and logLevel have no default. */
export interface HttpServerOptions {
  /** Names the node in logs and messages, e.g. "data node dn2". */
  readonly name: string;
  readonly host: string;
  /** 0 asks for any free port; listen() reports the one bound. */
  readonly port: number;
  readonly logLevel: Level | 'silent';
  /** Where log lines go (newline-delimited JSON); standard output when absent. */
  readonly logDestination?: DestinationStream;
  readonly maxRequestBytes?: number;
  /** A socket with no bytes either way for this long is closed. */
  readonly connectionTimeoutMillis?: number;
  /** A request whose headers and body have not arrived by then is answered 408. */
  readonly requestTimeoutMillis?: number;
  /** close() waits this long for requests in flight, then cuts their sockets. */
  readonly closeTimeoutMillis?: number;
  /**
   * Called after answering 500 for a broken invariant: the node's main can stop the process,
   * as STYLE asks of a failed assert. Without it the server keeps serving.
   */
  readonly onAssertionFailure?: (error: AssertionFailure) => void;
}

/** Where a listening server is. */
export interface BoundAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, for HttpClient. */
  readonly url: string;
}

/** A server: add routes to `app`, then listen(); close() once. */
export interface HttpServer {
  /** Routes are added here before listen(); whatever they throw is answered as an ErrorBody. */
  readonly app: FastifyInstance;
  readonly logger: Logger;
  /** Starts listening; resolves with the bound address (the real port when 0 was asked). */
  listen(): Promise<BoundAddress>;
  /** Refuses new requests, waits for those in flight up to closeTimeoutMillis, cuts the rest. */
  close(): Promise<void>;
}

/** A server configured by `options`, not yet listening (see HttpServer). */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const logger = createLogger(options);
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const app = fastify({
    // Typed as fastify's base logger so `app` is the plain FastifyInstance routes expect.
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: maxRequestBytes,
    connectionTimeout: options.connectionTimeoutMillis ?? DEFAULT_CONNECTION_TIMEOUT_MILLIS,
    requestTimeout: options.requestTimeoutMillis ?? DEFAULT_REQUEST_TIMEOUT_MILLIS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MILLIS,
    forceCloseConnections: 'idle',
    // We answer requests that arrive while closing ourselves, in the Shoal error shape.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
    // Fastify's two info lines per request (see addRequestLog) cost more than small writes.
    logController: new LogController({ disableRequestLogging: true }),
  });
  addRequestLog(app);
  const state: ServerState = { closing: false, closed: null };
  addFrameBodyParser(app, maxRequestBytes);
  addShutdownHooks(app, options.name, state);
  app.setNotFoundHandler((request, reply) => {
    const error = new ShoalError(
      'BAD_REQUEST',
      `${options.name} has no endpoint ${request.method} ${pathOf(request.url)}; check the method and path`,
    );
    void reply.code(404).send(errorBody(error));
  });
  app.setErrorHandler((error: unknown, request, reply) => {
    const answer = answerError(error, request, options.name, maxRequestBytes);
    void reply.code(answer.status).send(answer.body);
    if (error instanceof AssertionFailure) options.onAssertionFailure?.(error);
  });
  return {
    app,
    logger,
    listen: () => listen(app, options),
    close: () => close(app, state, options.closeTimeoutMillis ?? DEFAULT_CLOSE_TIMEOUT_MILLIS),
  };
}

/** Sends frame chunks (wire-frame.ts) as the reply body without joining them. */
export function sendFrame(reply: FastifyReply, chunks: readonly Uint8Array[]): FastifyReply {
  const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const buffers = chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length));
  return reply
    .type(WIRE_CONTENT_TYPE)
    .header('content-length', length)
    .send(Readable.from(buffers));
}

// Frame bodies are read into one buffer as they arrive (request-body.ts); a REUSED_BODY
// route's buffer comes from a pool and goes back to it once the answer is sent.
function addFrameBodyParser(app: FastifyInstance, maxRequestBytes: number): void {
  const pool = new BodyBufferPool(MAX_IDLE_BODY_BYTES);
  const lent = new WeakMap<FastifyRequest, Uint8Array>();
  app.addContentTypeParser(
    WIRE_CONTENT_TYPE,
    async (request: FastifyRequest, payload: Readable) => {
      const reuse = request.routeOptions.config.reuseBody === true;
      const length = Number(request.headers['content-length']);
      return readRequestBody(
        payload,
        Number.isNaN(length) ? undefined : length,
        maxRequestBytes,
        (bytes) => {
          if (!reuse) return Buffer.allocUnsafeSlow(bytes);
          const buffer = pool.lend(bytes);
          lent.set(request, buffer);
          return buffer;
        },
        // A socket's request emits copies Node's HTTP parser made for it alone; another stream
        // (a test's injected request, a hook's replacement) may emit memory still in use.
        { release: payload instanceof IncomingMessage },
      );
    },
  );
  // The answer is sent, so the handler is done: its body's buffer can take the next body,
  // unless the handler kept it (keepRequestBody), and then once that is released too.
  app.addHook('onResponse', async (request) => {
    const buffer = lent.get(request);
    if (buffer === undefined) return;
    lent.delete(request);
    const keeps = kept.get(request);
    if (keeps === undefined) pool.giveBack(buffer);
    else keeps.giveBack = () => pool.giveBack(buffer);
  });
}

/** The keeps of a request's body: their count, and how to give the buffer back at zero. */
interface BodyKeeps {
  count: number;
  /** Set once the answer is sent. */
  giveBack?: () => void;
}

const kept = new WeakMap<FastifyRequest, BodyKeeps>();

/**
 * Keeps memory that something views (a request's body) from being reused until the returned
 * release is called.
 */
export type KeepMemory = () => () => void;

/**
 * Keeps the buffer of a REUSED_BODY request's body from taking another body after the answer
 * is sent, until the returned release is called (at most once takes effect): for memory that
 * views the body and outlives the answer. Harmless for other requests.
 */
export function keepRequestBody(request: FastifyRequest): () => void {
  const keeps = kept.get(request) ?? { count: 0 };
  kept.set(request, keeps);
  keeps.count += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    keeps.count -= 1;
    if (keeps.count > 0) return;
    kept.delete(request);
    keeps.giveBack?.();
  };
}

// A URL's path: query strings stay out of messages (they may carry tokens).
function pathOf(url: string): string {
  return url.split('?')[0] ?? '';
}

function createLogger(options: HttpServerOptions): Logger {
  const settings = {
    name: options.name,
    level: options.logLevel,
    // Fastify's serializers log method, url and peer only; this guards any other logged object.
    redact: {
      paths: [
        'headers.authorization',
        'req.headers.authorization',
        'request.headers.authorization',
        'body',
        'req.body',
        'request.body',
      ],
      censor: '[redacted]',
    },
  };
  return options.logDestination === undefined
    ? pino(settings)
    : pino(settings, options.logDestination);
}

/**
 * One debug line per answered request (method, path, status, milliseconds). Not at info: a
 * node answers several internal requests per client write (sessions, privileges, the two
 * phases of a commit), and two synchronous info lines for each were about a fifth of a
 * controller's work under small writes. A failure of ours (5xx) is logged as an error where
 * it is answered (answerError), whatever the level.
 */
function addRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        path: pathOf(request.url),
        statusCode: reply.statusCode,
        millis: Math.round(reply.elapsedTime),
      },
      'request answered',
    );
  });
}

function addShutdownHooks(app: FastifyInstance, name: string, state: ServerState): void {
  app.addHook('onRequest', async () => {
    if (state.closing)
      throw new ShoalError(
        'NODE_UNAVAILABLE',
        `${name} is shutting down; retry on another node or after it restarts`,
      );
  });
  // Tell keep-alive clients to go, so sockets of requests in flight end with their answer.
  app.addHook('onSend', async (_request, reply) => {
    if (state.closing) void reply.header('connection', 'close');
  });
}

interface ServerState {
  closing: boolean;
  closed: Promise<void> | null;
}

interface Answer {
  readonly status: number;
  readonly body: ErrorBody;
}

// Every failure of a route, as status + body; logged here, with the stack when it is ours.
function answerError(
  error: unknown,
  request: FastifyRequest,
  name: string,
  maxRequestBytes: number,
): Answer {
  if (error instanceof ShoalError) {
    const status = HTTP_STATUS_BY_KIND[error.kind];
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ err: error }, 'request refused');
    return { status, body: errorBody(error) };
  }
  const status = protocolStatus(error);
  if (status !== null) {
    const message = protocolMessage(error as FastifyError, request, maxRequestBytes);
    request.log.debug({ err: error }, 'malformed request');
    return { status, body: errorBody(new ShoalError('BAD_REQUEST', message)) };
  }
  request.log.error({ err: error }, 'internal error');
  const message = `${name} failed with an internal error on ${request.method} ${pathOf(request.url)} (request ${request.id}); its log has the details`;
  return { status: 500, body: errorBody(new ShoalError('NODE_UNAVAILABLE', message)) };
}

// Fastify marks what is wrong with the request itself (body, length, content type) by a 4xx
// statusCode; anything else a route throws that is not a ShoalError is a bug of ours.
function protocolStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || error instanceof AssertionFailure) return null;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

function protocolMessage(
  error: FastifyError,
  request: FastifyRequest,
  maxRequestBytes: number,
): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body is larger than the limit of ${maxRequestBytes} bytes; send it in smaller parts or raise maxRequestBytes`;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'request body is not valid JSON; send one JSON value';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty but its content type is application/json; send one JSON value';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `content type ${request.headers['content-type'] ?? '(none)'} is not accepted; send application/json or ${WIRE_CONTENT_TYPE}`;
    default:
      return `malformed request: ${error.message}`;
  }
}

// Errors before a request exists (unparsable HTTP, header overflow, request timeout): Node
// hands us the socket, and we answer in the same shape before closing it.
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'the request did not arrive within the request timeout; send it faster or in parts']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'request headers are too large']
        : [400, `malformed HTTP request (${error.code ?? error.message}); use HTTP/1.1`];
  const body = JSON.stringify(errorBody(new ShoalError('BAD_REQUEST', message)));
  socket.end(
    `HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

async function listen(app: FastifyInstance, options: HttpServerOptions): Promise<BoundAddress> {
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    throw new ShoalError(
      'INVALID_CONFIG',
      `${options.name} cannot listen on ${options.host}:${options.port} (${String(error)}); choose a free port and an address of this machine`,
      { cause: error },
    );
  }
  const address = app.server.address();
  assert(address !== null && typeof address !== 'string', 'a TCP server has a TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { host: address.address, port: address.port, url: `http://${host}:${address.port}` };
}

// Closing twice waits for the same close.
async function close(
  app: FastifyInstance,
  state: ServerState,
  timeoutMillis: number,
): Promise<void> {
  state.closed ??= closeWithin(app, state, timeoutMillis);
  return state.closed;
}

async function closeWithin(
  app: FastifyInstance,
  state: ServerState,
  timeoutMillis: number,
): Promise<void> {
  state.closing = true;
  const closed = app.close();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMillis);
  });
  try {
    if (await Promise.race([closed.then(() => false), timedOut])) {
      app.log.warn(`requests still in flight after ${timeoutMillis} ms; closing their connections`);
      app.server.closeAllConnections();
      await closed;
    }
  } finally {
    clearTimeout(timer);
  }
}
