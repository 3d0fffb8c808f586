// Proves the task data files of a master data node: what is written streams back (appends
// and row deltas), a missing file or damaged bytes are TASK_DATA_MISSING, and a temp file a
// crash left mid-write is listed so that collection can remove it. How: real files in a temp
// folder.

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import type { Column } from '../core/types/column.ts';
import {
  checkedTaskData,
  TaskDataFiles,
  taskDataColumns,
  taskDataDelta,
} from './task-data-files.ts';

/** The bytes `files` serves for `tid`, read to the end; the size it announced is checked. */
async function streamed(files: TaskDataFiles, tid: number): Promise<Uint8Array> {
  const { bytes, body } = await files.stream(tid);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
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
      expect(taskDataColumns(bytes)).toEqual([ints(1, 2, 3), texts('a', 'b', 'c')]);
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
    const missing = await files.stream(1).catch((e: unknown) => e);
    expect(isShoalError(missing, 'TASK_DATA_MISSING')).toBe(true);
    expect(String((missing as Error).message)).toMatch(/missing task data of master transaction 1/);
  });

  it('lists a temp file left mid-write, and removing its transaction removes it', async () => {
    const files = new TaskDataFiles(dir, false);
    await writeFile(path.join(dir, '42.task.tmp'), 'partial');
    await writeFile(path.join(dir, 'unrelated.txt'), 'x');
    expect(await files.list()).toEqual([42]);
    await files.remove(42);
    expect(await readdir(dir)).toEqual(['unrelated.txt']);
  });
});
