// The data of write tasks on the master data node that coordinated them, one file per
// master transaction under clusterReplicationWorkDir (SPEC §7.1.3): the appended columns as
// consecutive wire frames of about TASK_DATA_FRAME_BYTES, so a slave applies a task of whatever
// size frame by frame as it streams in (SPEC §8.7); a row delta as one frame. With sync persistence the file is durable (temp → fsync → rename → fsync
// folder) before the transaction's decision; without it, it may be held in memory for a while
// (HeldTaskData) and is then renamed into place unsynced, and a crash may lose it (the slave
// then reports "missing task data"). A removed file is kept as a spare that the next one is
// written over (SpareFiles).

import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import { compactSymbols, concatColumns, sliceRows, takeRows } from '../core/types/column-ops.ts';
import {
  MAX_SPARE_TASK_DATA_BYTES,
  MAX_SPARE_TASK_DATA_FILES,
  MAX_TASK_DATA_FRAME_BYTES,
  TASK_DATA_FRAME_BYTES,
} from '../core/limits.ts';
import type { ChunkCrcs } from '../storage/index.ts';
import type { RowDelta } from '../storage/row-delta.ts';
import {
  columnsFromFrame,
  columnsToFrame,
  decodeFrame,
  encodeFrame,
  readFrameBytes,
} from '../net/index.ts';
import type { FrameReading, KeepMemory } from '../net/index.ts';
import { asDiskError, makeDirsDurably, TEMP_SUFFIX } from '../storage/durable-write.ts';
import { fileBytesCrc32, fileBytesLength, nodeStorageFs } from '../storage/storage-fs.ts';
import type { TaskDataRef } from './master-log.ts';
import { HeldTaskData } from './held-task-data.ts';
import { SpareFiles } from './spare-files.ts';
import type { WireJson } from '../net/index.ts';

const SUFFIX = '.task';

/** The task data files of one master data node. */
export class TaskDataFiles {
  private readonly dir: string;
  private readonly sync: boolean;
  private readonly frameBytes: number;
  private readonly known = new Set<string>();
  /** Removed files, written over by the next ones (SpareFiles says why). */
  readonly spares: SpareFiles;
  /** Appends' data not written yet (only without sync persistence). */
  private readonly held: HeldTaskData;

  /**
   * `frameBytes`: the target size of an append's frames (tests make it small). `holdBytes`:
   * how much appended data may wait in memory before its file is written; with 0 every file
   * is written at once, which sync persistence requires.
   */
  constructor(dir: string, sync: boolean, frameBytes = TASK_DATA_FRAME_BYTES, holdBytes = 0) {
    assert(!sync || holdBytes === 0, 'durable task data is never held in memory');
    this.dir = dir;
    this.sync = sync;
    this.frameBytes = frameBytes;
    this.spares = new SpareFiles(dir, MAX_SPARE_TASK_DATA_FILES, MAX_SPARE_TASK_DATA_BYTES);
    this.held = new HeldTaskData(holdBytes);
  }

  /**
   * Records the columns appended by master transaction `tid`: their size and checksum. Held in
   * memory when the bound allows (then `keep` pins the memory the columns view; without it
   * they must be the caller's alone, and `crcs` remembers the checksums of their bytes for
   * the write's segments), else written to its file.
   */
  async write(
    tid: number,
    columns: readonly Column[],
    keep?: KeepMemory,
    crcs?: ChunkCrcs,
  ): Promise<TaskDataRef> {
    const chunks = encodeTaskFrames(columns, { tid }, this.frameBytes);
    const held = this.held.hold(tid, chunks, performance.now(), keep, crcs);
    return held ?? this.store(tid, chunks);
  }

