// The data of write tasks on the master data node that coordinated them, one file per
// master transaction under clusterReplicationWorkDir (SPEC §7.1.3): the appended columns as
// one wire frame. With sync persistence the file is durable (temp → fsync → rename → fsync
// folder) before the transaction's decision; without it, it is renamed into place unsynced
// and a crash may lose it (the slave then reports "missing task data").

import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { ShoalError } from '../core/errors.ts';
import type { Column } from '../core/types/column.ts';
import {
  columnsFromFrame,
  columnsToFrame,
  concatBytes,
  decodeFrame,
  encodeFrame,
} from '../net/index.ts';
import { makeDirsDurably, writeFileDurably } from '../storage/durable-write.ts';
import { nodeStorageFs } from '../storage/storage-fs.ts';
import type { TaskDataRef } from './master-log.ts';

const SUFFIX = '.task';

/** The task data files of one master data node. */
export class TaskDataFiles {
  private readonly dir: string;
  private readonly sync: boolean;
  private readonly known = new Set<string>();

  constructor(dir: string, sync: boolean) {
    this.dir = dir;
    this.sync = sync;
  }

  /** Writes the columns appended by master transaction `tid`; their size and checksum. */
  async write(tid: number, columns: readonly Column[]): Promise<TaskDataRef> {
    const bytes = concatBytes(
      encodeFrame(
        columnsToFrame(
          columns.map((column, i) => ({ name: `c${i}`, column })),
          { tid },
        ),
      ),
    );
    const file = this.path(tid);
    if (this.sync) {
      await makeDirsDurably(nodeStorageFs, this.dir, this.known);
      await writeFileDurably(nodeStorageFs, file, bytes);
    } else {
      await mkdir(this.dir, { recursive: true });
      await writeFile(`${file}.tmp`, bytes);
      await rename(`${file}.tmp`, file);
    }
    return { bytes: bytes.length, crc32: crc32(bytes) };
  }

  /** The bytes of `tid`'s file, checked against `expectedCrc32` (TASK_DATA_MISSING if not). */
  async read(tid: number, expectedCrc32: number): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(this.path(tid));
    } catch {
      throw missing(tid, 'the file is gone (a crash without clusterReplicationSyncPersistence?)');
    }
    if (crc32(bytes) !== expectedCrc32) throw missing(tid, 'the file fails its checksum');
    return bytes;
  }

  /** Removes `tid`'s file (after every slave finished its task, or when it aborted). */
  async remove(tid: number): Promise<void> {
    await rm(this.path(tid), { force: true });
  }

  /** Transaction ids that have a file. */
  async list(): Promise<number[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith(SUFFIX))
      .map((n) => Number(n.slice(0, -SUFFIX.length)))
      .filter((n) => Number.isSafeInteger(n));
  }

  private path(tid: number): string {
    return path.join(this.dir, `${tid}${SUFFIX}`);
  }
}

/** The columns of a task data file's bytes. */
export function taskDataColumns(bytes: Uint8Array): Column[] {
  return columnsFromFrame(decodeFrame(bytes)).columns.map((c) => c.column);
}

function missing(tid: number, why: string): ShoalError {
  return new ShoalError(
    'TASK_DATA_MISSING',
    `missing task data of master transaction ${tid}: ${why}`,
  );
}
