// Proves `shoal sql` prints results as the session shows them, --json as parseable JSON, and an
// error as its code and place with exit status 1: spawns the real CLI on a temp store folder.

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

/** A CLI run is killed after this long: a hung process must fail the test, not stall it. */
const CLI_TIMEOUT_MS = 30_000;

interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node src/cli/main.ts …args` with this Node; rejects only if it could not run or hung. */
function shoal(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { timeout: CLI_TIMEOUT_MS, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ status: 0, stdout, stderr });
        if (typeof error.code !== 'number' || error.killed) return reject(error);
        resolve({ status: error.code, stdout, stderr });
      },
    );
  });
}

const T = '"dfs://cli"."t"';

describe('shoal sql', () => {
  let dir = '';
  const sql = (text: string, ...flags: string[]): Promise<CliRun> =>
    shoal(['sql', '--data', dir, ...flags, text]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shoal-cli-'));
  });

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('runs statements in order and prints each result; DDL prints nothing', async () => {
    const run = await sql(
      [
        'create database "dfs://cli" partitioned by VALUE(2023.01.02..2023.01.03)',
        `create table ${T}(sym SYMBOL, d DATE, px DOUBLE) partitioned by d`,
        `insert into ${T} values (\`A, 2023.01.02, 10.5), (\`B, 2023.01.03, 20.0)`,
        `select sym, px from ${T} order by sym`,
      ].join('\n'),
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(['2', 'sym px', '--- ----', 'A   10.5', 'B   20', ''].join('\n'));
  });

  it('keeps the data in the folder for the next run', async () => {
    const run = await sql(`exec count(*) from ${T}; exec sym from ${T} where px > 15`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('2\n["B"]\n');
  });

  it('--json prints the last result as JSON: rows as objects, temporal values as text', async () => {
    const run = await sql(`exec count(*) from ${T}\nselect * from ${T} order by d desc`, '--json');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      { sym: 'B', d: '2023.01.03', px: 20 },
      { sym: 'A', d: '2023.01.02', px: 10.5 },
    ]);
  });

  it('--json prints a vector as an array and a scalar as a plain value', async () => {
    const vector = await sql(`exec px from ${T} order by px`, '--json');
    expect(JSON.parse(vector.stdout)).toEqual([10.5, 20]);
    const scalar = await sql(`exec sum(px) from ${T}`, '--json');
    expect(JSON.parse(scalar.stdout)).toBe(30.5);
  });

  it('an error exits with status 1 and prints the code, the place and a caret', async () => {
    const text = `select pz from ${T}`;
    const run = await sql(text);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      [
        'error S00303 (COLUMN_NOT_FOUND) at line 1, column 8: there is no column pz among sym, d, px. Did you mean px?',
        `  ${text}`,
        '         ^',
      ].join('\n'),
    );
  });

  it('a syntax error exits with status 1 before any statement runs', async () => {
    const run = await sql(`insert into ${T} values (\`C, 2023.01.02, 1.0)\nselect sym fro ${T}`);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('S00105');
    expect(run.stderr).toContain('line 2, column 12');
    const count = await sql(`exec count(*) from ${T}`);
    expect(count.stdout).toBe('2\n');
  });

  it('results before a failing statement are printed, then the error', async () => {
    const run = await sql(`exec count(*) from ${T}\nselect nope from ${T}`);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('2\n');
    expect(run.stderr).toContain('S00303');
    expect(run.stderr).toContain('line 2, column 8');
  });
});
