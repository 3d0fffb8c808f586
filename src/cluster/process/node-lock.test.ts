// Proves the node-folder lock refuses a second holder while the first process lives, takes
// over the lock of a dead process or a damaged lock file, and releases only its own lock.
// How: real files in a temporary folder; "other processes" are pids of live processes (our
// parent) and of processes that have exited; fast-check runs sequences against a model.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asyncErrorMessage } from '../config/test-support.ts';
import { NODE_LOCK_FILE, acquireNodeLock } from './node-lock.ts';
import type { NodeLock } from './node-lock.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shoal-lock-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has run and exited (and been reaped). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('could not run a short process');
  return pid;
}

const lockText = () => readFile(path.join(dir, NODE_LOCK_FILE), 'utf8').catch(() => null);

describe('acquireNodeLock', () => {
  it('writes our pid, and release removes it', async () => {
    const lock = await acquireNodeLock(dir);
    expect(await lockText()).toBe(`${process.pid}\n`);
    await lock.release();
    await lock.release();
    expect(await lockText()).toBeNull();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses while a live process holds the lock, naming its pid and the way out', async () => {
    await writeFile(path.join(dir, NODE_LOCK_FILE), `${process.ppid}\n`);
    const message = await asyncErrorMessage(() => acquireNodeLock(dir));
    expect(message).toContain(`locked by process ${process.ppid}`);
    expect(message).toContain('shoal cluster stop');
    expect(await lockText()).toBe(`${process.ppid}\n`);
  });

  it('refuses a second lock by the same live process', async () => {
    const lock = await acquireNodeLock(dir);
    await asyncErrorMessage(() => acquireNodeLock(dir));
    await lock.release();
  });

  it('takes over the lock of a dead process', async () => {
    const dead = deadPid();
    await writeFile(path.join(dir, NODE_LOCK_FILE), `${dead}\n`);
    const lock = await acquireNodeLock(dir);
    expect(await lockText()).toBe(`${process.pid}\n`);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a damaged lock file', async () => {
    await writeFile(path.join(dir, NODE_LOCK_FILE), 'not a pid');
    const lock = await acquireNodeLock(dir);
    expect(await lockText()).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('does not remove a lock taken over by another process', async () => {
    const dead = deadPid();
    const stale = await acquireNodeLock(dir, dead);
    const lock = await acquireNodeLock(dir);
    await stale.release();
    expect(await lockText()).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('rejects with DISK_ERROR when the folder is missing', async () => {
    await asyncErrorMessage(() => acquireNodeLock(path.join(dir, 'missing')), 'DISK_ERROR');
  });
});

type Op =
  | { readonly kind: 'acquire'; readonly actor: number }
  | { readonly kind: 'release'; readonly actor: number }
  | { readonly kind: 'damage' };

describe('acquireNodeLock against a model', () => {
  it('grants the lock exactly when no live process holds it', async () => {
    const dead = [deadPid(), deadPid()];
    // Actors 0 and 1 are live processes (us, our parent); 2 and 3 have exited.
    const actors = [process.pid, process.ppid, ...dead];
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('acquire' as const), actor: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('release' as const), actor: fc.integer({ min: 0, max: 3 }) }),
      fc.constant({ kind: 'damage' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 12 }), async (ops) => {
        await rm(path.join(dir, NODE_LOCK_FILE), { force: true });
        let holder: number | null = null; // the model: the pid in the lock, null when free
        const handles = new Map<number, NodeLock>();
        for (const op of ops) {
          if (op.kind === 'damage') {
            await writeFile(path.join(dir, NODE_LOCK_FILE), 'garbage');
            holder = null;
            continue;
          }
          const pid = actors[op.actor] ?? 0;
          if (op.kind === 'release') {
            await handles.get(pid)?.release();
            handles.delete(pid);
            if (holder === pid) holder = null;
            continue;
          }
          const free = holder === null || dead.includes(holder);
          const result = await acquireNodeLock(dir, pid).then(
            (lock) => lock,
            () => null,
          );
          expect(result !== null).toBe(free);
          if (result !== null) {
            handles.set(pid, result);
            holder = pid;
          }
          const text = await lockText();
          expect(text === null || text === 'garbage' ? null : Number(text)).toBe(holder);
        }
        const leftovers = (await readdir(dir)).filter((name) => name !== NODE_LOCK_FILE);
        expect(leftovers).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
