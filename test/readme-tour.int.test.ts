// Proves the guides match the product: the README's five-minute tour works as written (every
// step exits 0, the slave ends with the master's rows, checksum and tasks, both clusters stop),
// and docs/user-guide.md lists every config key with its default, every replication function
// and every S010xx error code. How: the bash blocks between the tour markers run step by step
// (one step per paragraph) in a temp folder, with `npx shoal` replaced by this Node running
// src/cli/main.ts and the README's ports by free ones, and afterAll stops both clusters
// whatever happened; the guide is checked against the registries the code uses.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_KEY_NAMES, keySpec } from '../src/cluster/config/config-keys.ts';
import { freePorts } from '../src/cluster/process/free-ports.ts';
import { SHOAL_MAIN } from '../src/cluster/process/spawn-node.ts';
import { ERROR_CODES } from '../src/core/errors.ts';
import { DATANODE_REPLICATION_FUNCTIONS } from '../src/replication/datanode-functions.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const TOUR_START = '<!-- tour:start -->';
const TOUR_END = '<!-- tour:end -->';
/** Longest one step may run: the wait step polls the slave, each poll a new process. */
const STEP_DEADLINE_MILLIS = 120_000;
/** The ports the README uses: a master on 8900-8902 and a slave on 9900-9902. */
const README_PORT = /\b(89|99)0(\d)\b/g;

/** One paragraph of a tour block: run by itself with `bash -euo pipefail`. */
interface Step {
  /** As written in the README. */
  readonly text: string;
  /** With the command and ports replaced for this run. */
  readonly command: string;
}

