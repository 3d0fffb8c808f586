// Proves `shoal sql --host` prints what `shoal sql --data` prints for the same statements (tables,
// --json, errors with their caret, exit status), takes the password from SHOAL_PASSWORD, and
// that exactly one of --data and --host is required. Spawns the real CLI against a server
// started in this process, and against a temp store folder for the embedded side.

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../client/test-support.ts';
import type { TestServer } from '../client/test-support.ts';
import { isShoalError } from '../core/errors.ts';
import { PASSWORD_ENV, sqlTarget } from './sql-remote.ts';
import type { SqlTargetOptions } from './sql-remote.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** A CLI run is killed after this long: a hung process must fail the test, not stall it. */
const CLI_TIMEOUT_MS = 30_000;

interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function shoal(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      {
        timeout: CLI_TIMEOUT_MS,
        encoding: 'utf8',
        env: { ...process.env, [PASSWORD_ENV]: '', ...env },
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ status: 0, stdout, stderr });
        if (typeof error.code !== 'number' || error.killed) return reject(error);
        resolve({ status: error.code, stdout, stderr });
      },
    );
  });
}

function targetError(options: SqlTargetOptions, env: Record<string, string> = {}): string {
  try {
    sqlTarget(options, env);
  } catch (error) {
    expect(isShoalError(error, 'INVALID_ARGUMENT')).toBe(true);
    return (error as Error).message;
  }
  return expect.fail('expected INVALID_ARGUMENT');
}

describe('sql target options', () => {
  it('takes exactly one of --data and --host, and --host needs a user and a password', () => {
    expect(sqlTarget({ data: 'd' }, {})).toEqual({ kind: 'data', dataDir: 'd' });
    expect(sqlTarget({ host: 'h:1', user: 'u', password: 'p' }, {})).toEqual({
      kind: 'host',
      host: 'h:1',
      user: 'u',
      password: 'p',
    });
    expect(sqlTarget({ host: 'h:1', user: 'u' }, { [PASSWORD_ENV]: 'e' })).toMatchObject({
      password: 'e',
    });
    expect(targetError({ data: 'd', host: 'h:1' })).toContain('not both');
    expect(targetError({})).toContain('--data DIR');
    expect(targetError({ host: 'h:1', password: 'p' })).toContain('-u USER');
    expect(targetError({ host: 'h:1', user: 'u' })).toContain(PASSWORD_ENV);
    expect(targetError({ data: 'd', user: 'u' })).toContain('no users');
  });
});

describe('shoal sql --host', () => {
  let server: TestServer | null = null;
  let dir = '';
  let host = '';

  beforeAll(async () => {
    server = await startTestServer();
    host = new URL(server.url).host;
    dir = await mkdtemp(path.join(tmpdir(), 'shoal-cli-remote-'));
  });

  afterAll(async () => {
    await server?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  /** The same statements through --data (a fresh folder) and --host (a fresh server). */
  async function both(text: string, ...flags: string[]): Promise<[CliRun, CliRun]> {
    const embedded = await shoal(['sql', '--data', dir, ...flags, text]);
    const remote = await shoal([
      'sql',
      '--host',
      host,
      '-u',
      'admin',
      '-p',
      '123456',
      ...flags,
      text,
    ]);
    return [embedded, remote];
  }

  const T = '"dfs://cli"."t"';

  it('prints each result as the embedded mode does', async () => {
    const [embedded, remote] = await both(
      [
        'create database "dfs://cli" partitioned by VALUE(2023.01.02..2023.01.03)',
        `create table ${T}(sym SYMBOL, d DATE, px DOUBLE) partitioned by d`,
        `insert into ${T} values (\`A, 2023.01.02, 10.5), (\`B, 2023.01.03, 20.0)`,
        `select sym, d, px from ${T} order by sym`,
        `exec sym from ${T} where px > 15`,
      ].join('\n'),
    );
    expect(embedded.status, embedded.stderr).toBe(0);
    expect(embedded.stdout).toContain('A   2023.01.02 10.5');
    expect(remote).toEqual(embedded);
  });

  it('prints the last result as JSON with --json, as the embedded mode does', async () => {
    const [embedded, remote] = await both(
      `exec count(*) from ${T}\nselect * from ${T} order by d desc`,
      '--json',
    );
    expect(JSON.parse(embedded.stdout)).toHaveLength(2);
    expect(remote).toEqual(embedded);
  });

  it('prints the results before a failure, then the error with its caret, exit status 1', async () => {
    const [embedded, remote] = await both(`exec count(*) from ${T}\nselect pz from ${T}`);
    expect(embedded.status).toBe(1);
    expect(embedded.stdout).toBe('2\n');
    expect(embedded.stderr).toContain(`  select pz from ${T}\n         ^\n`);
    expect(remote).toEqual(embedded);
    const [embeddedJson, remoteJson] = await both(`select sym fro ${T}`, '--json');
    expect(embeddedJson.stderr).toContain('S00105');
    expect(remoteJson).toEqual(embeddedJson);
  });

  it('takes the password from SHOAL_PASSWORD, and reports a wrong one with exit status 1', async () => {
    const args = ['sql', '--host', host, '-u', 'admin', `exec count(*) from ${T}`];
    expect(await shoal(args, { [PASSWORD_ENV]: '123456' })).toEqual({
      status: 0,
      stdout: '2\n',
      stderr: '',
    });
    const wrong = await shoal(args, { [PASSWORD_ENV]: 'nope' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('(AUTH_FAILED)');
  });

  it('refuses --data with --host, and neither, before reading any statement', async () => {
    const bothGiven = await shoal(['sql', '--data', dir, '--host', host, '1']);
    expect(bothGiven.status).toBe(1);
    expect(bothGiven.stderr).toContain('not both');
    const neither = await shoal(['sql', '1']);
    expect(neither.status).toBe(1);
    expect(neither.stderr).toContain('--host HOST:PORT');
  });
});
