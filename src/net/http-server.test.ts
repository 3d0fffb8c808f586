// Proves the server answers every failure in one shape and keeps serving (ShoalError kinds,
// malformed JSON, oversize body, unknown route/method, bad HTTP, thrown Error), logs no secrets,
// and closes gracefully. Real server on 127.0.0.1:0 with the real HttpClient or raw sockets.

import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssertionFailure } from '../core/assert.ts';
import { assert } from '../core/assert.ts';
import { ERROR_CODES, ShoalError, isShoalError } from '../core/errors.ts';
import type { ErrorCodeName } from '../core/errors.ts';
import { HTTP_STATUS_BY_KIND } from './error-status.ts';
import { HttpClient } from './http-client.ts';
import type { BinaryBody } from './http-client.ts';
import { REUSED_BODY, createHttpServer, keepRequestBody, sendFrame } from './http-server.ts';
import type { BoundAddress, HttpServer, HttpServerOptions } from './http-server.ts';
import { expectSameValue } from './net-test-support.ts';
import { WIRE_CONTENT_TYPE } from './wire-frame.ts';
import { valueFromFrame, decodeValue, encodeValue, encodeValueChunks } from './wire-values.ts';
import type { Value } from '../query/value.ts';

const open: { close(): Promise<void> }[] = [];
let release: () => void = () => {};

afterEach(async () => {
  release();
  for (const item of open.splice(0).reverse()) await item.close();
});

interface Started {
  readonly server: HttpServer;
  readonly address: BoundAddress;
  readonly client: HttpClient;
  readonly logs: string[];
}

async function start(options: Partial<HttpServerOptions> = {}): Promise<Started> {
  const logs: string[] = [];
  const server = createHttpServer({
    name: 'data node dn1',
    host: '127.0.0.1',
    port: 0,
    logLevel: 'trace',
    logDestination: { write: (line: string) => void logs.push(line) },
    ...options,
  });
  open.push(server);
  addRoutes(server);
  const address = await server.listen();
  const client = new HttpClient(address.url, { nodeName: 'data node dn1', timeoutMillis: 5_000 });
  open.push(client);
  return { server, address, client, logs };
}

function addRoutes(server: HttpServer): void {
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  server.app.post('/echo', async (req) => ({ got: req.body }));
  server.app.post('/throw/:kind', async (req) => {
    const { kind } = req.params as { kind: ErrorCodeName };
    throw new ShoalError(kind, `the ${kind} case`, { position: { line: 2, column: 7 } });
  });
  server.app.post('/bug', async () => {
    throw new Error('boom: internal detail');
  });
  server.app.post('/assert', async () => {
    assert(false, 'broken invariant');
  });
  server.app.post('/value', async (req, reply) =>
    sendFrame(reply, encodeValueChunks(decodeValue(req.body as Uint8Array))),
  );
  server.app.post('/wait', async () => {
    await gate;
    return { waited: true };
  });
  server.app.post('/bytes', REUSED_BODY, async (req) => describeBody(req.body as Uint8Array));
  server.app.post('/kept', REUSED_BODY, async (req) => {
    keptBody.view = req.body as Uint8Array;
    keptBody.release = keepRequestBody(req);
    return describeBody(keptBody.view);
  });
  server.app.post('/held', REUSED_BODY, async (req) => {
    held.started();
    await gate;
    return describeBody(req.body as Uint8Array);
  });
}

// Body buffers seen by the REUSED_BODY routes, in order: a body's `buffer` is its index here.
const seenBuffers: ArrayBufferLike[] = [];
const held = { started: (): void => {} };
// The body the /kept route keeps past its answer, and its release.
const keptBody: { view: Uint8Array; release: () => void } = {
  view: new Uint8Array(),
  release: () => {},
};

function describeBody(body: Uint8Array): { length: number; bytes: number[]; buffer: number } {
  if (!seenBuffers.includes(body.buffer)) seenBuffers.push(body.buffer);
  const bytes = [...new Set(body)].sort((a, b) => a - b);
  return { length: body.length, bytes, buffer: seenBuffers.indexOf(body.buffer) };
}

async function raw(address: BoundAddress, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(address.port, address.host, () => socket.write(text));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

async function rejection(promise: Promise<unknown>): Promise<ShoalError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isShoalError(error), `expected a ShoalError, got ${String(error)}`).toBe(true);
  return error as ShoalError;
}

async function expectServing(client: HttpClient): Promise<void> {
  expect(await client.postJson('/echo', { still: 'here' })).toEqual({ got: { still: 'here' } });
}

