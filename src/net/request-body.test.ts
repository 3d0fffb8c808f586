// Proves readRequestBody fills the buffer it is given for a declared length, joins a chunked
// body, releases chunks it owns (and only whole-buffer ones), and refuses oversize, short, long
// and broken bodies with fastify's own 4xx errors. Bodies are plain streams of chunks.

import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRequestBody } from './request-body.ts';

function chunksOf(...sizes: number[]): Buffer[] {
  let next = 0;
  return sizes.map((size) => Buffer.from(Array.from({ length: size }, () => next++ % 251)));
}

// A copy of `chunk` in an ArrayBuffer of its own (small Buffers share a pool), as Node's HTTP
// parser hands chunks over.
function own(chunk: Uint8Array): Buffer {
  return Buffer.from(new Uint8Array(chunk).buffer);
}

// Whether `view`'s memory was released (its buffer detached).
function isDetached(view: Uint8Array): boolean {
  return view.buffer instanceof ArrayBuffer && view.buffer.detached;
}

function joined(chunks: readonly Buffer[]): Buffer {
  return Buffer.concat(chunks);
}

async function failure(promise: Promise<unknown>): Promise<{ code?: string; statusCode?: number }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as { code?: string; statusCode?: number };
}

describe('readRequestBody', () => {
  it('copies a body of declared length into the one buffer it asks for', async () => {
    const chunks = chunksOf(5, 1, 300, 7);
    const asked: number[] = [];
    const target = new Uint8Array(313);
    const body = await readRequestBody(Readable.from(chunks), 313, 1000, (bytes) => {
      asked.push(bytes);
      return target;
    });
    expect(asked).toEqual([313]);
    expect(body).toBe(target);
    expect(Buffer.from(body)).toEqual(joined(chunks));
  });

  it('joins a chunked body (no declared length) without asking for a buffer', async () => {
    const chunks = chunksOf(10, 20, 30);
    const body = await readRequestBody(Readable.from(chunks), undefined, 1000, () => {
      throw new Error('a chunked body has no length to ask for');
    });
    expect(Buffer.from(body)).toEqual(joined(chunks));
    expect(body.byteOffset % 8).toBe(0);
  });

  it('releases each chunk it owns once copied, and leaves views of shared memory alone', async () => {
    const owned = chunksOf(5, 300, 7).map(own);
    const shared = own(chunksOf(40)[0] as Buffer);
    const view = shared.subarray(10, 30);
    const expected = joined([...owned, view]);
    const body = await readRequestBody(
      Readable.from([...owned, view]),
      expected.length,
      1000,
      (n) => new Uint8Array(n),
      { release: true },
    );
    expect(Buffer.from(body)).toEqual(expected);
    expect(owned.every(isDetached)).toBe(true);
    expect(isDetached(shared)).toBe(false);
    expect(shared.subarray(10, 30)).toEqual(view);
  });

  it('releases the chunks of a chunked body once joined', async () => {
    const owned = chunksOf(10, 20).map(own);
    const expected = joined(owned);
    const body = await readRequestBody(
      Readable.from(owned),
      undefined,
      1000,
      () => new Uint8Array(0),
      { release: true },
    );
    expect(Buffer.from(body)).toEqual(expected);
    expect(owned.every(isDetached)).toBe(true);
  });

  it('leaves chunks it does not own intact', async () => {
    const chunks = chunksOf(5, 300).map(own);
    await readRequestBody(Readable.from(chunks), 305, 1000, (n) => new Uint8Array(n));
    await readRequestBody(Readable.from(chunks), undefined, 1000, (n) => new Uint8Array(n));
    expect(chunks.some(isDetached)).toBe(false);
    expect(joined(chunks)).toEqual(joined(chunksOf(5, 300)));
  });

  it('reads an empty body', async () => {
    const body = await readRequestBody(Readable.from([]), 0, 10, (n) => new Uint8Array(n));
    expect(body.length).toBe(0);
  });

  it('refuses a declared length over the limit before reading anything', async () => {
    const stream = new PassThrough();
    const error = await failure(readRequestBody(stream, 11, 10, (n) => new Uint8Array(n)));
    expect(error.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
    expect(error.statusCode).toBe(413);
    expect(stream.listenerCount('data')).toBe(0);
  });

  it('refuses a chunked body once it passes the limit', async () => {
    const error = await failure(
      readRequestBody(Readable.from(chunksOf(6, 6)), undefined, 10, (n) => new Uint8Array(n)),
    );
    expect(error.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
  });

  it('refuses a body shorter or longer than it declared', async () => {
    const short = await failure(
      readRequestBody(Readable.from(chunksOf(4)), 5, 10, (n) => new Uint8Array(n)),
    );
    expect(short.code).toBe('FST_ERR_CTP_INVALID_CONTENT_LENGTH');
    expect(short.statusCode).toBe(400);
    const long = await failure(
      readRequestBody(Readable.from(chunksOf(4, 2)), 5, 10, (n) => new Uint8Array(n)),
    );
    expect(long.code).toBe('FST_ERR_CTP_INVALID_CONTENT_LENGTH');
  });

  it('answers a stream that fails mid-body with its error as a 400', async () => {
    const stream = new PassThrough();
    const reading = readRequestBody(stream, 100, 1000, (n) => new Uint8Array(n));
    stream.write(Buffer.alloc(10));
    stream.destroy(new Error('aborted'));
    const error = await failure(reading);
    expect((error as Error).message).toBe('aborted');
    expect(error.statusCode).toBe(400);
  });
});
