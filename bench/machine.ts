// The machine a benchmark ran on, reported with every result so figures can be compared.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

export interface MachineDescription {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly node: string;
  /** MiB/s at which a process writes memory it never touched, and the same memory again. */
  readonly memoryWriteMiBPerSec: { readonly fresh: number; readonly reused: number };
}

export function describeMachine(): MachineDescription {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    memoryWriteMiBPerSec: memoryWriteSpeed(),
  };
}

/**
 * How fast this process fills 64 MiB of new memory, then the same memory again. The two are
 * close on most machines; on a VM whose host takes back the memory its guest frees (free
 * page reporting) the first was 70 times slower (about 270 ms for 72 MB), and every figure
 * that writes new data, new page-cache pages included, pays it (docs/operations.md).
 */
function memoryWriteSpeed(): { readonly fresh: number; readonly reused: number } {
  const bytes = 64 << 20;
  // Slow: its own allocation, never a pooled slab another buffer touched before.
  const buffer = Buffer.allocUnsafeSlow(bytes);
  const rate = (fill: number): number => {
    const start = performance.now();
    buffer.fill(fill);
    return Math.round((bytes / 2 ** 20 / (performance.now() - start)) * 1000);
  };
  const fresh = rate(1);
  return { fresh, reused: rate(2) };
}

/** Median of measurements (the middle one; mean of the two middle ones for even counts). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Resident memory of process `pid` in KiB (VmRSS from /proc, else `ps`); undefined when the
 * process is gone or neither answers.
 */
export function residentKiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match !== null) return Number(match[1]);
  } catch {
    // no /proc here: ask ps
  }
  try {
    const kib = Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    );
    return Number.isFinite(kib) && kib > 0 ? kib : undefined;
  } catch {
    return undefined;
  }
}
