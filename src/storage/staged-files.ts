// The segment files of one write transaction, written the durable way (temp → fsync → rename
// → fsync folder) with the waits moved out of the writer's path: a file's bytes are written
// at once, its fsync and rename run in the background, and the transaction's plan is
// committed or prepared only after every file is in place and every folder fsynced. A
// streamed append so receives its next chunk while the last one's fsync runs, and a write of
// several segments fsyncs each folder once. New folders are created at once and their names
// made durable at settle too.

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
  /** Folders whose names are durable (shared by the store's writes); settle adds to it. */
  private readonly known: Set<string>;
  /** Folders makeDirs created, made durable by settle. */
  private readonly newFolders = new Set<string>();
  private failure: Error | undefined;

  constructor(fs: StorageFs, known: Set<string>) {
    this.fs = fs;
    this.known = known;
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

  /**
   * Creates `dir` and its missing parents now; their names are made durable (an fsync of each
   * new folder's parent) by settle, and the known folders learn each folder then (a known
   * folder is skipped with its parents). A write into a new partition so starts at once: the two
   * folder fsyncs before its first segment took up to 50 ms while the disk was busy, and at
   * settle they follow the folder fsyncs that flushed the disk's journal already. DISK_ERROR
   * names the folder.
   */
  async makeDirs(dir: string): Promise<void> {
    const fresh: string[] = [];
    const made = (level: string): boolean => this.known.has(level) || this.newFolders.has(level);
    for (let level = dir; !made(level) && path.dirname(level) !== level;) {
      fresh.push(level);
      level = path.dirname(level);
    }
    if (fresh.length === 0) return;
    try {
      await this.fs.mkdirs(dir);
    } catch (error) {
      throw asDiskError(error, `creating ${dir}`);
    }
    for (const level of fresh) this.newFolders.add(level);
  }

  /** Resolves once every file is fsynced, in place, and its folder fsynced; else DISK_ERROR. */
  async settle(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure !== undefined) throw this.failure;
    const parents = [...this.newFolders].map((folder) => path.dirname(folder));
    for (const folder of new Set([...this.folders, ...parents])) {
      try {
        await this.fs.fsyncDir(folder);
      } catch (error) {
        throw asDiskError(error, `making ${folder} durable`);
      }
    }
    for (const folder of this.newFolders) this.known.add(folder);
  }

  /** Removes every file, in place or not (after the background work ended): nothing is kept. */
  async remove(): Promise<void> {
    await Promise.all(this.pending);
    const names = this.written.flatMap((file) => [file, file + TEMP_SUFFIX]);
    await Promise.allSettled(names.map((file) => this.fs.unlink(file)));
  }
}
