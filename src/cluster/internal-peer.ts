// Node-to-node calls: every request between nodes carries an internal token (an HMAC of the
// caller's alias and the time with the cluster secret, made anew each second), and every
// internal route checks it before it does its work.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ShoalError } from '../core/errors.ts';
import { HttpClient } from '../net/index.ts';
import type { BinaryBody } from '../net/index.ts';
import { InternalTokens } from './auth/index.ts';

/** The header that carries the internal token. */
export const INTERNAL_HEADER = 'x-shoal-node';

/** Where a peer listens. */
export interface PeerAddress {
  readonly alias: string;
  readonly host: string;
  readonly port: number;
}

/** A client of one peer node that signs each request as `self`. */
export class PeerClient {
  readonly alias: string;
  private readonly http: HttpClient;
  private readonly self: string;
  private readonly tokens: InternalTokens;

  constructor(peer: PeerAddress, self: string, secret: string, timeoutMillis: number) {
    this.alias = peer.alias;
    this.self = self;
    this.tokens = new InternalTokens(secret);
    this.http = new HttpClient(`http://${peer.host}:${peer.port}`, {
      nodeName: `node ${peer.alias}`,
      timeoutMillis,
    });
  }

  /** POSTs JSON to an internal route; the JSON answer. */
  async json<T>(path: string, body: unknown): Promise<T> {
    return (await this.http.postJson(path, body, { headers: this.headers() })) as T;
  }

  /** POSTs a binary frame body; the raw answer. */
  async binary(path: string, body: BinaryBody): Promise<Uint8Array> {
    return this.http.postArrow(path, body, { headers: this.headers() });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private headers(): Record<string, string> {
    return { [INTERNAL_HEADER]: this.tokens.make(this.self, Date.now()) };
  }
}

/** Rejects any request under /internal/ without a valid internal token. */
export function guardInternalRoutes(app: FastifyInstance, secret: string): void {
  const tokens = new InternalTokens(secret);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/internal/')) return;
    const token = request.headers[INTERNAL_HEADER];
    if (typeof token !== 'string') {
      throw new ShoalError('AUTH_FAILED', 'internal routes are for cluster nodes only');
    }
    tokens.verify(token, Date.now());
  });
}

/** The JSON body of a request as an object (BAD_REQUEST otherwise). */
export function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ShoalError('BAD_REQUEST', `${request.url} expects a JSON object body`);
  }
  return body as Record<string, unknown>;
}

/** A string field of a JSON body. */
export function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string')
    throw new ShoalError('BAD_REQUEST', `field ${name} must be a string`);
  return value;
}

/** A whole-number field of a JSON body. */
export function integerField(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ShoalError('BAD_REQUEST', `field ${name} must be an integer`);
  }
  return value;
}

/** A string-array field of a JSON body. */
export function stringsField(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ShoalError('BAD_REQUEST', `field ${name} must be an array of strings`);
  }
  return value as string[];
}
