// Proves the client turns every network failure into NODE_UNAVAILABLE naming the node, its
// address and the call (deadline passed, refused port, reset socket, a non-Shoal answer), bounds
// answers, and releases its sockets on close. Real server on 127.0.0.1:0, or raw sockets.

import { createServer as createHttp } from 'node:http';
import type { Server as HttpServerNode } from 'node:http';
import { createServer as createTcp } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShoalError } from '../core/errors.ts';
import { isShoalError } from '../core/errors.ts';
import { HttpClient } from './http-client.ts';
import { createHttpServer } from './http-server.ts';
import type { HttpServer } from './http-server.ts';

const cleanups: (() => Promise<void>)[] = [];
let release: () => void = () => {};

afterEach(async () => {
  release();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(url: string, timeoutMillis = 5_000, maxResponseBytes?: number): HttpClient {
  const made = new HttpClient(url, {
    nodeName: 'data node dn2',
    timeoutMillis,
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
  });
  cleanups.push(() => made.close());
  return made;
}

async function shoalServer(): Promise<{ server: HttpServer; url: string }> {
  const server = createHttpServer({
    name: 'data node dn2',
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    closeTimeoutMillis: 500,
  });
  cleanups.push(() => server.close());
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  server.app.post('/slow', async () => {
    await gate;
    return { late: true };
  });
  server.app.get('/big', async () => ({ text: 'y'.repeat(10_000) }));
  server.app.get('/ok', async () => ({ ok: true }));
  const { url } = await server.listen();
  return { server, url };
}

async function listening<T extends Server | HttpServerNode>(
  server: T,
): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port };
}

async function rejection(promise: Promise<unknown>): Promise<ShoalError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isShoalError(error), `expected a ShoalError, got ${String(error)}`).toBe(true);
  return error as ShoalError;
}

describe('HttpClient failures', () => {
  it('a call past its deadline is NODE_UNAVAILABLE naming node, address and timeout', async () => {
    const { url } = await shoalServer();
    const port = new URL(url).port;
    const began = performance.now();
    const error = await rejection(client(url).postJson('/slow', {}, { timeoutMillis: 200 }));
    expect(performance.now() - began).toBeLessThan(2_000);
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    expect(error.message).toBe(
      `data node dn2 at 127.0.0.1:${port} (POST /slow) did not answer within 200 ms`,
    );
  });

  it('a deadline also covers an answer whose body stalls', async () => {
    const sockets: Socket[] = [];
    const stalling = createHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial": ');
    });
    stalling.on('connection', (s) => sockets.push(s));
    cleanups.push(async () => sockets.forEach((s) => s.destroy()));
    const { url } = await listening(stalling);
    const error = await rejection(client(url, 200).getJson('/x'));
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    expect(error.message).toContain('did not answer within 200 ms');
  });

  it('a refused port is NODE_UNAVAILABLE naming the node', async () => {
    const probe = createTcp();
    const { url, port } = await listening(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    cleanups.pop();
    const error = await rejection(client(url).postJson('/anything', { a: 1 }));
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    expect(error.message).toBe(
      `data node dn2 at 127.0.0.1:${port} (POST /anything) refused the connection; check that it is running and listens on that port`,
    );
  });

  it('a socket reset before the answer is NODE_UNAVAILABLE', async () => {
    const resetting = createTcp((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const { url } = await listening(resetting);
    const error = await rejection(client(url).postArrow('/frame', new Uint8Array(16)));
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    expect(error.message).toContain('data node dn2 at 127.0.0.1:');
    expect(error.message).toContain('closed the connection before answering');
  });

  it('an error answer that is not a Shoal error is NODE_UNAVAILABLE quoting it', async () => {
    const proxy = createHttp((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    const { url } = await listening(proxy);
    const error = await rejection(client(url).getArrow('/frame'));
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    expect(error.message).toContain(
      '(GET /frame) answered HTTP 502 without a Shoal error: <html>Bad Gateway</html>',
    );
  });

  it('an answer over maxResponseBytes is refused', async () => {
    const { url } = await shoalServer();
    const error = await rejection(client(url, 5_000, 1_000).getJson('/big'));
    expect(error.kind).toBe('BAD_REQUEST');
    expect(error.message).toContain('answered more than 1000 bytes');
  });
});

describe('HttpClient.getInto', () => {
  /** A raw HTTP server answering `body` with the Content-Length `declared` (or none). */
  async function bytesServer(body: Buffer, declared: number | null): Promise<string> {
    const server = createHttp((_request, response) => {
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
      if (declared !== null) headers['content-length'] = String(declared);
      response.writeHead(200, headers);
      // Several writes: the client copies chunk by chunk into the buffer it was given.
      for (let at = 0; at < body.length; at += 1000) response.write(body.subarray(at, at + 1000));
      response.end();
    });
    return (await listening(server)).url;
  }

  it('copies the answer into the buffer given for its Content-Length', async () => {
    const body = Buffer.from(Array.from({ length: 4500 }, (_, i) => i % 251));
    const url = await bytesServer(body, body.length);
    const given: Uint8Array[] = [];
    const bytes = await client(url).getInto('/x', (n) => {
      const buffer = new Uint8Array(n);
      given.push(buffer);
      return buffer;
    });
    expect(given).toHaveLength(1);
    expect(bytes).toBe(given[0]);
    expect(Buffer.from(bytes).equals(body)).toBe(true);
  });

  it('joins an answer without a length as getArrow does', async () => {
    const body = Buffer.from('chunked answer');
    const url = await bytesServer(body, null);
    const bytes = await client(url).getInto('/x', () => {
      throw new Error('no buffer is asked for without a length');
    });
    expect(Buffer.from(bytes).toString()).toBe('chunked answer');
  });
});

describe('HttpClient lifecycle', () => {
  it('bounds its sockets, releases them on close, and refuses calls after', async () => {
    const { server, url } = await shoalServer();
    const calls = new HttpClient(url, { nodeName: 'data node dn2', maxConnections: 2 });
    cleanups.push(() => calls.close());
    const answers = await Promise.all(Array.from({ length: 10 }, () => calls.getJson('/ok')));
    expect(answers).toEqual(Array.from({ length: 10 }, () => ({ ok: true })));
    const count = (): Promise<number> =>
      new Promise((resolve, reject) =>
        server.app.server.getConnections((e, n) => (e ? reject(e) : resolve(n))),
      );
    expect(await count()).toBeGreaterThan(0);
    expect(await count()).toBeLessThanOrEqual(2);
    await calls.close();
    for (let i = 0; i < 50 && (await count()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await count()).toBe(0);
    const error = await rejection(calls.getJson('/ok'));
    expect(error.kind).toBe('NODE_UNAVAILABLE');
    expect(error.message).toContain('this client was closed');
  });
});
