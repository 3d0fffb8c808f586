// `shoal demo` (SPEC §9, issue 7) as a person runs it: with --json it starts a master and a
// slave cluster, replicates the tutorial rows, prints match = true with equal checksums, and
// leaves no process and no folder behind; --keep leaves both clusters serving their
// dashboards; Ctrl-C in the middle stops every node it started.
// How: the real command in a child process; node processes found through /proc.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { SHOAL_MAIN } from '../src/cluster/process/spawn-node.ts';
import { stopCluster } from '../src/cluster/process/stop-cluster.ts';

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Folders a test must clean up if it fails half-way. */
const leftovers: string[] = [];

afterAll(async () => {
  for (const dir of leftovers) {
    for (const side of ['slave', 'master']) {
      await stopCluster({ dir: path.join(dir, side), timeoutMillis: 10_000 }).catch(
        () => undefined,
      );
    }
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

/** Runs `shoal demo …`; `onLine` sees stdout lines as they come. */
function demo(
  args: readonly string[],
  onLine?: (line: string, kill: () => void) => void,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SHOAL_MAIN, 'demo', ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stdout += text;
      for (const line of text.split('\n')) onLine?.(line, () => child.kill('SIGINT'));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Pids of node processes whose command line names `dir`. */
async function nodesOf(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const command = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (command.includes(`${dir}/`) && command.includes('\u0000node\u0000'))
      pids.push(Number(entry));
  }
  return pids;
}

/** The demo folders in the temporary folder now. */
async function demoFolders(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('shoal-demo-')).sort();
}

describe('shoal demo', () => {
  it('prints match = true as JSON and leaves nothing behind', async () => {
    const before = await demoFolders();
    const run = await demo(['--json', '--rows', '100000']);
    expect(await demoFolders()).toEqual(before);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      rows: 100_000,
      masterRows: 100_000,
      slaveRows: 100_000,
      match: true,
    });
    expect(summary['slaveChecksum']).toBe(summary['masterChecksum']);
    expect(summary['lagMillis']).toBeGreaterThanOrEqual(0);
    expect(summary['kept']).toBeUndefined();
  }, 300_000);

  it('--keep leaves both clusters serving their dashboards', async () => {
    const run = await demo(['--json', '--keep', '--rows', '5000']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      match: boolean;
      kept: { dir: string; masterDashboard: string; slaveDashboard: string };
    };
    leftovers.push(summary.kept.dir);
    expect(summary.match).toBe(true);
    for (const url of [summary.kept.masterDashboard, summary.kept.slaveDashboard]) {
      const answer = await request(url);
      expect(answer.statusCode).toBe(200);
      expect(await answer.body.text()).toContain('<html');
    }
    expect(await nodesOf(summary.kept.dir)).toHaveLength(6);
  }, 300_000);

  it('stops every node it started on Ctrl-C', async () => {
    let dir = '';
    const run = await demo(['--rows', '1210000'], (line, kill) => {
      dir = /^folder: (.+)$/.exec(line)?.[1] ?? dir;
      if (/^slave cluster ready/.test(line)) kill();
    });
    expect(dir).not.toBe('');
    leftovers.push(dir);
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('interrupted: stopping both clusters');
    expect(await nodesOf(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  }, 300_000);
});