  /**
   * Writes the files of data held for `holdMillis` or more (every held one when absent, as a
   * stopping node does), then stops holding it. DISK_ERROR as `write`; what is not written
   * stays held.
   */
  async flush(holdMillis?: number): Promise<void> {
    const tids =
      holdMillis === undefined ? this.held.tids() : this.held.due(performance.now(), holdMillis);
    for (const tid of tids) {
      const held = this.held.dataOf(tid);
      // Removed while an earlier one was written: no task needs it.
      if (held === undefined) continue;
      await this.store(tid, held.chunks, held.crc32);
      this.held.drop(tid);
    }
  }

  /** Bytes of task data held in memory now. */
  get heldBytes(): number {
    return this.held.heldBytes;
  }

  /** Transactions whose data is held in memory now. */
  heldTids(): number[] {
    return this.held.tids();
  }

  /**
   * Writes `chunks` as the file of `tid` without joining them: temp → (fsync) → rename →
   * (fsync folder), the fsyncs only with sync persistence. DISK_ERROR names the file.
   */
  private async store(
    tid: number,
    chunks: readonly Uint8Array[],
    knownCrc32?: number,
  ): Promise<TaskDataRef> {
    const file = this.path(tid);
    const temp = `${file}${TEMP_SUFFIX}`;
    try {
      if (this.sync) await makeDirsDurably(nodeStorageFs, this.dir, this.known);
      else await mkdir(this.dir, { recursive: true });
      const overSpare = await this.spares.take(temp);
      const crc = await this.writeTemp(temp, chunks, overSpare, knownCrc32);
      await rename(temp, file);
      if (this.sync) await nodeStorageFs.fsyncDir(this.dir);
      return { bytes: fileBytesLength(chunks), crc32: crc };
    } catch (error) {
      throw asDiskError(error, `writing ${file}`);
    }
  }

  /**
   * Writes `chunks` as `temp` (over the spare file renamed to it when `overSpare`, cut to its
   * new size), fsynced with sync persistence: their CRC-32 (`knownCrc32` when the caller took
   * it already), taken while the bytes are written (both only read them).
   */
  private async writeTemp(
    temp: string,
    chunks: readonly Uint8Array[],
    overSpare: boolean,
    knownCrc32: number | undefined,
  ): Promise<number> {
    const handle = await open(temp, overSpare ? 'r+' : 'w');
    try {
      const written = handle.writev(chunks as Uint8Array[], 0);
      const crc = knownCrc32 ?? fileBytesCrc32(chunks);
      await written;
      if (overSpare) await handle.truncate(fileBytesLength(chunks));
      if (this.sync) await handle.sync();
      return crc;
    } finally {
      await handle.close();
    }
  }

  /** Writes the row delta of master transaction `tid` (removed rows, then added rows). */
  async writeDelta(tid: number, delta: RowDelta): Promise<TaskDataRef> {
    return this.store(tid, encodeDeltaFrame(delta, { tid }));
  }

  /**
   * What to serve of `tid`: its chunks while held in memory (`done` once sent), else its file
   * as `open` gives it. TASK_DATA_MISSING if neither is there.
   */
  async source(tid: number): Promise<TaskDataSource> {
    const held = this.held.read(tid);
    if (held !== undefined) return { kind: 'memory', ...held };
    return { kind: 'file', ...(await this.open(tid)) };
  }