interface StepResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The tour's paragraphs, in order: every ```bash block between the markers, split at blank lines. */
function tourParagraphs(readme: string): string[] {
  const start = readme.indexOf(TOUR_START);
  const end = readme.indexOf(TOUR_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks ${TOUR_START} … ${TOUR_END}`);
  const tour = readme.slice(start, end);
  const blocks = [...tour.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  return blocks.flatMap((block) => block.split(/\n\s*\n/)).filter((p) => p.trim() !== '');
}

/** `text` with `npx shoal` run by this Node and the README's ports mapped to free ones. */
function substitute(text: string, masterPort: number, slavePort: number): string {
  const shoal = `'${process.execPath}' '${SHOAL_MAIN}'`;
  return text
    .replaceAll('npx shoal', shoal)
    .replace(README_PORT, (_, prefix: string, offset: string) =>
      String((prefix === '89' ? masterPort : slavePort) + Number(offset)),
    );
}

/** A port p such that p … p+count-1 are all free now (cluster init takes consecutive ports). */
async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [first] = await freePorts(1);
    if (first === undefined || first + count - 1 > 65_535) continue;
    const servers: Server[] = [];
    try {
      for (let i = 0; i < count; i++) servers.push(await listen(first + i));
      return first;
    } catch {
      // one of them is taken: try another start
    } finally {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  }
  throw new Error(`found no ${count} consecutive free ports`);
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Runs `file args` in `cwd` to its end; its process group is killed at the deadline. */
function runProcess(file: string, args: readonly string[], cwd: string): Promise<StepResult> {
  const child = spawn(file, args, {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => {
    stderr += `\n[killed after ${STEP_DEADLINE_MILLIS} ms]`;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, STEP_DEADLINE_MILLIS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a tour step as a script that stops at the first command that fails. */
function runBash(command: string, cwd: string): Promise<StepResult> {
  return runProcess('bash', ['-euo', 'pipefail', '-c', command], cwd);
}

/** Runs `shoal …` (src/cli/main.ts on this Node) in `cwd`. */
function runShoal(args: readonly string[], cwd: string): Promise<StepResult> {
  return runProcess(process.execPath, [SHOAL_MAIN, ...args], cwd);
}

/** What a step printed, for an assertion's message. */
function shown(step: Step, result: StepResult): string {
  return [
    `step:\n${step.text}`,
    `exit: ${result.code ?? result.signal}`,
    `stdout:\n${result.stdout}`,
    `stderr:\n${result.stderr}`,
  ].join('\n');
}

/** The value under the `count` heading of a `select count(*)` table `shoal sql` printed. */
function printedCount(stdout: string): number | undefined {
  const match = /^count\n-+\n(\d+)$/m.exec(stdout);
  return match === null ? undefined : Number(match[1]);
}

let work: string;
let masterPort: number;
let slavePort: number;
let steps: Step[];
let password: string;
let clusterDirs: string[];
const results = new Map<Step, StepResult>();

/** Runs `shoal sql --json` on a node of this run; the parsed JSON of the last result. */
async function sqlJson(port: number, statement: string): Promise<unknown> {
  const host = `127.0.0.1:${port}`;
  const args = ['sql', '--host', host, '-u', 'admin', '-p', password, '--json', statement];
  const result = await runShoal(args, work);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

async function runStep(step: Step): Promise<StepResult> {
  const result = await runBash(step.command, work);
  results.set(step, result);
  return result;
}

const isStop = (step: Step): boolean => step.text.includes('cluster stop');

beforeAll(async () => {
  const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
  expect(readme).toContain('npm ci && npm start');
  expect(readme).toContain('npm ci && npm test');
  work = await mkdtemp(path.join(tmpdir(), 'shoal-readme-tour-'));
  masterPort = await freeConsecutivePorts(3);
  slavePort = await freeConsecutivePorts(3);
  while (Math.abs(slavePort - masterPort) < 3) slavePort = await freeConsecutivePorts(3);
  steps = tourParagraphs(readme).map((text) => ({
    text,
    command: substitute(text, masterPort, slavePort),
  }));
  const tour = steps.map((s) => s.text).join('\n');
  password = /--admin-password (\S+)/.exec(tour)?.[1] ?? '';
  clusterDirs = [...tour.matchAll(/cluster init (\S+)/g)].map((m) => m[1] ?? '');
});

afterAll(async () => {
  // Whatever failed, no node of the tour outlives the test.
  if (work === undefined) return;
  for (const dir of [...(clusterDirs ?? [])].reverse()) {
    await runShoal(['cluster', 'stop', dir], work);
  }
  await rm(work, { recursive: true, force: true });
}, STEP_DEADLINE_MILLIS);

describe('the README five-minute tour', () => {
  it('has a master and a slave cluster, a password, and steps bash can parse alone', async () => {
    expect(clusterDirs).toHaveLength(2);
    expect(password).not.toBe('');
    expect(steps.some(isStop)).toBe(true);
    for (const step of steps) {
      const parsed = await runProcess('bash', ['-n', '-c', step.command], work);
      expect(parsed.code, shown(step, parsed)).toBe(0);
    }
  });

  it('runs every step up to the stop, each exiting 0', async () => {
    for (const step of steps.filter((s) => !isStop(s))) {
      const result = await runStep(step);
      expect(result.code, shown(step, result)).toBe(0);
    }
  }, 600_000);

  it('leaves the slave with the master rows, checksum and tasks, every task FINISHED', async () => {
    const onMaster = steps.find((s) => s.text.includes('create database'));
    const onSlave = steps.find((s) => s.text.includes('getSlaveReplicationStatus()'));
    const masterOut = onMaster === undefined ? undefined : results.get(onMaster);
    const slaveOut = onSlave === undefined ? undefined : results.get(onSlave);
    if (masterOut === undefined || slaveOut === undefined) throw new Error('the tour did not run');
    const rows = printedCount(masterOut.stdout);
    expect(rows).toBeGreaterThan(0);
    expect(printedCount(slaveOut.stdout)).toBe(rows);
    expect(slaveOut.stdout).toContain('FINISHED');
    expect(slaveOut.stdout).not.toContain('FAILED');

    // The same facts asked directly, as JSON.
    const table = '"dfs://testDB"."testTB"';
    const count = `exec count(*) from ${table}`;
    expect(await sqlJson(slavePort + 1, count)).toBe(rows);
    expect(await sqlJson(masterPort + 1, count)).toBe(rows);
    const checksum = 'tableChecksum("dfs://testDB", "testTB")';
    expect(await sqlJson(slavePort + 1, checksum)).toBe(await sqlJson(masterPort + 1, checksum));
    const masterTasks = (await sqlJson(masterPort + 1, 'getMasterReplicationStatus()')) as {
      taskId: number;
    }[];
    const slaveTasks = (await sqlJson(slavePort + 1, 'getSlaveReplicationStatus()')) as {
      taskId: number;
      state: string;
    }[];
    expect(masterTasks.length).toBeGreaterThanOrEqual(5);
    expect(slaveTasks.map((t) => t.taskId)).toEqual(masterTasks.map((t) => t.taskId));
    expect(new Set(slaveTasks.map((t) => t.state))).toEqual(new Set(['FINISHED']));
    const partitions = (await sqlJson(
      slavePort + 1,
      'checkClusterReplicationConsistency("dfs://testDB")',
    )) as { match: boolean }[];
    expect(partitions.length).toBeGreaterThan(0);
    expect(partitions.every((p) => p.match)).toBe(true);
  }, 120_000);

  it('stops both clusters, each stop exiting 0', async () => {
    for (const step of steps.filter(isStop)) {
      const result = await runStep(step);
      expect(result.code, shown(step, result)).toBe(0);
      expect(result.stdout).toMatch(/stopped \(pid \d+\)/);
    }
  }, 180_000);
});

describe('the user guide', () => {
  let guide: string;

  beforeAll(async () => {
    guide = await readFile(path.join(REPO, 'docs', 'user-guide.md'), 'utf8');
  });

  it('has a table row for every configuration key, with its default when it has a fixed one', () => {
    for (const key of CONFIG_KEY_NAMES) {
      const row = guide.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, `docs/user-guide.md has no row for ${key}`).toBeDefined();
      const fallback = keySpec(key).default;
      if (fallback.kind === 'value') expect(row).toContain(String(fallback.value));
    }
  });

  it('names every replication function and every replication error code', () => {
    for (const name of DATANODE_REPLICATION_FUNCTIONS) expect(guide).toContain(`\`${name}(`);
    const codes = Object.values(ERROR_CODES).filter((code) => code.startsWith('S010'));
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(guide).toContain(`\`${code}\``);
  });
});
