// Real multi-process clusters for integration tests: a config folder in a temporary
// directory on free loopback ports, started by the same code as `shoal cluster start`, with
// kill -9 and restart per node. No node outlives the test process: stop() stops them, and an
// exit hook kills with SIGKILL whatever is still alive.

import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CLUSTER_CFG,
  CONTROLLER_CFG,
  isConfigKey,
  keyAppliesTo,
  loadClusterConfig,
} from '../config/index.ts';
import { initLocalCluster } from './local-cluster.ts';
import { isNodeProcess } from './spawn-node.ts';
import type { NodeEnvironment } from './spawn-node.ts';
import { startCluster } from './start-cluster.ts';
import type { StartClusterResult } from './start-cluster.ts';
import { stopCluster } from './stop-cluster.ts';
import { killProcess, stopProcesses } from './stop-processes.ts';

/** The cluster to make. */
export interface TestClusterOptions {
  /** Data nodes dn1…dnN; 2 when absent. */
  readonly dataNodes?: number;
  /**
   * `key=value` settings written into the config: a controller key into controller.cfg, a
   * data-node key or `alias.key=value` into cluster.cfg, a key of both into both.
   */
  readonly overrides?: readonly string[];
  /** Extra environment for every node (restart can set its own). */
  readonly env?: NodeEnvironment;
  /** Longest wait for the nodes to be ready; the start default when absent. */
  readonly timeoutMillis?: number;
}

/** A node of a test cluster, with its current pid. */
export interface TestNode {
  readonly alias: string;
  readonly role: 'controller' | 'datanode';
  readonly url: string;
  readonly pid: number;
}

/** A running test cluster. */
export interface TestCluster {
  /** The config folder; nodes keep their data in `<dir>/<alias>/`. */
  readonly dir: string;
  readonly controllerUrl: string;
  readonly dataNodeUrls: readonly string[];
  /** Every node, with the pid it runs as now. */
  readonly nodes: readonly TestNode[];
  /** kill -9 of node `alias`; resolves once the process is gone (its pid file and lock stay). */
  kill(alias: string): Promise<void>;
  /** Stops node `alias` if it runs, then starts it again (as `cluster start` would) until ready. */
  restart(alias: string, options?: { readonly env?: NodeEnvironment }): Promise<void>;
  /** Stops every node (SIGKILL for any that lingers) and removes the folder; safe to call twice. */
  stop(): Promise<void>;
}

/** Admin password of test clusters (the default `cluster init` uses). */
export const TEST_ADMIN_PASSWORD = '123456';

// The node pids of every test cluster not yet stopped, by folder, for the exit hook.
const livePids = new Map<string, Set<number>>();
let exitHookInstalled = false;

/** Makes a cluster's config folder on free ports, without starting it; the folder's path. */
export async function createTestClusterDir(options: TestClusterOptions = {}): Promise<string> {
  const count = options.dataNodes ?? 2;
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-test-cluster-'));
  try {
    await initLocalCluster({ dir, dataNodes: count });
    await writeOverrides(dir, options.overrides ?? []);
    await loadClusterConfig(dir); // a bad override fails here, naming the file and line
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Creates and starts a test cluster; rejects (folder removed) when it does not become ready. */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  installExitHook();
  const dir = await createTestClusterDir(options);
  const pids = new Map<string, number>();
  const live = new Set<number>();
  livePids.set(dir, live);
  const start = async (env: NodeEnvironment | undefined): Promise<void> => {
    const result = await startCluster({
      dir,
      ...(env === undefined ? {} : { env }),
      ...(options.timeoutMillis === undefined ? {} : { timeoutMillis: options.timeoutMillis }),
    });
    if (result.kind === 'failed') throw new Error(failureMessage(result));
    for (const node of result.nodes) {
      pids.set(node.alias, node.pid);
      live.add(node.pid);
    }
  };
  try {
    await start(options.env);
  } catch (error) {
    await stopAll(dir, pids);
    throw error;
  }
  return handle(dir, pids, start, options.env);
}

async function handle(
  dir: string,
  pids: Map<string, number>,
  start: (env: NodeEnvironment | undefined) => Promise<void>,
  defaultEnv: NodeEnvironment | undefined,
): Promise<TestCluster> {
  const cluster = await loadClusterConfig(dir);
  const url = (node: { host: string; port: number }) => `http://${node.host}:${node.port}`;
  const configs = [cluster.controller, ...cluster.dataNodes];
  const pidOf = (alias: string): number => {
    const pid = pids.get(alias);
    if (pid === undefined) throw new Error(`test cluster ${dir} has no node ${alias}`);
    return pid;
  };
  let stopped: Promise<void> | null = null;
  return {
    dir,
    controllerUrl: url(cluster.controller),
    dataNodeUrls: cluster.dataNodes.map(url),
    get nodes() {
      return configs.map((c) => ({
        alias: c.alias,
        role: c.role,
        url: url(c),
        pid: pidOf(c.alias),
      }));
    },
    kill: async (alias) => {
      const pid = pidOf(alias);
      if (!(await killProcess(pid))) throw new Error(`node ${alias} outlived SIGKILL`);
      livePids.get(dir)?.delete(pid);
    },
    restart: async (alias, options) => {
      const pid = pidOf(alias);
      if (await isNodeProcess(pid, dir, alias)) await stopProcesses([{ alias, pid }], 10_000);
      await start(options?.env ?? defaultEnv);
    },
    stop: () => (stopped ??= stopAll(dir, pids)),
  };
}

// Stops gracefully, then makes sure: whatever still runs is killed, and the folder goes.
async function stopAll(dir: string, pids: ReadonlyMap<string, number>): Promise<void> {
  try {
    await stopCluster({ dir, timeoutMillis: 10_000 });
  } finally {
    for (const [alias, pid] of pids)
      if (await isNodeProcess(pid, dir, alias)) await killProcess(pid);
    livePids.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeOverrides(dir: string, overrides: readonly string[]): Promise<void> {
  const controllerLines: string[] = [];
  const clusterLines: string[] = [];
  for (const line of overrides) {
    const key = line.slice(0, line.indexOf('='));
    if (!isConfigKey(key))
      clusterLines.push(line); // alias.key=value, or a bad key to report
    else {
      if (keyAppliesTo(key, 'controller')) controllerLines.push(line);
      if (keyAppliesTo(key, 'datanode')) clusterLines.push(line);
    }
  }
  const append = (file: string, lines: readonly string[]) =>
    lines.length === 0 ? undefined : appendFile(path.join(dir, file), `${lines.join('\n')}\n`);
  await append(CONTROLLER_CFG, controllerLines);
  await append(CLUSTER_CFG, clusterLines);
}

function failureMessage(result: Extract<StartClusterResult, { kind: 'failed' }>): string {
  return [
    `test cluster ${result.dir}: node ${result.alias} failed to start: ${result.reason}`,
    `last lines of ${result.logFile}:`,
    ...result.logTail,
  ].join('\n');
}

// Runs at the test process's exit, synchronously: nothing can be awaited, signals can be sent.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [dir, pids] of livePids) {
      for (const pid of pids) if (runsIn(pid, dir)) killQuietly(pid);
    }
  });
}

// A pid freed by a node that crashed may since name another process: check where /proc can.
function runsIn(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dir);
  } catch {
    return !existsSync('/proc/self/cmdline'); // no /proc: trust the pid
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
