// Proves pid files round-trip, a damaged one reads as no pid, removing twice is harmless, and
// the aliases with pid files are listed. How: a temporary config folder.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aliasesWithPidFiles,
  pidFilePath,
  readPidFile,
  removePidFile,
  writePidFile,
} from './run-files.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shoal-run-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pid files', () => {
  it('round-trip, list and remove', async () => {
    expect(await aliasesWithPidFiles(dir)).toEqual([]);
    expect(await readPidFile(dir, 'dn1')).toBeUndefined();
    await writePidFile(dir, 'dn2', 4321);
    await writePidFile(dir, 'dn1', 1234);
    expect(await readPidFile(dir, 'dn1')).toBe(1234);
    expect(await aliasesWithPidFiles(dir)).toEqual(['dn1', 'dn2']);
    await removePidFile(dir, 'dn1');
    await removePidFile(dir, 'dn1');
    expect(await aliasesWithPidFiles(dir)).toEqual(['dn2']);
  });

  it('reads a damaged pid file as no pid', async () => {
    await writePidFile(dir, 'dn1', 1);
    await writeFile(pidFilePath(dir, 'dn1'), 'twelve');
    expect(await readPidFile(dir, 'dn1')).toBeUndefined();
  });
});
