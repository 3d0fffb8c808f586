// Reading a binary request body into one buffer. A body with a Content-Length is copied into
// a buffer of that size as its chunks arrive, instead of holding every chunk and joining them
// at the end: a 70 MB append then touches one body's worth of memory, not two, and on a
// machine where fresh pages are dear (a VM faulting them in) that copy is the largest cost of
// receiving it. Errors are fastify's own, so the server answers them like its built-in parsers.
//
// Node's HTTP parser hands each body chunk over as a fresh copy (malloc'd, ≤ 64 KB) that only
// a garbage collection frees, and none runs while a body streams in: a 70 MB body leaves 70 MB
// of dead chunks, the allocator grows its heap for them (fresh pages, faulted in one by one)
// and gives the pages back to the system after the next collection, so every large body
// faults them in again (~150 ms of a 70 MB append on a 2-core VM). A reader that owns its
// chunks releases each one's memory as soon as it is copied, and the next chunk reuses it.

import type { Readable } from 'node:stream';
import { errorCodes } from 'fastify';
import { releaseChunk } from './release-chunk.ts';

/** Where a body of `bytes` bytes is written: a buffer of exactly that length. */
export type BodyBuffer = (bytes: number) => Uint8Array;

/** How readRequestBody treats the chunks `payload` emits. */
export interface ChunkOwnership {
  /**
   * True when nothing but this reader holds the chunks (an HTTP request's own body stream,
   * whose chunks Node's parser copies for it alone): each chunk's memory is then released
   * (its ArrayBuffer detached) once its bytes are copied. Never for chunks that may view
   * memory someone else still reads.
   */
  readonly release: boolean;
}

/**
 * The whole body of `payload`. `declared` is its Content-Length (undefined when chunked);
 * `limit` the most bytes accepted. Rejects with fastify's 413 (over the limit, before reading
 * when the declared length says so), 400 (fewer or more bytes than declared) or the stream's
 * error as a 400. `buffer` gives the buffer for a declared length; a chunked body is joined.
 * With `chunks.release`, each chunk that is a whole ArrayBuffer is detached once copied.
 */
export function readRequestBody(
  payload: Readable,
  declared: number | undefined,
  limit: number,
  buffer: BodyBuffer,
  chunks: ChunkOwnership = { release: false },
): Promise<Uint8Array> {
  if (declared !== undefined && declared > limit)
    return Promise.reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  return new Promise((resolve, reject) => {
    const sink =
      declared === undefined
        ? new ChunkSink(limit, chunks.release)
        : new FixedSink(buffer(declared), chunks.release);
    const stop = (error: Error | null, body?: Uint8Array): void => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      if (error === null) resolve(body as Uint8Array);
      else reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      const error = sink.add(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      if (error !== null) stop(error);
    };
    const onEnd = (): void => {
      const body = sink.finish();
      if (body === null) stop(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      else stop(null, body);
    };
    const onError = (error: Error & { statusCode?: number }): void => {
      if (!(typeof error.statusCode === 'number' && error.statusCode >= 400))
        error.statusCode = 400;
      stop(error);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}

/** Collects a body's bytes; add() answers an error to stop with, finish() null when short. */
interface Sink {
  add(chunk: Uint8Array): Error | null;
  finish(): Uint8Array | null;
}

// A body of known length, written in place as it arrives.
class FixedSink implements Sink {
  private readonly target: Uint8Array;
  private readonly release: boolean;
  private filled = 0;

  constructor(target: Uint8Array, release: boolean) {
    this.target = target;
    this.release = release;
  }

  add(chunk: Uint8Array): Error | null {
    if (this.filled + chunk.length > this.target.length)
      return new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
    this.target.set(chunk, this.filled);
    this.filled += chunk.length;
    if (this.release) releaseChunk(chunk);
    return null;
  }

  finish(): Uint8Array | null {
    return this.filled === this.target.length ? this.target : null;
  }
}

// A chunked body: its length is known only at the end, so chunks are kept and joined once.
class ChunkSink implements Sink {
  private readonly limit: number;
  private readonly release: boolean;
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  constructor(limit: number, release: boolean) {
    this.limit = limit;
    this.release = release;
  }

  add(chunk: Uint8Array): Error | null {
    this.size += chunk.length;
    if (this.size > this.limit) return new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    this.chunks.push(chunk);
    return null;
  }

  // Always a new buffer: the body never views a socket's read buffer.
  finish(): Uint8Array {
    const out = Buffer.allocUnsafeSlow(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
      if (this.release) releaseChunk(chunk);
    }
    return out;
  }
}
