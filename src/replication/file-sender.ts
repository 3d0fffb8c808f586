// Sending a file as an HTTP response body through a few reused read buffers. A read stream
// reads every chunk into a new buffer that only a garbage collection frees, so serving a 72 MB
// task data file touched 72 MB of fresh memory: on a VM whose host backs guest pages lazily,
// faulting those pages in made the read take ~200 ms instead of ~20. Here a buffer is read
// into again once its bytes are written to the socket.

import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { BodyBufferPool } from '../net/index.ts';

/**
 * Writes the first `bytes` bytes of `handle` as the body of `response` (its headers set here:
 * 200, `contentType`, the length), read `bufferBytes` at a time into buffers lent by `buffers`
 * (given back once written), at most `inFlight` written and not yet flushed at once, and closes
 * the handle. Stops early when the client goes; a file shorter than `bytes`
 * or a failed read cuts the response, which the client sees as a short body.
 */
export async function sendFile(
  response: ServerResponse,
  handle: FileHandle,
  bytes: number,
  contentType: string,
  buffers: BodyBufferPool,
  bufferBytes: number,
  inFlight: number,
): Promise<void> {
  let position = 0;
  let writing = 0;
  let wake: (() => void) | undefined;
  let gone = false;
  const onClose = (): void => {
    gone = true;
    wake?.();
  };
  response.on('close', onClose);
  try {
    response.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes) });
    while (position < bytes && !gone) {
      if (writing >= inFlight) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      const buffer = buffers.lend(bufferBytes);
      const want = Math.min(buffer.length, bytes - position);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) throw new Error(`the file ends at ${position} of ${bytes} bytes`);
      position += bytesRead;
      writing += 1;
      response.write(buffer.subarray(0, bytesRead), () => {
        writing -= 1;
        buffers.giveBack(buffer);
        wake?.();
      });
    }
    if (!gone) response.end();
  } catch (error) {
    response.destroy(error instanceof Error ? error : new Error(String(error)));
  } finally {
    response.off('close', onClose);
    await handle.close();
  }
}

/**
 * Writes `chunks` as the body of `response` (200, `contentType`, their length), each once the
 * socket took the one before; stops early when the client goes. Resolves once the response
 * finished (every byte handed to the operating system) or the client is gone: only then is
 * the memory of the chunks no longer read.
 */
export async function sendChunks(
  response: ServerResponse,
  chunks: readonly Uint8Array[],
  contentType: string,
): Promise<void> {
  const bytes = chunks.reduce((n, chunk) => n + chunk.byteLength, 0);
  let gone = false;
  let wake: (() => void) | undefined;
  const onWake = (): void => wake?.();
  const onClose = (): void => {
    gone = true;
    onWake();
  };
  response.on('close', onClose);
  response.on('drain', onWake);
  try {
    response.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes) });
    for (const chunk of chunks) {
      if (gone) return;
      if (!response.write(chunk)) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }
    if (gone) return;
    const finished = new Promise<void>((resolve) => (wake = resolve));
    response.once('finish', onWake);
    response.end();
    await finished;
  } finally {
    response.off('close', onClose);
    response.off('drain', onWake);
    response.off('finish', onWake);
  }
}
