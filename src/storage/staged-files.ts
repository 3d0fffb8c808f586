// The segment files of one write transaction, written the durable way (temp → fsync → rename
// → fsync folder) with the waits moved out of the writer's path: a file's bytes are written
// at once, its fsync and rename run in the background, and the transaction's plan is
// committed or prepared only after every file is in place and every folder fsynced. A
// streamed append so receives its next chunk while the last one's fsync runs, and a write of
// many segments fsyncs each folder once.

import * as path from 'node:path';
import { asDiskError, TEMP_SUFFIX } from './durable-write.ts';
import type { FileBytes, StorageFs } from './storage-fs.ts';

/** The files one write transaction wrote, and their durability. */
export class StagedFiles {
  private readonly fs: StorageFs;
  /** Final paths, in the order written: what the transaction names. */
  readonly written: string[] = [];
  private readonly pending: Promise<void>[] = [];
  private readonly folders = new Set<string>();
  private failure: Error | undefined;

  constructor(fs: StorageFs) {
    this.fs = fs;
  }

  /**
   * Writes `bytes` as `finalPath`'s temp file; resolves once they are written (the bytes may
   * change afterwards). Its fsync and rename go on in the background. DISK_ERROR names it.
   */
  async write(finalPath: string, bytes: FileBytes): Promise<void> {
    const temp = finalPath + TEMP_SUFFIX;
    this.written.push(finalPath);
    try {
      await this.fs.writeFile(temp, bytes);
    } catch (error) {
      throw asDiskError(error, `writing ${finalPath}`);
    }
    this.folders.add(path.dirname(finalPath));
    const durable = (async () => {
      await this.fs.fsyncFile(temp);
      await this.fs.rename(temp, finalPath);
    })();
    // Recorded, never left unobserved: settle() reports the first failure.
    this.pending.push(
      durable.catch((error: unknown) => {
        this.failure ??= asDiskError(error, `writing ${finalPath}`);
      }),
    );
  }

  /** Resolves once every file is fsynced, in place, and its folder fsynced; else DISK_ERROR. */
  async settle(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure !== undefined) throw this.failure;
    for (const folder of this.folders) {
      try {
        await this.fs.fsyncDir(folder);
      } catch (error) {
        throw asDiskError(error, `making ${folder} durable`);
      }
    }
  }

  /** Removes every file, in place or not (after the background work ended): nothing is kept. */
  async remove(): Promise<void> {
    await Promise.all(this.pending);
    const names = this.written.flatMap((file) => [file, file + TEMP_SUFFIX]);
    await Promise.allSettled(names.map((file) => this.fs.unlink(file)));
  }
}
