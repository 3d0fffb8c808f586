// Proves logTail returns a log's last lines whatever the file's size: shorter files whole,
// longer ones cut to the count, and a file larger than the bytes read without a torn first
// line. How: files written in a temporary folder.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logTail } from './log-tail.ts';
import { LOG_TAIL_MAX_BYTES } from './process-limits.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shoal-tail-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('logTail', () => {
  it('is empty for a missing file', async () => {
    expect(await logTail(path.join(dir, 'missing.log'), 30)).toEqual([]);
  });

  it('gives the last lines of any file that fits the bytes read', async () => {
    const file = path.join(dir, 'small.log');
    const lineArb = fc.stringMatching(/^[a-z {}":0-9]{0,40}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { maxLength: 60 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        async (lines, finalNewline, count) => {
          const text = lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '');
          await writeFile(file, text);
          const whole = text === '' ? [] : text.split('\n');
          if (whole.at(-1) === '') whole.pop();
          expect(await logTail(file, count)).toEqual(whole.slice(-count));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('drops the torn first line of a file larger than the bytes read', async () => {
    const file = path.join(dir, 'large.log');
    const lines = Array.from({ length: 5_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    await writeFile(file, lines.join('\n') + '\n');
    expect(lines.join('\n').length).toBeGreaterThan(LOG_TAIL_MAX_BYTES);
    expect(await logTail(file, 3)).toEqual(lines.slice(-3));
    const all = await logTail(file, 100_000);
    expect(all.every((line) => /^line \d+ x{40}$/.test(line))).toBe(true);
    expect(all.at(-1)).toBe(lines.at(-1));
  });
});
