// Where `cluster start` keeps track of the nodes it ran, inside the config folder:
// run/<alias>.pid (the node's pid) and logs/<alias>.log (its standard output and error).

import { readdir, readFile, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { asDiskError, makeDirsDurably, writeFileDurably } from '../../storage/durable-write.ts';
import { nodeStorageFs } from '../../storage/storage-fs.ts';

const PID_SUFFIX = '.pid';

/** The folder of pid files. */
export function runDir(configDir: string): string {
  return path.join(configDir, 'run');
}

/** The folder of node logs. */
export function logDir(configDir: string): string {
  return path.join(configDir, 'logs');
}

/** The pid file of node `alias`. */
export function pidFilePath(configDir: string, alias: string): string {
  return path.join(runDir(configDir), `${alias}${PID_SUFFIX}`);
}

/** The log file of node `alias`. */
export function logFilePath(configDir: string, alias: string): string {
  return path.join(logDir(configDir), `${alias}.log`);
}

/** Records `pid` as node `alias`'s process. */
export async function writePidFile(configDir: string, alias: string, pid: number): Promise<void> {
  await makeDirsDurably(nodeStorageFs, runDir(configDir), new Set());
  const bytes = new TextEncoder().encode(`${pid}\n`);
  await writeFileDurably(nodeStorageFs, pidFilePath(configDir, alias), bytes);
}

/** The pid recorded for `alias`; undefined when there is no pid file or it holds no pid. */
export async function readPidFile(configDir: string, alias: string): Promise<number | undefined> {
  const file = pidFilePath(configDir, alias);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw asDiskError(error, `reading ${file}`);
  }
  return /^\d{1,10}\n?$/.test(text) ? Number(text.trim()) : undefined;
}

/** Removes `alias`'s pid file; nothing when there is none. */
export async function removePidFile(configDir: string, alias: string): Promise<void> {
  const file = pidFilePath(configDir, alias);
  await unlink(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw asDiskError(error, `removing ${file}`);
  });
}

/** The aliases that have a pid file, sorted. */
export async function aliasesWithPidFiles(configDir: string): Promise<readonly string[]> {
  const dir = runDir(configDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw asDiskError(error, `listing ${dir}`);
  }
  return names
    .filter((name) => name.endsWith(PID_SUFFIX))
    .map((name) => name.slice(0, -PID_SUFFIX.length))
    .sort();
}
