// The storage layer's one file-system boundary. The real implementation below uses node:fs;
// the crash test wraps it to stop the store at any step and to drop what was not fsynced.
//
// Every method rejects with the node error (ENOENT, ENOSPC, EACCES, …) as its `cause`
// wrapped by the caller into a ShoalError; none of them retries or swallows an error.

import * as fs from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/** A file's content: one buffer, or chunks written one after another without joining them. */
export type FileBytes = Uint8Array | readonly Uint8Array[];

/** The size of `bytes` in bytes. */
export function fileBytesLength(bytes: FileBytes): number {
  return ArrayBuffer.isView(bytes) ? bytes.byteLength : bytes.reduce((n, c) => n + c.byteLength, 0);
}

/** The CRC-32 of `bytes` (of its chunks one after another). */
export function fileBytesCrc32(bytes: FileBytes): number {
  return ArrayBuffer.isView(bytes) ? crc32(bytes) : bytes.reduce((sum, c) => crc32(c, sum), 0);
}

export interface StorageFs {
  /** Creates `path` (a folder) and its parents; succeeds if it exists. */
  mkdirs(path: string): Promise<void>;
  /** Writes `bytes` (or its chunks, in order) to a new or truncated file at `path`, without fsync. */
  writeFile(path: string, bytes: FileBytes): Promise<void>;
  /** Flushes the file's data and metadata to stable storage. */
  fsyncFile(path: string): Promise<void>;
  /** Flushes a folder's entries (created, renamed, removed names) to stable storage. */
  fsyncDir(path: string): Promise<void>;
  /** Atomically replaces `to` with `from` (same file system). */
  rename(from: string, to: string): Promise<void>;
  /** Reads a whole file; rejects with ENOENT when missing. */
  readFile(path: string): Promise<Uint8Array>;
  /** Removes a file; succeeds if it is already gone. */
  unlink(path: string): Promise<void>;
  /** Removes a folder and everything under it; succeeds if it is already gone. */
  removeTree(path: string): Promise<void>;
  /** Names in a folder with whether each is a folder; [] when the folder is missing. */
  list(path: string): Promise<readonly { readonly name: string; readonly isDir: boolean }[]>;
}

/** The real file system. */
export const nodeStorageFs: StorageFs = {
  async mkdirs(path) {
    await fs.mkdir(path, { recursive: true });
  },
  async writeFile(path, bytes) {
    if (ArrayBuffer.isView(bytes)) {
      await fs.writeFile(path, bytes);
      return;
    }
    const handle = await fs.open(path, 'w');
    try {
      await handle.writev(bytes as Uint8Array[]);
    } finally {
      await handle.close();
    }
  },
  async fsyncFile(path) {
    const handle = await fs.open(path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async fsyncDir(path) {
    const handle = await fs.open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async rename(from, to) {
    await fs.rename(from, to);
  },
  async readFile(path) {
    return new Uint8Array(await fs.readFile(path));
  },
  async unlink(path) {
    await fs.rm(path, { force: true });
  },
  async removeTree(path) {
    await fs.rm(path, { recursive: true, force: true });
  },
  async list(path) {
    try {
      const entries = await fs.readdir(path, { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isDir: e.isDirectory() }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  },
};