describe('HTTP server errors', () => {
  it('answers a thrown ShoalError of every kind at its status, rebuilt by the client', async () => {
    const { client, address } = await start();
    for (const kind of Object.keys(ERROR_CODES) as ErrorCodeName[]) {
      const error = await rejection(client.postJson(`/throw/${kind}`, {}));
      expect(error.kind).toBe(kind);
      expect(error.code).toBe(ERROR_CODES[kind]);
      expect(error.message).toBe(`the ${kind} case`);
      expect(error.position).toEqual({ line: 2, column: 7 });
      const answer = await request(`${address.url}/throw/${kind}`, { method: 'POST' });
      expect(answer.statusCode).toBe(HTTP_STATUS_BY_KIND[kind]);
      await answer.body.dump();
    }
    expect(HTTP_STATUS_BY_KIND.TABLE_NOT_FOUND).toBe(404);
    expect(HTTP_STATUS_BY_KIND.AUTH_FAILED).toBe(401);
    expect(HTTP_STATUS_BY_KIND.PERMISSION_DENIED).toBe(403);
    expect(HTTP_STATUS_BY_KIND.LOCK_TIMEOUT).toBe(409);
    expect(HTTP_STATUS_BY_KIND.NODE_UNAVAILABLE).toBe(503);
    await expectServing(client);
  });

  it('answers malformed JSON with 400 BAD_REQUEST and keeps serving', async () => {
    const { client, address } = await start();
    const answer = await request(`${address.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a": ',
    });
    expect(answer.statusCode).toBe(400);
    expect(await answer.body.json()).toEqual({
      code: ERROR_CODES.BAD_REQUEST,
      kind: 'BAD_REQUEST',
      message: 'request body is not valid JSON; send one JSON value',
    });
    await expectServing(client);
  });

  it('answers a body over the limit with 413 BAD_REQUEST and keeps serving', async () => {
    const { client } = await start({ maxRequestBytes: 1024 });
    const error = await rejection(client.postJson('/echo', { text: 'x'.repeat(5000) }));
    expect(error.kind).toBe('BAD_REQUEST');
    expect(error.message).toContain('larger than the limit of 1024 bytes');
    const big = await rejection(client.postJson('/echo', { text: 'x'.repeat(4_000_000) }));
    expect(big.kind).toBe('BAD_REQUEST');
    await expectServing(client);
  });

  it('answers an unknown route, an unrouted method and bad HTTP in the same shape', async () => {
    const { client, address } = await start();
    const route = await rejection(client.postJson('/no/such/thing?x=1', {}));
    expect(route.kind).toBe('BAD_REQUEST');
    expect(route.message).toBe(
      'data node dn1 has no endpoint POST /no/such/thing; check the method and path',
    );
    const method = await rejection(client.getJson('/echo'));
    expect(method.message).toContain('no endpoint GET /echo');
    const media = await request(`${address.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b',
    });
    expect(media.statusCode).toBe(415);
    expect(((await media.body.json()) as { kind: string }).kind).toBe('BAD_REQUEST');
    const garbage = await raw(address, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({
      kind: 'BAD_REQUEST',
    });
    await expectServing(client);
  });

  it('answers an unexpected exception with 500 and a generic message, logging the stack', async () => {
    const { client, address, logs } = await start();
    const error = await rejection(client.postJson('/bug', {}));
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    expect(error.message).toMatch(
      /^data node dn1 failed with an internal error on POST \/bug \(request .+\); its log has the details$/,
    );
    expect(error.message).not.toContain('boom');
    const answer = await request(`${address.url}/bug`, { method: 'POST' });
    expect(answer.statusCode).toBe(500);
    await answer.body.dump();
    const logged = logs.map(
      (line) => JSON.parse(line) as { level: number; err?: { stack?: string } },
    );
    const entry = logged.find(
      (line) => line.level === 50 && line.err?.stack?.includes('boom') === true,
    );
    expect(entry?.err?.stack).toContain('at ');
    await expectServing(client);
  });

  it('answers a broken invariant with 500 and reports it to onAssertionFailure', async () => {
    const failures: AssertionFailure[] = [];
    const { client } = await start({ onAssertionFailure: (error) => failures.push(error) });
    const error = await rejection(client.postJson('/assert', {}));
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    expect(failures.map((f) => f.message)).toEqual(['broken invariant']);
    await expectServing(client);
  });
});

describe('HTTP server behaviour', () => {
  it('binds port 0 to a real port and serves frames both ways', async () => {
    const { address, client } = await start();
    expect(address.port).toBeGreaterThan(0);
    expect(address.url).toBe(`http://127.0.0.1:${address.port}`);
    const value: Value = {
      kind: 'table',
      table: {
        names: ['s', 'x'],
        columns: [
          { type: 'SYMBOL', data: { codes: Int32Array.of(0, 1, 0), dictionary: ['a', ''] } },
          { type: 'LONG', data: BigInt64Array.of(1n, -2n, 3n) },
        ],
      },
    };
    expectSameValue(decodeValue(await client.postArrow('/value', encodeValue(value))), value);
    const frames = [];
    for await (const frame of client.postFrames('/value', encodeValueChunks(value)))
      frames.push(valueFromFrame(frame));
    expect(frames.length).toBe(1);
    expectSameValue(frames[0] as Value, value);
    const bad = await rejection(
      client.postArrow('/value', new TextEncoder().encode('not a frame')),
    );
    expect(bad.kind).toBe('BAD_REQUEST');
    expect(bad.message).toContain('frame magic');
  });

  it('never logs request bodies or the authorization header', async () => {
    const { client, logs } = await start();
    await client.postJson(
      '/echo',
      { password: 'body-secret-123' },
      { headers: { authorization: 'Bearer token-secret-456' } },
    );
    await rejection(
      client.postJson(
        '/bug',
        { password: 'body-secret-123' },
        { headers: { authorization: 'Bearer token-secret-456' } },
      ),
    );
    const text = logs.join('');
    expect(logs.length).toBeGreaterThan(2);
    expect(text).toContain('/echo');
    expect(text).not.toContain('body-secret-123');
    expect(text).not.toContain('token-secret-456');
  });

  it('logs each answered request at debug only, with its path, status and time', async () => {
    const atDebug = await start({ logLevel: 'debug' });
    await atDebug.client.postJson('/echo?x=1', { a: 1 });
    const lines = atDebug.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((l) => l['msg'] === 'request answered')).toEqual([
      expect.objectContaining({ level: 20, method: 'POST', path: '/echo', statusCode: 200 }),
    ]);
    const atInfo = await start({ logLevel: 'info' });
    await atInfo.client.postJson('/echo', { a: 1 });
    await rejection(atInfo.client.postJson('/bug', {}));
    // The failure of ours is logged at error; nothing is logged of the request that went well.
    const infoLines = atInfo.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(infoLines.filter((l) => JSON.stringify(l).includes('/echo'))).toEqual([]);
    expect(infoLines.some((l) => l['level'] === 50)).toBe(true);
  });

  it('close() lets a request in flight finish, then refuses new connections', async () => {
    const { server, client } = await start();
    const inFlight = client.postJson('/wait', {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect(await inFlight).toEqual({ waited: true });
    await closing;
    const after = await rejection(client.postJson('/echo', {}));
    expect(after.kind).toBe('NODE_UNAVAILABLE');
  });

  it('answers a request completed while closing with 503 NODE_UNAVAILABLE', async () => {
    const { server, address, client } = await start();
    const inFlight = client.postJson('/wait', {});
    const late = connect(address.port, address.host);
    open.push({ close: async () => void late.destroy() });
    let answer = '';
    late.on('data', (chunk) => (answer += chunk.toString()));
    const ended = new Promise((resolve) => late.on('close', resolve));
    await new Promise((resolve) => late.on('connect', resolve));
    late.write('POST /echo HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    late.write('Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    await ended;
    release();
    await inFlight;
    await closing;
    expect(answer).toMatch(/^HTTP\/1\.1 503/);
    expect(answer.toLowerCase()).toContain('connection: close');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
      kind: string;
      message: string;
    };
    expect(body.kind).toBe('NODE_UNAVAILABLE');
    expect(body.message).toBe(
      'data node dn1 is shutting down; retry on another node or after it restarts',
    );
  });

  it('close() cuts requests still in flight after its timeout', async () => {
    const { server, client } = await start({ closeTimeoutMillis: 200 });
    const inFlight = rejection(client.postJson('/wait', {}));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const began = performance.now();
    await server.close();
    expect(performance.now() - began).toBeLessThan(2_000);
    const error = await inFlight;
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    expect(error.message).toContain('closed the connection before answering');
  });

  it('refuses to listen on a port in use with INVALID_CONFIG', async () => {
    const { address } = await start();
    const second = createHttpServer({
      name: 'data node dn2',
      host: '127.0.0.1',
      port: address.port,
      logLevel: 'silent',
    });
    open.push(second);
    const error = await rejection(second.listen());
    expect(error.kind).toBe('INVALID_CONFIG');
    expect(error.message).toContain(`data node dn2 cannot listen on 127.0.0.1:${address.port}`);
  });
});

describe('HTTP server frame bodies', () => {
  const MIB = 1024 * 1024;
  const body = (fill: number): Uint8Array => new Uint8Array(2 * MIB).fill(fill);
  const post = async (client: HttpClient, path: string, bytes: BinaryBody): Promise<unknown> =>
    JSON.parse(new TextDecoder().decode(await client.postArrow(path, bytes)));

  it('reads a body into one buffer, which takes the next body once the answer is sent', async () => {
    const { client } = await start();
    const first = (await post(client, '/bytes', body(1))) as { buffer: number };
    expect(first).toMatchObject({ length: 2 * MIB, bytes: [1] });
    // Sent in chunks: the server still sees one body of their total length.
    const halves = [body(2).subarray(0, MIB), body(2).subarray(MIB)];
    expect(await post(client, '/bytes', halves)).toEqual({
      length: 2 * MIB,
      bytes: [2],
      buffer: first.buffer,
    });
  });

  it("frees only a socket request's chunks: an injected request's buffer stays intact", async () => {
    const { client, server } = await start();
    const sent = body(5);
    expect(await post(client, '/bytes', sent)).toMatchObject({ length: 2 * MIB, bytes: [5] });
    // Injected, the route reads the caller's own buffer: it must come back untouched.
    const payload = Buffer.from(new ArrayBuffer(2 * MIB)).fill(6);
    const answer = await server.app.inject({
      method: 'POST',
      url: '/bytes',
      headers: { 'content-type': WIRE_CONTENT_TYPE },
      payload,
    });
    expect(answer.json()).toMatchObject({ length: 2 * MIB, bytes: [6] });
    expect(payload.buffer.detached).toBe(false);
    expect([...new Set(payload)]).toEqual([6]);
  });

  it('never hands a body still held by its handler to another request', async () => {
    const { client } = await start();
    const started = new Promise<void>((resolve) => {
      held.started = resolve;
    });
    const holding = post(client, '/held', body(7));
    await started;
    const other = (await post(client, '/bytes', body(9))) as { buffer: number; bytes: number[] };
    expect(other.bytes).toEqual([9]);
    release();
    const kept = (await holding) as { buffer: number; bytes: number[] };
    expect(kept.bytes).toEqual([7]);
    expect(kept.buffer).not.toBe(other.buffer);
  });

  it('lends a kept body to no other request until its keep is released', async () => {
    const { client } = await start();
    const kept = (await post(client, '/kept', body(3))) as { buffer: number };
    const other = (await post(client, '/bytes', body(4))) as { buffer: number };
    expect(other.buffer).not.toBe(kept.buffer);
    expect([...new Set(keptBody.view)]).toEqual([3]);
    keptBody.release();
    keptBody.release(); // a second call changes nothing
    const next = (await post(client, '/bytes', body(5))) as { buffer: number };
    const again = (await post(client, '/bytes', body(6))) as { buffer: number };
    expect([next.buffer, again.buffer]).toContain(kept.buffer);
  });

  it('reads a chunked body, and refuses one over the limit with 413 BAD_REQUEST', async () => {
    const { client, address } = await start({ maxRequestBytes: 3 * MIB });
    const chunked = await request(`${address.url}/bytes`, {
      method: 'POST',
      headers: { 'content-type': WIRE_CONTENT_TYPE },
      body: Readable.from([body(3), body(3).subarray(0, 5)]),
    });
    expect(chunked.statusCode).toBe(200);
    expect(await chunked.body.json()).toMatchObject({ length: 2 * MIB + 5, bytes: [3] });
    const error = await rejection(post(client, '/bytes', new Uint8Array(3 * MIB + 1)));
    expect(error.kind).toBe('BAD_REQUEST');
    expect(error.message).toContain(`larger than the limit of ${3 * MIB} bytes`);
    const unsized = await request(`${address.url}/bytes`, {
      method: 'POST',
      headers: { 'content-type': WIRE_CONTENT_TYPE },
      body: Readable.from([body(4), body(4)]),
    });
    expect(unsized.statusCode).toBe(413);
    await unsized.body.dump();
    await expectServing(client);
  });
});
