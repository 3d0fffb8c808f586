// Proves the process layer with real OS processes: a 1+2 cluster starts and every node is
// ready; a kill -9'd data node restarts over its stale lock; a second node on a folder is
// refused; SIGTERM exits 0, a crash exits 1, a crash point dies by SIGKILL; `cluster start`
// and `cluster stop` work end to end, and a bad config fails the start with the node's log.
// How: the `shoal` command and test-cluster.ts, with deadlines (never sleeps) for every wait.

import { spawn } from 'node:child_process';
import { appendFile, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadClusterConfig } from '../src/cluster/config/index.ts';
import { HEALTH_PATH, parseHealth } from '../src/cluster/process/node-health.ts';
import type { HealthBody } from '../src/cluster/process/node-health.ts';
import { NODE_LOCK_FILE } from '../src/cluster/process/node-lock.ts';
import { isProcessAlive } from '../src/cluster/process/process-probe.ts';
import { pidFilePath, readPidFile, runDir } from '../src/cluster/process/run-files.ts';
import { SHOAL_MAIN } from '../src/cluster/process/spawn-node.ts';
import { stopCluster } from '../src/cluster/process/stop-cluster.ts';
import { createTestClusterDir, startTestCluster } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';
import { HttpClient } from '../src/net/index.ts';

const DEADLINE_MILLIS = 20_000;

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running child process whose output is collected; `finished` resolves when it exits. */
function run(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, finished: withDeadline(finished, `${args.join(' ')} to exit`) };
}

/** Runs `shoal …` to its end. */
function shoal(...args: string[]): Promise<Finished> {
  return run([SHOAL_MAIN, ...args]).finished;
}

async function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no ${what} within ${DEADLINE_MILLIS} ms`)),
      DEADLINE_MILLIS,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it holds, failing after the deadline. */
async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MILLIS;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${DEADLINE_MILLIS} ms`);
    await sleep(20);
  }
}

/** The node's health answer, or undefined when it does not answer. */
async function health(url: string): Promise<HealthBody | undefined> {
  const client = new HttpClient(url, { nodeName: url, timeoutMillis: 2_000 });
  try {
    return parseHealth(await client.getJson(HEALTH_PATH));
  } catch {
    return undefined;
  } finally {
    await client.close();
  }
}

const lockOf = (dir: string, alias: string) =>
  readFile(path.join(dir, alias, NODE_LOCK_FILE), 'utf8').catch(() => null);

describe('a controller and two data nodes', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ dataNodes: 2 });
  });

  afterAll(async () => {
    await cluster.stop();
  });

  it('starts every node ready, each answering with its alias, role and pid', async () => {
    expect(cluster.nodes.map((n) => n.alias)).toEqual(['controller', 'dn1', 'dn2']);
    expect(cluster.controllerUrl).toBe(cluster.nodes[0]?.url);
    expect(cluster.dataNodeUrls).toHaveLength(2);
    for (const node of cluster.nodes) {
      expect(await health(node.url)).toEqual({
        alias: node.alias,
        role: node.role,
        status: 'ready',
        pid: node.pid,
      });
      expect(await lockOf(cluster.dir, node.alias)).toBe(`${node.pid}\n`);
      expect(await readPidFile(cluster.dir, node.alias)).toBe(node.pid);
    }
  });

  it('restarts a kill -9ed data node over its stale lock', async () => {
    const before = cluster.nodes.find((n) => n.alias === 'dn1');
    if (before === undefined) throw new Error('no dn1');
    await cluster.kill('dn1');
    expect(await isProcessAlive(before.pid)).toBe(false);
    expect(await health(before.url)).toBeUndefined();
    expect(await lockOf(cluster.dir, 'dn1')).toBe(`${before.pid}\n`); // a crash leaves it
    await cluster.restart('dn1');
    const after = cluster.nodes.find((n) => n.alias === 'dn1');
    expect(after?.pid).not.toBe(before.pid);
    expect(await health(before.url)).toMatchObject({ status: 'ready', pid: after?.pid });
    expect(await lockOf(cluster.dir, 'dn1')).toBe(`${after?.pid}\n`);
    // The others were left alone.
    expect((await health(cluster.controllerUrl))?.pid).toBe(cluster.nodes[0]?.pid);
  });

  it('refuses a second node on a folder in use, naming the live pid', async () => {
    const dn2 = cluster.nodes.find((n) => n.alias === 'dn2');
    const result = await shoal('node', cluster.dir, 'dn2');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('S00601');
    expect(result.stderr).toContain(`locked by process ${dn2?.pid}`);
    expect(await health(dn2?.url ?? '')).toMatchObject({ status: 'ready', pid: dn2?.pid });
  });

  it('restarts a live node gracefully', async () => {
    const before = cluster.nodes[2];
    await cluster.restart('dn2');
    expect(await isProcessAlive(before?.pid ?? 0)).toBe(false);
    expect(await health(cluster.dataNodeUrls[1] ?? '')).toMatchObject({
      status: 'ready',
      pid: cluster.nodes[2]?.pid,
    });
  });
});

