// What this machine says about another process: whether it is alive (a zombie is not), and
// its command line, which tells a node of ours from an unrelated process that reused its pid.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

// Linux and most Unixes but macOS expose processes under /proc; elsewhere we know less.
const HAS_PROCFS = existsSync('/proc/self/cmdline');

/** True when a process `pid` exists and has not exited (an unreaped zombie counts as exited). */
export async function isProcessAlive(pid: number): Promise<boolean> {
  if (!signalReaches(pid)) return false;
  if (!HAS_PROCFS) return true;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return false; // exited between the signal and the read
  // The state follows the command name, which is in parentheses and may itself hold ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/**
 * The arguments process `pid` was started with, or undefined when this machine cannot tell
 * (no /proc) or the process is gone.
 */
export async function processArguments(pid: number): Promise<readonly string[] | undefined> {
  if (!HAS_PROCFS) return undefined;
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (text === null || text === '') return undefined;
  return text.split('\0').filter((arg, i, all) => i < all.length - 1 || arg !== '');
}

/** True when this machine can read other processes' command lines. */
export function canReadProcessArguments(): boolean {
  return HAS_PROCFS;
}

// Signal 0 checks existence only; EPERM means it exists but belongs to another user.
function signalReaches(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
