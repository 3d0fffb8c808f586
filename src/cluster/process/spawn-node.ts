// Starting one node as a detached OS process (`shoal node DIR ALIAS`), its output appended to
// DIR/logs/ALIAS.log and its pid recorded in DIR/run/ALIAS.pid; and telling, from a pid,
// whether that process is still this node (pids are reused after a process exits).

import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShoalError } from '../../core/errors.ts';
import { makeDirsDurably } from '../../storage/durable-write.ts';
import { nodeStorageFs } from '../../storage/storage-fs.ts';
import { canReadProcessArguments, isProcessAlive, processArguments } from './process-probe.ts';
import { logDir, logFilePath, writePidFile } from './run-files.ts';

/** The `shoal` entry point the node runs under. */
export const SHOAL_MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

/** How a process ended: its exit code, or the signal that killed it. */
export type ProcessExit =
  | { readonly kind: 'code'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals };

/** A node process this process started. */
export interface SpawnedNode {
  readonly alias: string;
  readonly pid: number;
  /** How it ended, once this process has seen it end; undefined while it runs. */
  exit(): ProcessExit | undefined;
}

/** Extra environment for a node, e.g. SHOAL_CRASH_AT for fault tests. */
export type NodeEnvironment = Readonly<Record<string, string>>;

/**
 * Starts node `alias` of the cluster in `configDir` (an absolute path) detached from this
 * process, so it outlives it. Rejects with NODE_UNAVAILABLE when the process cannot start.
 */
export async function spawnNode(
  configDir: string,
  alias: string,
  env: NodeEnvironment = {},
): Promise<SpawnedNode> {
  await makeDirsDurably(nodeStorageFs, logDir(configDir), new Set());
  const log = openSync(logFilePath(configDir, alias), 'a');
  let child;
  try {
    writeSync(log, `--- ${new Date().toISOString()} shoal node ${configDir} ${alias}\n`);
    child = spawn(process.execPath, [SHOAL_MAIN, 'node', configDir, alias], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...env },
    });
  } finally {
    closeSync(log); // the child holds its own copy
  }
  const pid = await spawned(child, alias);
  let ended: ProcessExit | undefined;
  child.once('exit', (code, signal) => {
    ended = signal === null ? { kind: 'code', code: code ?? 0 } : { kind: 'signal', signal };
  });
  child.unref();
  await writePidFile(configDir, alias, pid);
  return { alias, pid, exit: () => ended };
}

/**
 * True when process `pid` is alive and is node `alias` of `configDir`, as far as this
 * machine can tell: without /proc, a live pid is taken to be the node.
 */
export async function isNodeProcess(
  pid: number,
  configDir: string,
  alias: string,
): Promise<boolean> {
  if (!(await isProcessAlive(pid))) return false;
  if (!canReadProcessArguments()) return true;
  const args = await processArguments(pid);
  if (args === undefined) return false;
  const at = args.indexOf('node', 1);
  const dir = args[at + 1];
  if (at < 0 || dir === undefined || args[at + 2] !== alias) return false;
  return (await canonical(dir)) === (await canonical(configDir));
}

// The same folder may be named through a symbolic link; compare where it leads.
async function canonical(dir: string): Promise<string> {
  return realpath(dir).catch(() => path.resolve(dir));
}

// The pid once the process exists, or the reason it could not be started.
async function spawned(child: ReturnType<typeof spawn>, alias: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => {
      if (child.pid !== undefined) resolve(child.pid);
    });
    child.once('error', (error) => {
      reject(
        new ShoalError(
          'NODE_UNAVAILABLE',
          `could not start a process for node ${alias} (${process.execPath}: ${error.message}); check that Node.js can run here`,
          { cause: error },
        ),
      );
    });
  });
}
