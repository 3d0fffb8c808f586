// The binary framing of every bulk body (values, appended columns, partial aggregates):
//
//   bytes 0–3  magic "SHF1" (a body that is not a frame, such as an HTML error page, fails here)
//   bytes 4–7  H, the header's length in bytes, u32 little-endian
//   next H     the header, UTF-8 JSON, space-padded so that 8 + H is a multiple of 8:
//              { "version": 1, "blocks": [{ "columns", "rows", "bytes" }, …], "body": … }
//   then       each block with columns > 0, in order: an Arrow IPC stream of `bytes` bytes
//              (column-block.ts), zero-padded to a multiple of 8 so every block is 8-aligned
//
// `body` is JSON owned by the caller (wire-values.ts) and refers to blocks by index. A frame's
// size is known once its header is read, so frames can follow one another in one HTTP body:
// a sender writes one frame per fragment as it is ready, a reader (readFrames) decodes each as
// soon as its bytes are in, and neither holds more than one frame's bytes besides the result.

import { assert } from '../core/assert.ts';
import type { Column } from '../core/types/column.ts';
import { columnLength } from '../core/types/column.ts';
import type { BodyBufferPool } from './body-buffer-pool.ts';
import { decodeColumnBlock, encodeColumnBlock } from './column-block.ts';
import { releaseChunk } from './release-chunk.ts';
import type { BlockShape } from './column-block.ts';
import { MAX_FRAME_HEADER_BYTES } from './net-limits.ts';
import { asArray, asCount, asObject, malformed } from './wire-json.ts';
import type { WireJson } from './wire-json.ts';

/** The media type of a frame body. */
export const WIRE_CONTENT_TYPE = 'application/vnd.shoal.frame';

const MAGIC = [0x53, 0x48, 0x46, 0x31]; // "SHF1"
const PREFIX_BYTES = 8;
const VERSION = 1;

/** What a frame carries: a JSON body, and column blocks the body refers to by index. */
export interface FrameContent {
  readonly body: WireJson;
  /** Each block's columns have equal length; a block may have no columns. */
  readonly blocks: readonly (readonly Column[])[];
}

interface BlockEntry extends BlockShape {
  readonly bytes: number;
}

/** A frame as chunks to write in order (no copy of the Arrow bytes into one buffer). */
export function encodeFrame(content: FrameContent): Uint8Array[] {
  const entries: BlockEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const columns of content.blocks) {
    const rows = columns.length === 0 ? 0 : columnLength(columns[0] as Column);
    const block = columns.length === 0 ? [] : encodeColumnBlock(columns);
    const length = block.reduce((n, chunk) => n + chunk.byteLength, 0);
    entries.push({ columns: columns.length, rows, bytes: length });
    chunks.push(...block);
    if (padding(length) > 0) chunks.push(new Uint8Array(padding(length)));
  }
  const header = { version: VERSION, blocks: entries, body: content.body };
  return [encodePrefix(JSON.stringify(header)), ...chunks];
}

/** The one frame `bytes` holds; BAD_REQUEST when it is not exactly one well-formed frame. */
export function decodeFrame(bytes: Uint8Array): FrameContent {
  const head = readHead(bytes);
  if (head === null) throw malformed('frame', `is ${bytes.length} bytes, too short for its header`);
  if (bytes.length !== head.total)
    throw malformed('frame', `is ${bytes.length} bytes, its header says ${head.total}`);
  let offset = head.headerEnd;
  const blocks = head.entries.map((entry, i) => {
    if (entry.columns === 0) return [];
    const block = bytes.subarray(offset, offset + entry.bytes);
    offset += entry.bytes + padding(entry.bytes);
    return decodeColumnBlock(block, entry, `block ${i}`);
  });
  return { body: head.body, blocks };
}

/** Frames from a byte stream of concatenated frames, each decoded as soon as it is complete. */
export async function* readFrames(
  source: AsyncIterable<Uint8Array>,
  maxFrameBytes: number,
): AsyncGenerator<FrameContent> {
  for await (const { content } of readFrameBytes(source, maxFrameBytes)) yield content;
}

/** A frame read from a stream, and the bytes its columns view. */
export interface ReadFrame {
  readonly content: FrameContent;
  readonly bytes: Uint8Array;
}

/** How readFrameBytes joins frames that span chunks, and what it may do with the chunks. */
export interface FrameReading {
  /**
   * Lends the buffers such frames are joined in: the reader gives each frame's `bytes` back
   * once done with every view of its columns, and later frames reuse that memory.
   */
  readonly buffers?: BodyBufferPool;
  /**
   * True when no one but this reader holds the source's chunks (an HTTP response's body):
   * a chunk wholly copied into a joined frame is then freed at once (releaseChunk).
   */
  readonly releaseChunks?: boolean;
}

/** readFrames, with the bytes each frame's columns view; `reading` as FrameReading says. */
export async function* readFrameBytes(
  source: AsyncIterable<Uint8Array>,
  maxFrameBytes: number,
  reading: FrameReading = {},
): AsyncGenerator<ReadFrame> {
  const buffer = new ChunkQueue(reading);
  let total: number | null = null; // of the frame at the head, once its header is in
  for await (const chunk of source) {
    buffer.push(chunk);
    for (;;) {
      total ??= frameTotal(buffer, maxFrameBytes);
      if (total === null || buffer.size < total) break;
      const bytes = buffer.take(total);
      total = null;
      yield { content: decodeFrame(bytes), bytes };
    }
  }
  if (buffer.size > 0) throw malformed('stream', `ends inside a frame (${buffer.size} bytes left)`);
}