describe('one node in the foreground', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await createTestClusterDir({ dataNodes: 1 });
    // A node process whose service can be made to fail in the three ways a process dies.
    const runtime = fileURLToPath(
      new URL('../src/cluster/process/node-runtime.ts', import.meta.url),
    );
    const assertModule = fileURLToPath(new URL('../src/core/assert.ts', import.meta.url));
    await writeFile(
      path.join(dir, 'faulty-node.mjs'),
      [
        `import { crashPoint, runNode } from ${JSON.stringify(runtime)};`,
        `import { assert } from ${JSON.stringify(assertModule)};`,
        'const service = async () => ({',
        '  register(app) {',
        "    app.get('/throw', async () => { setImmediate(() => { throw new Error('boom outside a request'); }); return {}; });",
        "    app.get('/assert', async () => { assert(false, 'an invariant broke'); });",
        "    app.get('/crash', async () => { crashPoint('test.point'); return {}; });",
        '  },',
        '  start: async () => {},',
        '  stop: async () => {},',
        '});',
        'await runNode({ configDir: process.argv[2], alias: process.argv[3], overrides: [],',
        '  services: { controller: service, dataNode: service } });',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const url = async () => {
    const node = (await loadClusterConfig(dir)).dataNodes[0];
    return `http://${node?.host}:${node?.port}`;
  };

  async function startFaulty(env: Readonly<Record<string, string>> = {}) {
    const node = run([path.join(dir, 'faulty-node.mjs'), dir, 'dn1'], env);
    const address = await url();
    await waitUntil(async () => (await health(address))?.status === 'ready', 'dn1 ready');
    return { ...node, address };
  }

  it('stops on SIGTERM with exit 0 and releases its lock', async () => {
    const node = run([SHOAL_MAIN, 'node', dir, 'dn1', '--logLevel=warn']);
    const address = await url();
    await waitUntil(async () => (await health(address))?.status === 'ready', 'dn1 ready');
    expect(await lockOf(dir, 'dn1')).toBe(`${node.child.pid}\n`);
    node.child.kill('SIGTERM');
    const result = await node.finished;
    expect(result.code).toBe(0);
    expect(await lockOf(dir, 'dn1')).toBeNull();
  });

  it('exits 1 on an uncaught exception, logging it', async () => {
    const node = await startFaulty();
    const client = new HttpClient(node.address, { nodeName: 'dn1' });
    await client.getJson('/throw').catch(() => undefined);
    await client.close();
    const result = await node.finished;
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('boom outside a request');
    expect(result.stdout).toContain('uncaught exception');
  });

  it('exits 1 on a failed assertion, after answering 500', async () => {
    const node = await startFaulty();
    const client = new HttpClient(node.address, { nodeName: 'dn1' });
    await expect(client.getJson('/assert')).rejects.toMatchObject({ kind: 'NODE_UNAVAILABLE' });
    await client.close();
    const result = await node.finished;
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('an invariant broke');
  });

  it('dies by SIGKILL at the crash point SHOAL_CRASH_AT names, leaving its lock', async () => {
    const node = await startFaulty({ SHOAL_CRASH_AT: 'test.point' });
    const pid = node.child.pid;
    const client = new HttpClient(node.address, { nodeName: 'dn1' });
    await client.getJson('/crash').catch(() => undefined);
    await client.close();
    const result = await node.finished;
    expect(result.signal).toBe('SIGKILL');
    expect(result.stderr).toContain('crash at test.point');
    expect(await lockOf(dir, 'dn1')).toBe(`${pid}\n`);
  });
});

describe('shoal cluster start and stop', () => {
  let dir: string;

  afterEach(async () => {
    await stopCluster({ dir, timeoutMillis: 5_000 });
    await rm(dir, { recursive: true, force: true });
  });

  it('starts all nodes, leaves running ones alone, and stops them all', async () => {
    dir = await createTestClusterDir({ dataNodes: 2 });
    const started = await shoal('cluster', 'start', dir);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/controller\s+controller\s+127\.0\.0\.1:\d+\s+\d+\s+started/);
    expect(started.stdout).toMatch(/dn2\s+datanode\s+127\.0\.0\.1:\d+\s+\d+\s+started/);
    const pids = await Promise.all(['controller', 'dn1', 'dn2'].map((a) => readPidFile(dir, a)));

    const again = await shoal('cluster', 'start', dir);
    expect(again.code).toBe(0);
    expect(again.stdout.match(/already running/g)).toHaveLength(3);

    const stopped = await shoal('cluster', 'stop', dir);
    expect(stopped.code).toBe(0);
    const lines = stopped.stdout.trim().split('\n').slice(1);
    expect(lines.map((line) => line.trim().split(/\s+/)[0])).toEqual(['dn1', 'dn2', 'controller']);
    expect(lines.every((line) => line.includes('stopped (pid'))).toBe(true);
    for (const pid of pids) expect(await isProcessAlive(pid ?? 0)).toBe(false);
    expect(await readdir(runDir(dir))).toEqual([]);
    for (const alias of ['controller', 'dn1', 'dn2']) expect(await lockOf(dir, alias)).toBeNull();

    const nothing = await shoal('cluster', 'stop', dir);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('No node');
  });

  it('refuses a malformed config before starting anything, naming file, line and key', async () => {
    dir = await createTestClusterDir({ dataNodes: 1 });
    await appendFile(path.join(dir, 'cluster.cfg'), 'maxConnections=lots\n');
    const result = await shoal('cluster', 'start', dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /S00601 \(INVALID_CONFIG\): cluster\.cfg line \d+: maxConnections/,
    );
    await expect(readdir(runDir(dir))).rejects.toThrow(/ENOENT/);
  });

  it('fails when the nodes are not ready by the deadline, and stops them', async () => {
    dir = await createTestClusterDir({ dataNodes: 1 });
    const result = await shoal('cluster', 'start', dir, '--timeout-ms', '1');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Node controller failed to start: not ready in time');
    expect(result.stderr).toMatch(
      /Stopped the nodes this start launched: controller (stopped|killed)/,
    );
    expect(await readdir(runDir(dir))).toEqual([]);
  });

  it('fails when a node cannot start: names it, shows its log, stops the rest', async () => {
    dir = await createTestClusterDir({ dataNodes: 2 });
    const dn2 = (await loadClusterConfig(dir)).dataNodes[1];
    // Another program on dn2's port: it hangs up on whoever calls.
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(dn2?.port, dn2?.host, resolve));
    try {
      const result = await shoal('cluster', 'start', dir, '--timeout-ms', '20000');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Node dn2 failed to start: its process');
      expect(result.stderr).toContain('exited with code 1');
      expect(result.stderr).toMatch(/Last \d+ lines of .*dn2\.log:/);
      expect(result.stderr).toContain('S00601 (INVALID_CONFIG)');
      expect(result.stderr).toContain(`cannot listen on ${dn2?.host}:${dn2?.port}`);
      expect(result.stderr).toContain(
        'Stopped the nodes this start launched: controller stopped, dn1 stopped.',
      );
      expect(await readdir(runDir(dir))).toEqual([]);
      await expect(readFile(pidFilePath(dir, 'controller'))).rejects.toThrow(/ENOENT/);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
