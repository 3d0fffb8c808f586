// Proves sendFile serves a file's exact bytes through a few reused buffers (more reads than
// buffers, so each is read into again), and that a file shorter than announced cuts the body
// (the client sees an error, never a short success) and still closes the file.
// How: a real node:http server on loopback and fetch.

import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BodyBufferPool } from '../net/index.ts';
import { sendFile } from './file-sender.ts';

/** Read size: the pool's smallest reused buffer. */
const READ_BYTES = 1 << 20;

let dir: string;
let server: Server | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shoal-file-sender-'));
});

afterEach(async () => {
  await new Promise((resolve) => (server === undefined ? resolve(null) : server.close(resolve)));
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Serves `file` as `announced` bytes; resolves to its URL and the handles' closing. */
async function serve(
  file: string,
  announced: number,
  buffers: BodyBufferPool,
): Promise<{ url: string; closed: Promise<void>[] }> {
  const closed: Promise<void>[] = [];
  server = createServer((_request, response) => {
    const sent = open(file, 'r').then(async (handle) => {
      const close = handle.close.bind(handle);
      handle.close = () => {
        const closing = close();
        closed.push(closing);
        return closing;
      };
      const type = 'application/octet-stream';
      await sendFile(response, handle, announced, type, buffers, READ_BYTES, 2);
    });
    void sent;
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, closed };
}

describe('sendFile', () => {
  it('serves the exact bytes through reused buffers', async () => {
    const bytes = Buffer.alloc(10 * READ_BYTES + 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
    const file = path.join(dir, 'data');
    await writeFile(file, bytes);
    const buffers = new BodyBufferPool(4 * READ_BYTES);
    const taken: ArrayBufferLike[] = [];
    const lend = buffers.lend.bind(buffers);
    buffers.lend = (size) => {
      const buffer = lend(size);
      taken.push(buffer.buffer);
      return buffer;
    };
    const { url, closed } = await serve(file, bytes.length, buffers);
    for (let round = 0; round < 2; round++) {
      const response = await fetch(url);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    }
    expect(closed).toHaveLength(2);
    await Promise.all(closed);
    // 22 reads, yet only a few distinct buffers: each was read into again.
    expect(taken.length).toBe(2 * Math.ceil(bytes.length / READ_BYTES));
    expect(new Set(taken).size).toBeLessThanOrEqual(6);
  });

  it('cuts the body of a file shorter than announced, and closes the file', async () => {
    const file = path.join(dir, 'short');
    await writeFile(file, Buffer.alloc(READ_BYTES + 10_000, 7));
    const { url, closed } = await serve(file, 3 * READ_BYTES, new BodyBufferPool(4 * READ_BYTES));
    const outcome = await fetch(url)
      .then((response) => response.arrayBuffer())
      .then(
        () => 'complete',
        () => 'cut',
      );
    expect(outcome).toBe('cut');
    await expect.poll(() => closed.length).toBe(1);
    await Promise.all(closed);
  });
});