/** The chunks joined into one array (one copy). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function encodePrefix(headerJson: string): Uint8Array {
  const json = new TextEncoder().encode(headerJson);
  assert(json.length <= MAX_FRAME_HEADER_BYTES, `frame header of ${json.length} bytes`);
  const headerBytes = json.length + padding(PREFIX_BYTES + json.length);
  const out = new Uint8Array(PREFIX_BYTES + headerBytes).fill(0x20, PREFIX_BYTES);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, headerBytes, true);
  out.set(json, PREFIX_BYTES);
  return out;
}

interface Head {
  readonly body: WireJson;
  readonly entries: readonly BlockEntry[];
  readonly headerEnd: number;
  readonly total: number;
}

// The parsed header, or null while fewer bytes than the header are at hand.
function readHead(bytes: Uint8Array): Head | null {
  const headerEnd = headerEndOf(bytes);
  if (headerEnd === null || bytes.length < headerEnd) return null;
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, headerEnd)),
    );
  } catch (error) {
    throw malformed('header', `is not UTF-8 JSON (${String(error)})`);
  }
  const header = asObject(json, 'header');
  if (header['version'] !== VERSION)
    throw malformed(
      'header.version',
      `is ${String(header['version'])}, this node reads ${VERSION}`,
    );
  const entries = asArray(header['blocks'], 'header.blocks').map((entry, i) =>
    blockEntry(entry, `header.blocks[${i}]`),
  );
  const total = entries.reduce((sum, entry) => sum + entry.bytes + padding(entry.bytes), headerEnd);
  return { body: (header['body'] ?? null) as WireJson, entries, headerEnd, total };
}

function headerEndOf(bytes: Uint8Array): number | null {
  if (bytes.length < PREFIX_BYTES) return null;
  for (let i = 0; i < MAGIC.length; i++)
    if (bytes[i] !== MAGIC[i]) throw malformed('frame', 'does not start with the frame magic SHF1');
  const length = new DataView(bytes.buffer, bytes.byteOffset, PREFIX_BYTES).getUint32(4, true);
  if (length > MAX_FRAME_HEADER_BYTES)
    throw malformed('header', `is ${length} bytes, over the limit of ${MAX_FRAME_HEADER_BYTES}`);
  return PREFIX_BYTES + length;
}

function blockEntry(json: unknown, where: string): BlockEntry {
  const entry = asObject(json, where);
  const columns = asCount(entry['columns'], `${where}.columns`);
  const rows = asCount(entry['rows'], `${where}.rows`);
  const bytes = asCount(entry['bytes'], `${where}.bytes`);
  if ((columns === 0) !== (bytes === 0))
    throw malformed(where, 'has bytes without columns or columns without bytes');
  return { columns, rows, bytes };
}

// The size of the frame at the queue's head, once its header is in; null before.
function frameTotal(buffer: ChunkQueue, maxFrameBytes: number): number | null {
  const end = buffer.size < PREFIX_BYTES ? null : headerEndOf(buffer.peek(PREFIX_BYTES));
  if (end === null || buffer.size < end) return null;
  const head = readHead(buffer.peek(end));
  assert(head !== null, 'a complete header reads');
  if (head.total > maxFrameBytes)
    throw malformed('frame', `is ${head.total} bytes, over the limit of ${maxFrameBytes}`);
  return head.total;
}

function padding(length: number): number {
  return (8 - (length % 8)) % 8;
}

/** Received chunks, read from the front without joining more than is asked for. */
class ChunkQueue {
  private readonly reading: FrameReading;
  private chunks: Uint8Array[] = [];
  size = 0;

  constructor(reading: FrameReading = {}) {
    this.reading = reading;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The first `n` bytes, left in the queue. */
  peek(n: number): Uint8Array {
    return this.join(n, false);
  }

  /** The first `n` bytes, removed from the queue. */
  take(n: number): Uint8Array {
    return this.join(n, true);
  }

  private join(n: number, remove: boolean): Uint8Array {
    assert(n <= this.size, `asked ${n} bytes of ${this.size}`);
    const first = this.chunks[0];
    const copied = first === undefined || first.length < n;
    const out = copied ? this.copy(n) : first.subarray(0, n);
    if (remove) this.drop(n, copied && this.reading.releaseChunks === true);
    return out;
  }

  private copy(n: number): Uint8Array {
    const out = this.reading.buffers?.lend(n) ?? new Uint8Array(n);
    let offset = 0;
    for (const chunk of this.chunks) {
      if (offset === n) break;
      const part = chunk.subarray(0, n - offset);
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  /** Drops the first `n` bytes; with `release`, frees the chunks wholly dropped (copied out). */
  private drop(n: number, release: boolean): void {
    this.size -= n;
    while (n > 0) {
      const first = this.chunks[0] as Uint8Array;
      if (first.length > n) {
        this.chunks[0] = first.subarray(n);
        return;
      }
      n -= first.length;
      this.chunks.shift();
      if (release) releaseChunk(first);
    }
  }
}
