// The client a node uses to call another: an undici Pool per node with bounded sockets, one
// deadline per call (connect, send, whole answer), and every failure a ShoalError: the server's
// own, rebuilt, or NODE_UNAVAILABLE naming the node, its address, the call and what went wrong.

import { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { ShoalError } from '../core/errors.ts';
import { errorFromBody } from './error-body.ts';
import {
  CONNECT_TIMEOUT_MILLIS,
  DEFAULT_CALL_TIMEOUT_MILLIS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_RESPONSE_BYTES,
} from './net-limits.ts';
import { WIRE_CONTENT_TYPE, concatBytes, readFrames } from './wire-frame.ts';
import type { FrameContent } from './wire-frame.ts';

/** How to reach one node. */
export interface HttpClientOptions {
  /** The node as messages name it: "data node dn2", "the controller". */
  readonly nodeName: string;
  readonly maxConnections?: number;
  /** Deadline of a call that gives none. */
  readonly timeoutMillis?: number;
  readonly maxResponseBytes?: number;
  /** Sent with every call (e.g. the cluster's internal token), under per-call headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Per call: a deadline for the whole exchange, and extra headers. */
export interface CallOptions {
  readonly timeoutMillis?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A binary request body: one frame's bytes, or its chunks to send without joining. */
export type BinaryBody = Uint8Array | readonly Uint8Array[];

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly contentType?: string;
  readonly body?: string | BinaryBody;
  readonly options: CallOptions;
}

// One deadline for a whole call: connect, send, headers and every byte of the answer.
interface Deadline {
  readonly millis: number;
  readonly signal: AbortSignal;
}

/** Calls to one node (base URL such as http://127.0.0.1:8902); close() when done. */
export class HttpClient {
  readonly nodeName: string;
  /** host:port, as messages show it. */
  readonly address: string;
  private readonly pool: Pool;
  private readonly timeoutMillis: number;
  private readonly maxResponseBytes: number;
  private readonly headers: Readonly<Record<string, string>>;
  private closed: Promise<void> | null = null;

  constructor(baseUrl: string, options: HttpClientOptions) {
    const url = new URL(baseUrl);
    this.nodeName = options.nodeName;
    this.address = url.host;
    this.timeoutMillis = options.timeoutMillis ?? DEFAULT_CALL_TIMEOUT_MILLIS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.headers = options.headers ?? {};
    // The call's AbortSignal is the one deadline; undici's own timers would only race it.
    this.pool = new Pool(url.origin, {
      connections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      connectTimeout: CONNECT_TIMEOUT_MILLIS,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** POSTs `body` as JSON; resolves with the parsed JSON answer (null for an empty one). */
  async postJson(path: string, body: unknown, options: CallOptions = {}): Promise<unknown> {
    const bytes = await this.call({
      method: 'POST',
      path,
      contentType: 'application/json',
      body: JSON.stringify(body),
      options,
    });
    return this.parseJson(bytes, 'POST', path);
  }

  /** GETs a JSON answer (null for an empty one). */
  async getJson(path: string, options: CallOptions = {}): Promise<unknown> {
    return this.parseJson(await this.call({ method: 'GET', path, options }), 'GET', path);
  }

  /** POSTs a frame (wire-frame.ts); resolves with the answer's bytes (frames, for decodeFrame). */
  async postArrow(path: string, body: BinaryBody, options: CallOptions = {}): Promise<Uint8Array> {
    return this.call({ method: 'POST', path, contentType: WIRE_CONTENT_TYPE, body, options });
  }

  /** GETs frame bytes. */
  async getArrow(path: string, options: CallOptions = {}): Promise<Uint8Array> {
    return this.call({ method: 'GET', path, options });
  }

  /**
   * GETs bytes into the buffer `into` gives for the answer's Content-Length, copying each
   * chunk as it arrives (no second copy to join them); an answer without a length is joined
   * as getArrow does. NODE_UNAVAILABLE when fewer or more bytes come than announced.
   */
  async getInto(
    path: string,
    into: (bytes: number) => Uint8Array,
    options: CallOptions = {},
  ): Promise<Uint8Array> {
    const call: Call = { method: 'GET', path, options };
    const deadline = this.deadline(options);
    const response = await this.send(call, deadline);
    const declared = Number(response.headers['content-length']);
    if (!Number.isSafeInteger(declared) || declared > this.maxResponseBytes) {
      return this.readAll(response.body, call, deadline);
    }
    const target = into(declared);
    let filled = 0;
    for await (const chunk of this.guard(response.body, call, deadline)) {
      if (filled + chunk.byteLength > declared) break;
      target.set(chunk, filled);
      filled += chunk.byteLength;
    }
    if (filled !== declared) {
      response.body.destroy();
      throw this.unavailable(call, `announced ${declared} bytes but sent a different amount`);
    }
    return target;
  }

  /**
   * GETs `path` and yields the answer's bytes as they arrive, then checks that as many came as
   * it announced (NODE_UNAVAILABLE otherwise): for answers too large to hold at once.
   */
  async *getStream(path: string, options: CallOptions = {}): AsyncGenerator<Uint8Array> {
    const call: Call = { method: 'GET', path, options };
    const deadline = this.deadline(options);
    const response = await this.send(call, deadline);
    const declared = Number(response.headers['content-length']);
    let received = 0;
    try {
      for await (const chunk of this.guard(response.body, call, deadline)) {
        received += chunk.byteLength;
        yield chunk;
      }
    } finally {
      response.body.destroy();
    }
    if (Number.isSafeInteger(declared) && received !== declared) {
      throw this.unavailable(call, `announced ${declared} bytes but sent ${received}`);
    }
  }

  /** POSTs a frame and yields the answer's frames one by one as they arrive, in order. */
  async *postFrames(
    path: string,
    body: BinaryBody,
    options: CallOptions = {},
  ): AsyncGenerator<FrameContent> {
    const call: Call = { method: 'POST', path, contentType: WIRE_CONTENT_TYPE, body, options };
    const deadline = this.deadline(options);
    const response = await this.send(call, deadline);
    try {
      yield* readFrames(this.guard(response.body, call, deadline), this.maxResponseBytes);
    } finally {
      response.body.destroy();
    }
  }

  /** Releases the sockets, after calls in flight finish; closing again waits for the same. */
  async close(): Promise<void> {
    this.closed ??= this.pool.close();
    return this.closed;
  }

  private async call(call: Call): Promise<Uint8Array> {
    const deadline = this.deadline(call.options);
    const response = await this.send(call, deadline);
    return this.readAll(response.body, call, deadline);
  }

  private deadline(options: CallOptions): Deadline {
    const millis = options.timeoutMillis ?? this.timeoutMillis;
    return { millis, signal: AbortSignal.timeout(millis) };
  }

  // Sends the call and checks the status; an error answer is thrown as the server's ShoalError.
  private async send(call: Call, deadline: Deadline): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: call.method,
        path: call.path,
        headers: { ...this.headers, ...call.options.headers, ...bodyHeaders(call) },
        body: requestBody(call.body),
        signal: deadline.signal,
      });
    } catch (error) {
      throw this.failure(error, call, deadline);
    }
    if (response.statusCode < 400) return response;
    const text = new TextDecoder().decode(await this.readAll(response.body, call, deadline));
    throw (
      errorFromBody(tryParse(text)) ??
      this.unavailable(
        call,
        `answered HTTP ${response.statusCode} without a Shoal error: ${text.slice(0, 200)}`,
      )
    );
  }

  private async readAll(
    body: AsyncIterable<Uint8Array>,
    call: Call,
    deadline: Deadline,
  ): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.guard(body, call, deadline)) chunks.push(chunk);
    return chunks.length === 0 ? new Uint8Array(0) : concatBytes(chunks);
  }

  // The body's chunks, bounded by maxResponseBytes, with read failures as ShoalErrors.
  private async *guard(
    body: AsyncIterable<Uint8Array>,
    call: Call,
    deadline: Deadline,
  ): AsyncGenerator<Uint8Array> {
    let total = 0;
    try {
      for await (const chunk of body) {
        total += chunk.length;
        if (total > this.maxResponseBytes)
          throw new ShoalError(
            'BAD_REQUEST',
            `${this.describe(call)} answered more than ${this.maxResponseBytes} bytes; ask for less (filter, LIMIT, fewer partitions) or raise maxResponseBytes`,
          );
        yield chunk;
      }
    } catch (error) {
      throw this.failure(error, call, deadline);
    }
  }

  private parseJson(bytes: Uint8Array, method: 'GET' | 'POST', path: string): unknown {
    if (bytes.length === 0) return null;
    const text = new TextDecoder().decode(bytes);
    const json = tryParse(text);
    if (json === undefined)
      throw this.unavailable(
        { method, path },
        `answered a body that is not JSON: ${text.slice(0, 200)}`,
      );
    return json;
  }

  // A thrown error as the ShoalError to give the caller: ours pass, network ones name the node.
  private failure(error: unknown, call: Call, deadline: Deadline): unknown {
    if (error instanceof ShoalError) return error;
    if (deadline.signal.aborted)
      return this.unavailable(call, `did not answer within ${deadline.millis} ms`, error);
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string') return error;
    return this.unavailable(call, networkProblem(code, error), error);
  }

  private unavailable(
    call: Pick<Call, 'method' | 'path'>,
    problem: string,
    cause?: unknown,
  ): ShoalError {
    const message = `${this.describe(call)} ${problem}`;
    return new ShoalError('NODE_UNAVAILABLE', message, cause === undefined ? undefined : { cause });
  }

  private describe(call: Pick<Call, 'method' | 'path'>): string {
    return `${this.nodeName} at ${this.address} (${call.method} ${call.path.split('?')[0] ?? ''})`;
  }
}

function networkProblem(code: string, error: unknown): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused the connection; check that it is running and listens on that port';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'closed the connection before answering; it may have stopped or restarted';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `did not accept a connection within ${CONNECT_TIMEOUT_MILLIS} ms`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'has a host name that does not resolve; check cluster.nodes';
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return 'cannot be called: this client was closed';
    default:
      return `could not be reached (${code}: ${error instanceof Error ? error.message : String(error)})`;
  }
}

function requestBody(body: string | BinaryBody | undefined): string | Uint8Array | Readable | null {
  if (body === undefined) return null;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  return Readable.from(body.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length)));
}

function bodyHeaders(call: Call): Readonly<Record<string, string>> {
  if (call.contentType === undefined || call.body === undefined) return {};
  const length =
    typeof call.body === 'string'
      ? Buffer.byteLength(call.body)
      : call.body instanceof Uint8Array
        ? call.body.length
        : call.body.reduce((sum, c) => sum + c.length, 0);
  return { 'content-type': call.contentType, 'content-length': String(length) };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
