// Starting every node of a cluster as detached processes: the controller first, then the
// data nodes, each awaited until /health says ready. A node that dies or is not ready in
// time fails the start, and the nodes this start launched are stopped again.

import { ShoalError } from '../../core/errors.ts';
import { loadClusterConfig } from '../config/index.ts';
import type { ClusterConfig, NodeConfig, NodeRole } from '../config/index.ts';
import { logTail } from './log-tail.ts';
import {
  DEFAULT_START_TIMEOUT_MILLIS,
  DEFAULT_STOP_TIMEOUT_MILLIS,
  LOG_TAIL_LINES,
} from './process-limits.ts';
import { logFilePath, readPidFile, removePidFile } from './run-files.ts';
import { isNodeProcess, spawnNode } from './spawn-node.ts';
import type { NodeEnvironment, SpawnedNode } from './spawn-node.ts';
import { stopProcesses } from './stop-processes.ts';
import type { StopOutcome } from './stop-processes.ts';
import { waitUntilReady } from './wait-ready.ts';
import type { WatchedNode } from './wait-ready.ts';

/** What to start. */
export interface StartClusterOptions {
  /** The cluster's config folder. */
  readonly dir: string;
  /** Longest wait for every node to be ready; DEFAULT_START_TIMEOUT_MILLIS when absent. */
  readonly timeoutMillis?: number;
  /** Extra environment for the nodes this start launches (e.g. SHOAL_CRASH_AT). */
  readonly env?: NodeEnvironment;
}

/** A node of a running cluster. */
export interface StartedNode {
  readonly alias: string;
  readonly role: NodeRole;
  /** `host:port`. */
  readonly address: string;
  /** `http://host:port`. */
  readonly url: string;
  readonly pid: number;
  /** Launched by this start, or found running (its process alive and serving) and left alone. */
  readonly state: 'started' | 'already running';
}

/** The end of a start: every node ready, or the node that failed, why, and its log's end. */
export type StartClusterResult =
  | { readonly kind: 'ready'; readonly dir: string; readonly nodes: readonly StartedNode[] }
  | {
      readonly kind: 'failed';
      readonly dir: string;
      readonly alias: string;
      readonly reason: string;
      readonly logFile: string;
      readonly logTail: readonly string[];
      /** The nodes this start had launched, stopped again, with how each stopped. */
      readonly stopped: readonly { readonly alias: string; readonly outcome: StopOutcome }[];
    };

/**
 * Starts the nodes of the cluster in `options.dir` that are not running. Throws
 * INVALID_CONFIG when the configuration does not load (nothing is started then).
 */
export async function startCluster(options: StartClusterOptions): Promise<StartClusterResult> {
  const cluster = await loadClusterConfig(options.dir);
  const timeoutMillis = options.timeoutMillis ?? DEFAULT_START_TIMEOUT_MILLIS;
  checkTimeout(timeoutMillis);
  const deadline = Date.now() + timeoutMillis;
  const launched: SpawnedNode[] = [];
  const nodes: StartedNode[] = [];
  try {
    // Data nodes talk to the controller as they start, so it is up before they are launched.
    for (const group of [[cluster.controller], cluster.dataNodes]) {
      const watched = await launchGroup(cluster, group, options.env ?? {}, launched, nodes);
      const outcome = await waitUntilReady(watched, deadline);
      if (outcome.kind === 'failed') {
        return await failed(cluster.dir, outcome.alias, outcome.reason, launched);
      }
    }
  } catch (error) {
    await stopLaunched(cluster.dir, launched);
    throw error;
  }
  return { kind: 'ready', dir: cluster.dir, nodes };
}

// Launches each node of `group` not already running; all of them are to be waited for.
async function launchGroup(
  cluster: ClusterConfig,
  group: readonly NodeConfig[],
  env: NodeEnvironment,
  launched: SpawnedNode[],
  nodes: StartedNode[],
): Promise<readonly WatchedNode[]> {
  const watched: WatchedNode[] = [];
  for (const config of group) {
    const url = `http://${config.host}:${config.port}`;
    const running = await runningPid(cluster.dir, config.alias);
    const base = {
      alias: config.alias,
      role: config.role,
      address: `${config.host}:${config.port}`,
      url,
    };
    if (running !== undefined) {
      nodes.push({ ...base, pid: running, state: 'already running' });
      watched.push({ alias: config.alias, url, pid: running });
      continue;
    }
    const spawned = await spawnNode(cluster.dir, config.alias, env);
    launched.push(spawned);
    nodes.push({ ...base, pid: spawned.pid, state: 'started' });
    watched.push({ alias: config.alias, url, pid: spawned.pid, exit: spawned.exit });
  }
  return watched;
}

// The pid of node `alias` when its pid file names a live process that is this node; a
// stale pid file (dead process, or a pid since reused) is removed.
async function runningPid(dir: string, alias: string): Promise<number | undefined> {
  const pid = await readPidFile(dir, alias);
  if (pid !== undefined && (await isNodeProcess(pid, dir, alias))) return pid;
  await removePidFile(dir, alias);
  return undefined;
}

async function failed(
  dir: string,
  alias: string,
  reason: string,
  launched: readonly SpawnedNode[],
): Promise<StartClusterResult> {
  const logFile = logFilePath(dir, alias);
  const stopped = await stopLaunched(dir, launched);
  // Read after stopping, so the tail holds whatever the node wrote last.
  const tail = await logTail(logFile, LOG_TAIL_LINES);
  return { kind: 'failed', dir, alias, reason, logFile, logTail: tail, stopped };
}

async function stopLaunched(
  dir: string,
  launched: readonly SpawnedNode[],
): Promise<{ alias: string; outcome: StopOutcome }[]> {
  // Those seen exiting need no stopping (nor a line saying they were stopped).
  const running = launched.filter((node) => node.exit() === undefined);
  // All at once: a failed start has no work in flight for the controller to see through.
  const outcomes = await stopProcesses(running, DEFAULT_STOP_TIMEOUT_MILLIS);
  const stopped = [];
  for (const node of launched) {
    const outcome = outcomes.get(node.alias);
    if (outcome !== 'still running') await removePidFile(dir, node.alias);
    if (outcome !== undefined) stopped.push({ alias: node.alias, outcome });
  }
  return stopped;
}

function checkTimeout(timeoutMillis: number): void {
  if (!Number.isSafeInteger(timeoutMillis) || timeoutMillis <= 0) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `start timeout ${timeoutMillis} ms is not allowed; use a whole number of milliseconds above 0`,
    );
  }
}
