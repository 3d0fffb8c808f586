// Proves the task data files of a master data node: what is written streams back (appends
// and row deltas), a large append is cut into frames of about TASK_DATA_FRAME_BYTES that a
// slave reads one by one (joined in pooled buffers that a released frame gives back), a missing file or damaged or cut bytes are TASK_DATA_MISSING, and a
// temp file a crash left mid-write is listed so that collection can remove it; a removed file
// is kept as a spare (within bounds) that the next file is written over exactly, and spares a
// previous process left are removed. How: real files in a temp folder.

import { mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import type { Column } from '../core/types/column.ts';
import {
  MAX_SPARE_TASK_DATA_BYTES,
  MAX_SPARE_TASK_DATA_FILES,
  TASK_DATA_FRAME_BYTES,
} from '../core/limits.ts';
import { concatColumnSets } from '../core/types/column-ops.ts';
import { BodyBufferPool } from '../net/index.ts';
import {
  checkedTaskData,
  TaskDataCheck,
  TaskDataFiles,
  taskDataChunks,
  taskDataDelta,
} from './task-data-files.ts';

/** Every column of every frame of a task data file's bytes, joined. */
async function taskDataColumns(bytes: Uint8Array): Promise<Column[]> {
  const frames: Column[][] = [];
  for await (const frame of taskDataChunks(chunked(bytes, bytes.length || 1))) {
    frames.push(frame.columns);
  }
  return concatColumnSets(
    (frames[0] ?? []).map((column) => column.type),
    frames,
  );
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** The bytes `files` serves for `tid`, read to the end; the size it announced is checked. */
async function streamed(files: TaskDataFiles, tid: number): Promise<Uint8Array> {
  const { bytes, handle } = await files.open(tid);
  const all = await handle.readFile().finally(() => handle.close());
  expect(all.byteLength).toBe(bytes);
  return all;
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shoal-task-data-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ints = (...values: number[]): Column => ({ type: 'INT', data: Int32Array.from(values) });
const texts = (...values: string[]): Column => ({ type: 'STRING', data: values });

describe('TaskDataFiles', () => {
  for (const sync of [false, true]) {
    it(`reads back what it wrote (sync persistence ${String(sync)})`, async () => {
      const files = new TaskDataFiles(path.join(dir, 'work'), sync);
      const written = await files.write(7, [ints(1, 2, 3), texts('a', 'b', 'c')]);
      const bytes = checkedTaskData(7, await streamed(files, 7), written.crc32);
      expect(bytes.length).toBe(written.bytes);
      expect(await taskDataColumns(bytes)).toEqual([ints(1, 2, 3), texts('a', 'b', 'c')]);
      const delta = await files.writeDelta(8, {
        removed: [ints(4), texts('d')],
        added: [ints(5, 6), texts('e', 'f')],
      });
      expect(taskDataDelta(checkedTaskData(8, await streamed(files, 8), delta.crc32))).toEqual({
        removed: [ints(4), texts('d')],
        added: [ints(5, 6), texts('e', 'f')],
      });
      expect((await files.list()).sort()).toEqual([7, 8]);
    });
  }

  it('answers TASK_DATA_MISSING for damaged bytes or a missing file', async () => {
    const files = new TaskDataFiles(dir, false);
    const written = await files.write(1, [ints(1)]);
    const bytes = await streamed(files, 1);
    const damaged = (() => {
      try {
        return checkedTaskData(1, bytes, written.crc32 ^ 1);
      } catch (error) {
        return error;
      }
    })();
    expect(isShoalError(damaged, 'TASK_DATA_MISSING')).toBe(true);
    expect(String(damaged)).toMatch(/fails its checksum/);
    await files.remove(1);
    const missing = await files.open(1).catch((e: unknown) => e);
    expect(isShoalError(missing, 'TASK_DATA_MISSING')).toBe(true);
    expect(String((missing as Error).message)).toMatch(/missing task data of master transaction 1/);
  });

  it('cuts a large append into frames a reader takes one at a time', async () => {
    const files = new TaskDataFiles(dir, false);
    const rows = Math.ceil((2.5 * TASK_DATA_FRAME_BYTES) / 12); // an INT and a SYMBOL: 8 B/row
    const values = Int32Array.from({ length: rows }, (_, i) => i);
    const dictionary = Array.from({ length: 20 }, (_, i) => `s${i}`);
    const codes = Int32Array.from({ length: rows }, (_, i) => i % 20);
    const columns: Column[] = [
      { type: 'INT', data: values },
      { type: 'SYMBOL', data: { codes, dictionary } },
      { type: 'INT', data: values },
    ];
    const written = await files.write(3, columns);
    const check = new TaskDataCheck(3, written);
    const frames: Column[][] = [];
    for await (const frame of taskDataChunks(
      check.tap(chunked(await streamed(files, 3), 65_536)),
    )) {
      frames.push(frame.columns);
    }
    check.verify();
    expect(frames.length).toBe(3);
    const lengths = frames.map((f) => (f[0]?.data as Int32Array).length);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(rows);
    expect(frames.map((f) => (f[0]?.data as Int32Array)[0])).toEqual([
      0,
      lengths[0],
      (lengths[0] ?? 0) * 2,
    ]);
    expect(await taskDataColumns(await streamed(files, 3))).toEqual(columns);
  });

  it('joins frames in pooled buffers that a released frame gives back to the next', async () => {
    const files = new TaskDataFiles(dir, false);
    const rows = Math.ceil((2.5 * TASK_DATA_FRAME_BYTES) / 8);
    const values = Int32Array.from({ length: rows }, (_, i) => i);
    const written = await files.write(4, [
      { type: 'INT', data: values },
      { type: 'INT', data: values },
    ]);
    const pool = new BodyBufferPool(4 * TASK_DATA_FRAME_BYTES);
    const buffers: ArrayBufferLike[] = [];
    const read: Int32Array[] = [];
    for await (const frame of taskDataChunks(chunked(await streamed(files, 4), 65_536), {
      buffers: pool,
    })) {
      const data = frame.columns[1]?.data as Int32Array;
      buffers.push(data.buffer);
      read.push(data.slice()); // copied out: the buffer is the next frame's once released
      frame.release();
    }
    expect(written.bytes).toBeGreaterThan(2 * TASK_DATA_FRAME_BYTES);
    expect(read).toHaveLength(3);
    expect(buffers[1]).toBe(buffers[0]);
    expect(buffers[2]).toBe(buffers[0]);
    const joined = new Int32Array(rows);
    let at = 0;
    for (const part of read) {
      joined.set(part, at);
      at += part.length;
    }
    expect(joined).toEqual(values);
  });

  it('cuts a SYMBOL dictionary larger than a frame to the symbols the frame uses', async () => {
    const files = new TaskDataFiles(dir, false);
    const dictionary = Array.from({ length: 1000 }, (_, i) => `sym${i}`);
    const column: Column = {
      type: 'SYMBOL',
      data: { codes: Int32Array.from([7, 9, 7]), dictionary },
    };
    await files.write(4, [column]);
    const [decoded] = await taskDataColumns(await streamed(files, 4));
    expect(decoded?.type === 'SYMBOL' && decoded.data.dictionary).toEqual(['sym7', 'sym9']);
    expect(decoded?.type === 'SYMBOL' && [...decoded.data.codes]).toEqual([0, 1, 0]);
  });

  it('checks streamed bytes whole: a cut or a flipped byte is TASK_DATA_MISSING', async () => {
    const files = new TaskDataFiles(dir, false);
    const written = await files.write(5, [ints(1, 2, 3)]);
    const bytes = await streamed(files, 5);
    const read = async (data: Uint8Array): Promise<unknown> => {
      const check = new TaskDataCheck(5, written);
      try {
        for await (const chunk of check.tap(chunked(data, 7)))
          expect(chunk.length).toBeGreaterThan(0);
        check.verify();
        return 'ok';
      } catch (error) {
        return error;
      }
    };
    expect(await read(bytes)).toBe('ok');
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    const cut = bytes.subarray(0, bytes.length - 8);
    for (const damaged of [flipped, cut]) {
      const error = await read(damaged);
      expect(isShoalError(error, 'TASK_DATA_MISSING')).toBe(true);
      expect(String(error)).toMatch(/fails its checksum or size/);
    }
  });

  it('lists a temp file left mid-write, and removing its transaction removes it', async () => {
    const files = new TaskDataFiles(dir, false);
    await writeFile(path.join(dir, '42.task.tmp'), 'partial');
    await writeFile(path.join(dir, 'unrelated.txt'), 'x');
    expect(await files.list()).toEqual([42]);
    await files.remove(42);
    expect(await readdir(dir)).toEqual(['unrelated.txt']);
  });

  for (const sync of [false, true]) {
    it(`writes a new file over a removed one, smaller or larger, exactly (sync ${String(sync)})`, async () => {
      const files = new TaskDataFiles(dir, sync);
      const large = Array.from({ length: 5000 }, (_, i) => i);
      await files.write(1, [ints(...large), texts(...large.map(String))]);
      const { ino } = await stat(path.join(dir, '1.task'));
      await files.remove(1);
      expect(files.spares.bytes).toBeGreaterThan(0);
      // Smaller than the spare: written over it and cut to its own size.
      const small = await files.write(2, [ints(7, 8), texts('x', 'y')]);
      expect((await stat(path.join(dir, '2.task'))).ino).toBe(ino);
      expect(files.spares.bytes).toBe(0);
      const bytes = checkedTaskData(2, await streamed(files, 2), small.crc32);
      expect(bytes.length).toBe(small.bytes);
      expect(await taskDataColumns(bytes)).toEqual([ints(7, 8), texts('x', 'y')]);
      // Larger than the spare: it grows.
      await files.remove(2);
      const grown = await files.write(3, [ints(...large), texts(...large.map(String))]);
      expect((await stat(path.join(dir, '3.task'))).ino).toBe(ino);
      const again = checkedTaskData(3, await streamed(files, 3), grown.crc32);
      expect(await taskDataColumns(again)).toEqual([ints(...large), texts(...large.map(String))]);
      expect(await files.list()).toEqual([3]);
    });
  }

  it('keeps at most MAX_SPARE_TASK_DATA_FILES spares and removes the rest', async () => {
    const files = new TaskDataFiles(dir, false);
    const tids = Array.from({ length: MAX_SPARE_TASK_DATA_FILES + 2 }, (_, i) => i + 1);
    for (const tid of tids) await files.write(tid, [ints(tid)]);
    for (const tid of tids) await files.remove(tid);
    const names = await readdir(dir);
    expect(names.filter((n) => n.endsWith('.spare'))).toHaveLength(MAX_SPARE_TASK_DATA_FILES);
    expect(names.filter((n) => !n.endsWith('.spare'))).toEqual([]);
    expect(await files.list()).toEqual([]);
  });

  it('removes, not keeps, a file past the spare bytes bound', async () => {
    const files = new TaskDataFiles(dir, false);
    await files.write(1, [ints(1)]);
    await truncate(path.join(dir, '1.task'), MAX_SPARE_TASK_DATA_BYTES + 1);
    await files.remove(1);
    expect(await readdir(dir)).toEqual([]);
    expect(files.spares.bytes).toBe(0);
  });

  it('removes the spares a previous process left at its first listing, never lists them', async () => {
    await writeFile(path.join(dir, '99-0.spare'), 'left by a crash');
    const files = new TaskDataFiles(dir, false);
    await files.write(5, [ints(5)]);
    expect(await files.list()).toEqual([5]);
    expect(await readdir(dir)).toEqual(['5.task']);
    // The next file is a new one: a stray spare is never written over.
    await files.write(6, [ints(6)]);
    expect((await readdir(dir)).sort()).toEqual(['5.task', '6.task']);
  });

  describe('held in memory (no sync persistence)', () => {
    /** The bytes `files` serves for `tid` from memory (undefined when it serves a file). */
    async function fromMemory(files: TaskDataFiles, tid: number): Promise<Uint8Array | undefined> {
      const source = await files.source(tid);
      if (source.kind === 'file') {
        await source.handle.close();
        return undefined;
      }
      const bytes = Buffer.concat(source.chunks);
      source.done();
      return bytes;
    }

    it('serves held data from memory with the size and CRC-32 it reported, and writes no file', async () => {
      const files = new TaskDataFiles(dir, false, TASK_DATA_FRAME_BYTES, 1 << 20);
      const held = await files.write(3, [ints(1, 2), texts('a', 'b')]);
      const bytes = await fromMemory(files, 3);
      expect(bytes).toBeDefined();
      expect(checkedTaskData(3, bytes as Uint8Array, held.crc32).length).toBe(held.bytes);
      expect(await taskDataColumns(bytes as Uint8Array)).toEqual([ints(1, 2), texts('a', 'b')]);
      expect(files.heldBytes).toBe(held.bytes);
      expect(await files.list()).toEqual([3]);
      expect(await readdir(dir).catch(() => [])).toEqual([]);
      // Removed before it was due (every slave finished it): never written.
      await files.remove(3);
      await files.flush(0);
      expect(files.heldBytes).toBe(0);
      expect(await files.list()).toEqual([]);
      expect(await readdir(dir).catch(() => [])).toEqual([]);
    });

    it('writes held data to its file once due, byte for byte, and then serves the file', async () => {
      const files = new TaskDataFiles(dir, false, TASK_DATA_FRAME_BYTES, 1 << 20);
      const held = await files.write(4, [ints(4, 5, 6)]);
      const before = await fromMemory(files, 4);
      await files.flush(60_000); // not due yet
      expect(await readdir(dir).catch(() => [])).toEqual([]);
      await files.flush(0);
      expect(files.heldBytes).toBe(0);
      expect(await fromMemory(files, 4)).toBeUndefined();
      expect(Buffer.from(await streamed(files, 4))).toEqual(before);
      expect(checkedTaskData(4, await streamed(files, 4), held.crc32).length).toBe(held.bytes);
    });

    it('writes a file at once past the bound, and everything at a stop', async () => {
      const files = new TaskDataFiles(dir, false, TASK_DATA_FRAME_BYTES, 2000);
      const large = Array.from({ length: 200 }, (_, i) => i); // ~1,300 B with the framing
      await files.write(1, [ints(...large)]);
      expect(await readdir(dir).catch(() => [])).toEqual([]);
      await files.write(2, [ints(...large)]); // would pass 2,000 bytes held
      expect(await readdir(dir)).toEqual(['2.task']);
      expect((await files.list()).sort()).toEqual([1, 2]);
      await files.flush();
      expect((await readdir(dir)).sort()).toEqual(['1.task', '2.task']);
      expect(files.heldBytes).toBe(0);
    });

    it('pins the memory held columns view until removed, and past a serve in progress', async () => {
      const files = new TaskDataFiles(dir, false, TASK_DATA_FRAME_BYTES, 1 << 20);
      const events: string[] = [];
      await files.write(5, [ints(5)], () => {
        events.push('kept');
        return () => events.push('released');
      });
      expect(events).toEqual(['kept']);
      const serving = await files.source(5);
      await files.remove(5);
      expect(events).toEqual(['kept']); // a slave still reads it
      expect(serving.kind).toBe('memory');
      if (serving.kind === 'memory') {
        serving.done();
        serving.done(); // a second call changes nothing
      }
      expect(events).toEqual(['kept', 'released']);
      // Past the bound nothing is pinned: the file holds a copy.
      const small = new TaskDataFiles(path.join(dir, 'small'), false, TASK_DATA_FRAME_BYTES, 10);
      await small.write(6, [ints(6)], () => {
        events.push('kept again');
        return () => {};
      });
      expect(events).toEqual(['kept', 'released']);
    });

    it('never holds with sync persistence', () => {
      expect(() => new TaskDataFiles(dir, true, TASK_DATA_FRAME_BYTES, 1)).toThrow(/never held/);
    });
  });
});
