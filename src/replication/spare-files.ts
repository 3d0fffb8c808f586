// Files written over instead of created anew. A master writes a task data file per replicated
// write and removes it once every slave finished it; a new file's pages are new page-cache
// memory, and on a VM whose host takes back the memory a guest frees, each of them costs a
// fault: about 20-40 ms of a 72 MB tutorial append, which a replicating master paid and a
// plain one did not. So removed files are kept as spares and the next file is written over
// one, as databases recycle their log segments. Bounded in count and bytes.

import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const SPARE_SUFFIX = '.spare';

interface Spare {
  readonly file: string;
  readonly bytes: number;
}

/**
 * The spare files of one folder, held by one process. A spare is only a name in the folder:
 * one a previous process left is removed by `sweep`, never reused.
 */
export class SpareFiles {
  private readonly dir: string;
  private readonly maxFiles: number;
  private readonly maxBytes: number;
  private readonly spares: Spare[] = [];
  private next = 0;
  private swept = false;

  constructor(dir: string, maxFiles: number, maxBytes: number) {
    this.dir = dir;
    this.maxFiles = maxFiles;
    this.maxBytes = maxBytes;
  }

  /** Bytes the spares hold on disk. */
  get bytes(): number {
    return this.spares.reduce((sum, spare) => sum + spare.bytes, 0);
  }

  /**
   * Keeps `file` (of `bytes`, about to be removed) as a spare when the bounds allow: true when
   * it is kept (renamed away), false when the caller should remove it.
   */
  async keep(file: string, bytes: number): Promise<boolean> {
    if (this.spares.length >= this.maxFiles || this.bytes + bytes > this.maxBytes) return false;
    const spare = path.join(this.dir, `${process.pid}-${this.next++}${SPARE_SUFFIX}`);
    try {
      await rename(file, spare);
    } catch {
      return false;
    }
    this.spares.push({ file: spare, bytes });
    return true;
  }

  /**
   * Renames a spare to `target` (which must not exist): true when there was one, to be
   * written over from its start and cut to its new size; false when a new file is needed.
   */
  async take(target: string): Promise<boolean> {
    for (let spare = this.spares.pop(); spare !== undefined; spare = this.spares.pop()) {
      try {
        await rename(spare.file, target);
        return true;
      } catch {
        // Gone (removed by hand): try the next one.
      }
    }
    return false;
  }

  /** Removes the spares a previous process left in the folder (once; later calls do nothing). */
  async sweep(): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    const mine = new Set(this.spares.map((spare) => path.basename(spare.file)));
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (name.endsWith(SPARE_SUFFIX) && !mine.has(name)) {
        await rm(path.join(this.dir, name), { force: true });
      }
    }
  }
}
