// The exclusive lock of a node's folder: `node.lock` holding the pid of the process running
// the node. A lock whose process is alive refuses a second node on the folder; the lock of a
// dead process (a crash or kill -9 leaves it behind) is taken over.

import { link, readFile, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { ShoalError } from '../../core/errors.ts';
import { asDiskError, writeFileDurably } from '../../storage/durable-write.ts';
import { nodeStorageFs } from '../../storage/storage-fs.ts';
import { LOCK_ATTEMPTS } from './process-limits.ts';
import { isProcessAlive } from './process-probe.ts';

/** The lock file's name inside a node's folder. */
export const NODE_LOCK_FILE = 'node.lock';

/** A held lock; release() once, when the node has stopped. */
export interface NodeLock {
  readonly path: string;
  /** Removes the lock if it still holds our pid; releasing again does nothing. */
  release(): Promise<void>;
}

/**
 * Takes the lock of the node folder `dataDir` (which must exist) for process `pid`. Throws
 * INVALID_CONFIG naming the holder when a live process holds it, DISK_ERROR when the folder
 * cannot be written.
 */
export async function acquireNodeLock(dataDir: string, pid = process.pid): Promise<NodeLock> {
  const lockPath = path.join(dataDir, NODE_LOCK_FILE);
  // Written whole and fsynced before it is linked into place: a lock is never seen half-written.
  const temp = `${lockPath}.${pid}.new`;
  await writeFileDurably(nodeStorageFs, temp, new TextEncoder().encode(`${pid}\n`));
  try {
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      if (await linkIfAbsent(temp, lockPath)) {
        await nodeStorageFs.fsyncDir(dataDir);
        return heldLock(lockPath, pid);
      }
      const holder = await readLock(lockPath);
      if (holder === null) continue; // released between our link and our read
      const holderPid = parsePid(holder);
      if (holderPid !== undefined && (await isProcessAlive(holderPid))) {
        throw lockedError(dataDir, lockPath, holderPid);
      }
      await takeOver(lockPath, holder, `${lockPath}.${pid}.stale`);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  throw new ShoalError(
    'INVALID_CONFIG',
    `could not lock ${dataDir}: other processes kept taking ${lockPath} (${LOCK_ATTEMPTS} tries); start one node per folder`,
  );
}

function heldLock(lockPath: string, pid: number): NodeLock {
  let released: Promise<void> | null = null;
  const release = async (): Promise<void> => {
    if ((await readLock(lockPath)) !== `${pid}\n`) return; // taken over: not ours to remove
    await unlink(lockPath).catch((error: unknown) => {
      throw asDiskError(error, `removing ${lockPath}`);
    });
    await nodeStorageFs.fsyncDir(path.dirname(lockPath));
  };
  return {
    path: lockPath,
    release: () => (released ??= release()),
  };
}

// link() fails when the target exists, so exactly one of several racing processes wins.
async function linkIfAbsent(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw asDiskError(error, `creating ${to}`);
  }
}

// Moves the stale lock aside (rename is atomic: of several takers one moves it). If what we
// moved is not the stale lock we read, another taker replaced it meanwhile: we put it back,
// and the next attempt finds it held. (A third taker linking in that instant could still
// win alongside; three nodes starting at once on one crashed folder is not a case we serve.)
async function takeOver(lockPath: string, staleText: string, aside: string): Promise<void> {
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw asDiskError(error, `moving aside the stale ${lockPath}`);
  }
  if ((await readLock(aside)) !== staleText) await linkIfAbsent(aside, lockPath);
  await unlink(aside).catch(() => undefined);
}

// The lock's text, or null when there is none.
async function readLock(lockPath: string): Promise<string | null> {
  try {
    return await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw asDiskError(error, `reading ${lockPath}`);
  }
}

// A lock that is not one pid (a damaged file) names no live holder: it is taken over.
function parsePid(text: string): number | undefined {
  return /^\d{1,10}\n?$/.test(text) ? Number(text.trim()) : undefined;
}

function lockedError(dataDir: string, lockPath: string, pid: number): ShoalError {
  return new ShoalError(
    'INVALID_CONFIG',
    `${dataDir} is locked by process ${pid}, which is running: another node uses this folder. ` +
      `Stop that node first (shoal cluster stop), or give each node its own home; ` +
      `if no Shoal node runs as pid ${pid}, remove ${lockPath}`,
  );
}