  /**
   * `tid`'s file opened for reading, and its size: served without holding it in memory (the
   * fetching slave checks the CRC-32 of what arrives). The caller closes the handle.
   * TASK_DATA_MISSING if it is gone.
   */
  async open(tid: number): Promise<{ readonly bytes: number; readonly handle: FileHandle }> {
    const file = this.path(tid);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch {
      throw missing(tid, 'the file is gone (a crash without clusterReplicationSyncPersistence?)');
    }
    try {
      return { bytes: (await handle.stat()).size, handle };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Removes `tid`'s file (after every slave finished its task, or when it aborted); kept as a
   * spare for the next file when the bounds allow. A fetch still reading it (one no slave
   * waits for now) may then read another task's bytes, which its CRC-32 check refuses.
   */
  async remove(tid: number): Promise<void> {
    this.held.drop(tid);
    const file = this.path(tid);
    const bytes = await stat(file).then(
      (stats) => stats.size,
      () => null,
    );
    if (bytes === null || !(await this.spares.keep(file, bytes))) await rm(file, { force: true });
    await rm(`${file}${TEMP_SUFFIX}`, { force: true });
  }

  /**
   * Transaction ids that have data here: held in memory, a file, or a temp file a crash left
   * mid-write. The first call also removes the spare files a previous process left.
   */
  async list(): Promise<number[]> {
    await this.spares.sweep();
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const tids = names
      .map((n) => (n.endsWith(TEMP_SUFFIX) ? n.slice(0, -TEMP_SUFFIX.length) : n))
      .filter((n) => n.endsWith(SUFFIX))
      .map((n) => Number(n.slice(0, -SUFFIX.length)))
      .filter((n) => Number.isSafeInteger(n));
    return [...new Set([...tids, ...this.held.tids()])];
  }

  private path(tid: number): string {
    return path.join(this.dir, `${tid}${SUFFIX}`);
  }
}

/** Task data to serve: chunks held in memory, or an open file (see TaskDataFiles.source). */
export type TaskDataSource =
  | {
      readonly kind: 'memory';
      readonly chunks: readonly Uint8Array[];
      /** Call once the chunks are sent (or the send gave up). */
      readonly done: () => void;
    }
  | { readonly kind: 'file'; readonly bytes: number; readonly handle: FileHandle };

/**
 * The fetched data of master transaction `tid` when its CRC-32 is `expectedCrc32` (what the
 * task recorded); TASK_DATA_MISSING otherwise, which fails the task with that reason.
 */
export function checkedTaskData(tid: number, bytes: Uint8Array, expectedCrc32: number): Uint8Array {
  if (crc32(bytes) === expectedCrc32) return bytes;
  throw missing(
    tid,
    'what arrived fails its checksum (the file on the master is damaged, or the transfer was cut)',
  );
}

/**
 * `columns` as consecutive frames of about `frameBytes` (at least one frame, one row per
 * frame): chunks that view the columns; only large SYMBOL dictionaries are cut per frame.
 */
export function encodeTaskFrames(
  columns: readonly Column[],
  meta: WireJson,
  frameBytes = TASK_DATA_FRAME_BYTES,
): Uint8Array[] {
  const rows = columns[0] === undefined ? 0 : columnLength(columns[0]);
  const step = rowsPerFrame(columns, frameBytes);
  const chunks: Uint8Array[] = [];
  let start = 0;
  do {
    const end = Math.min(rows, start + step);
    const slice = columns.map((column) => frameSlice(column, start, end));
    chunks.push(...encodeColumnsFrame(slice, meta));
    start = end;
  } while (start < rows);
  return chunks;
}

/** One frame of task data: its columns, and how to free their memory once done with them. */
export interface TaskDataFrame {
  readonly columns: Column[];
  /** Gives the frame's buffer back to its pool: call once nothing views the columns. */
  readonly release: () => void;
}

/**
 * The columns of each frame of task data as it arrives (BAD_REQUEST for a malformed stream).
 * With `reading.buffers`, frames are joined in buffers from that pool, which each frame's
 * release gives back (see readFrameBytes).
 */
export async function* taskDataChunks(
  bytes: AsyncIterable<Uint8Array>,
  reading: FrameReading = {},
): AsyncGenerator<TaskDataFrame> {
  for await (const frame of readFrameBytes(bytes, MAX_TASK_DATA_FRAME_BYTES, reading)) {
    const columns = columnsFromFrame(frame.content).columns.map((c) => c.column);
    yield { columns, release: () => reading.buffers?.giveBack(frame.bytes) };
  }
}

/**
 * The size and CRC-32 of the bytes that pass through `tap`, checked by `verify` against what
 * the task recorded: streamed task data is applied as it arrives, and committed only once
 * the whole of it checks out.
 */
export class TaskDataCheck {
  private readonly tid: number;
  private readonly expected: TaskDataRef;
  private crc = 0;
  private bytes = 0;

  /** Bytes that have passed so far. */
  get receivedBytes(): number {
    return this.bytes;
  }

  constructor(tid: number, expected: TaskDataRef) {
    this.tid = tid;
    this.expected = expected;
  }

  async *tap(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      this.crc = crc32(chunk, this.crc);
      this.bytes += chunk.byteLength;
      yield chunk;
    }
  }

  /** TASK_DATA_MISSING unless what passed is exactly the recorded data. */
  verify(): void {
    if (this.bytes === this.expected.bytes && this.crc === this.expected.crc32) return;
    throw missing(
      this.tid,
      `what arrived (${this.bytes} bytes) fails its checksum or size (${this.expected.bytes} bytes recorded): the file on the master is damaged, or the transfer was cut`,
    );
  }
}

/** Rows of one frame: about `frameBytes` of these columns, at least one row. */
function rowsPerFrame(columns: readonly Column[], frameBytes: number): number {
  const rowBytes = columns.reduce((n, column) => n + bytesPerRow(column), 0);
  return Math.max(1, Math.floor(frameBytes / Math.max(1, rowBytes)));
}

/** A column's bytes per row in a frame (text estimated from its first values). */
function bytesPerRow(column: Column): number {
  switch (column.type) {
    case 'SYMBOL':
      return 4;
    case 'STRING': {
      const sample = column.data.slice(0, 1000);
      const chars = sample.reduce((n, text) => n + text.length, 0);
      return 4 + Math.ceil((3 * chars) / Math.max(1, sample.length));
    }
    default:
      return column.data.BYTES_PER_ELEMENT;
  }
}

/**
 * Rows `start`–`end` of `column` for one frame. A SYMBOL dictionary larger than the slice is
 * cut to the symbols it uses, so frames do not each repeat a large dictionary.
 */
function frameSlice(column: Column, start: number, end: number): Column {
  return compactSymbols(sliceRows(column, start, end));
}

/** A frame's chunks (the Arrow bytes view the columns: nothing is copied). */
function encodeColumnsFrame(columns: readonly Column[], meta: WireJson): Uint8Array[] {
  return encodeFrame(
    columnsToFrame(
      columns.map((column, i) => ({ name: `c${i}`, column })),
      meta,
    ),
  );
}

/** A row delta as one frame: the removed rows then the added ones, `removed` in its meta. */
export function encodeDeltaFrame(
  delta: RowDelta,
  meta: Readonly<Record<string, WireJson>>,
): Uint8Array[] {
  const removed = delta.removed[0] === undefined ? 0 : columnLength(delta.removed[0]);
  const columns = delta.removed.map((c, i) => concatColumns(c.type, [c, delta.added[i] as Column]));
  return encodeColumnsFrame(columns, { ...meta, removed });
}

/** The meta of a frame written by encodeDeltaFrame. */
export function deltaFrameMeta(bytes: Uint8Array): Readonly<Record<string, WireJson>> {
  return columnsFromFrame(decodeFrame(bytes)).meta as Readonly<Record<string, WireJson>>;
}

/** The row delta of a frame written by encodeDeltaFrame (a task data file or a prepare). */
export function taskDataDelta(bytes: Uint8Array): RowDelta {
  const { columns, meta } = columnsFromFrame(decodeFrame(bytes));
  const removed = (meta as { removed?: number } | null)?.removed ?? 0;
  const all = columns.map((c) => c.column);
  const rows = all[0] === undefined ? 0 : columnLength(all[0]);
  const range = (from: number, to: number): Uint32Array =>
    Uint32Array.from({ length: to - from }, (_, i) => from + i);
  return {
    removed: all.map((c) => takeRows(c, range(0, removed))),
    added: all.map((c) => takeRows(c, range(removed, rows))),
  };
}

function missing(tid: number, why: string): ShoalError {
  return new ShoalError(
    'TASK_DATA_MISSING',
    `missing task data of master transaction ${tid}: ${why}`,
  );
}
