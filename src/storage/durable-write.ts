// The one way a data file reaches disk: temp → fsync → rename → fsync folder (a write's
// segments take the same steps through staged-files.ts, with the waits at its end). After a
// crash a file either has its whole content under its final name or is absent (a leftover
// temp file is removed at open, see orphan-cleanup.ts).

import * as path from 'node:path';
import { ShoalError } from '../core/errors.ts';
import type { FileBytes, StorageFs } from './storage-fs.ts';

/** Suffix of files being written; never referenced by the catalog. */
export const TEMP_SUFFIX = '.tmp';

/** Writes `bytes` durably at `finalPath`. Rejects with DISK_ERROR naming the file. */
export async function writeFileDurably(
  fs: StorageFs,
  finalPath: string,
  bytes: FileBytes,
): Promise<void> {
  const tempPath = finalPath + TEMP_SUFFIX;
  try {
    await fs.writeFile(tempPath, bytes);
    await fs.fsyncFile(tempPath);
    await fs.rename(tempPath, finalPath);
    await fs.fsyncDir(path.dirname(finalPath));
  } catch (error) {
    throw asDiskError(error, `writing ${finalPath}`);
  }
}

/**
 * Creates `dir` and any missing parents so that their names survive a power cut: after each
 * level is created its parent folder is fsynced. `known` caches folders already made durable
 * by this process, so the cost is paid once per folder.
 */
export async function makeDirsDurably(
  fs: StorageFs,
  dir: string,
  known: Set<string>,
): Promise<void> {
  if (known.has(dir)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) await makeDirsDurably(fs, parent, known);
  try {
    await fs.mkdirs(dir);
    if (parent !== dir) await fs.fsyncDir(parent);
  } catch (error) {
    throw asDiskError(error, `creating ${dir}`);
  }
  known.add(dir);
}

/** Wraps a file-system error as DISK_ERROR, keeping ShoalErrors and assertion failures. */
export function asDiskError(error: unknown, doing: string): Error {
  if (error instanceof ShoalError || !(error instanceof Error)) return error as Error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  const hint =
    code === 'ENOSPC'
      ? 'the disk is full: free space and retry'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied: check the owner and mode of the data folder'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : `the file system answered ${code}`;
  return new ShoalError('DISK_ERROR', `${doing} failed: ${hint}`, { cause: error });
}
