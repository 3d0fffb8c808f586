// Stopping the nodes `cluster start` ran, by their pid files: data nodes first (SIGTERM, wait,
// SIGKILL the rest), then the controller the same way, so data nodes can finish their work
// with it. Stale pid files (a dead process, or a pid since reused) are removed unsignalled.

import * as path from 'node:path';
import { ShoalError, isShoalError } from '../../core/errors.ts';
import { loadClusterConfig } from '../config/index.ts';
import { DEFAULT_STOP_TIMEOUT_MILLIS, NODE_STOP_TIMEOUT_MILLIS } from './process-limits.ts';
import { aliasesWithPidFiles, readPidFile, removePidFile } from './run-files.ts';
import { isNodeProcess } from './spawn-node.ts';
import { stopProcesses } from './stop-processes.ts';
import type { NodeProcess, StopOutcome } from './stop-processes.ts';

/** What to stop. */
export interface StopClusterOptions {
  /** The cluster's config folder. */
  readonly dir: string;
  /**
   * Longest wait per phase (data nodes, then controller) before SIGKILL. Without it, 30 s,
   * and for a replication master's controller long enough for its drain (SPEC §7.9).
   */
  readonly timeoutMillis?: number;
}

/** What happened to one node with a pid file. */
export type NodeStopReport =
  | {
      readonly alias: string;
      readonly kind: 'signalled';
      readonly pid: number;
      readonly outcome: StopOutcome;
    }
  | { readonly alias: string; readonly kind: 'not running'; readonly pid: number | undefined };

/** Every node's report, in the order stopped; `note` says why the order is a guess. */
export interface StopClusterResult {
  readonly nodes: readonly NodeStopReport[];
  readonly note?: string;
}

/** Stops every node of `options.dir` that has a pid file. */
export async function stopCluster(options: StopClusterOptions): Promise<StopClusterResult> {
  const timeoutMillis = options.timeoutMillis ?? DEFAULT_STOP_TIMEOUT_MILLIS;
  checkTimeout(timeoutMillis);
  const dir = path.resolve(options.dir);
  const { phases, note, drainMillis } = await phasesOf(dir, await aliasesWithPidFiles(dir));
  const nodes: NodeStopReport[] = [];
  for (const [index, phase] of phases.entries()) {
    const last = index === phases.length - 1 && phases.length > 1;
    const phaseMillis = last
      ? controllerStopMillis(options.timeoutMillis, drainMillis)
      : timeoutMillis;
    const live: NodeProcess[] = [];
    for (const alias of phase) {
      const pid = await readPidFile(dir, alias);
      if (pid !== undefined && (await isNodeProcess(pid, dir, alias))) live.push({ alias, pid });
      else {
        await removePidFile(dir, alias);
        nodes.push({ alias, kind: 'not running', pid });
      }
    }
    const outcomes = await stopProcesses(live, phaseMillis);
    for (const { alias, pid } of live) {
      const outcome = outcomes.get(alias) ?? 'still running';
      if (outcome !== 'still running') await removePidFile(dir, alias);
      nodes.push({ alias, kind: 'signalled', pid, outcome });
    }
  }
  return note === undefined ? { nodes } : { nodes, note };
}

/**
 * How long `cluster stop` waits for the controller: `timeoutMillis` when given, else the
 * default, or for a replication master's controller (`drainMillis` > 0) as long as the
 * controller itself allows its stop, so a drain (SPEC §7.9) is never cut short by SIGKILL.
 */
export function controllerStopMillis(
  timeoutMillis: number | undefined,
  drainMillis: number,
): number {
  if (timeoutMillis !== undefined) return timeoutMillis;
  return drainMillis === 0
    ? DEFAULT_STOP_TIMEOUT_MILLIS
    : Math.max(DEFAULT_STOP_TIMEOUT_MILLIS, NODE_STOP_TIMEOUT_MILLIS + drainMillis);
}

/** True when every node is stopped (none still running). */
export function allStopped(result: StopClusterResult): boolean {
  return result.nodes.every((n) => n.kind === 'not running' || n.outcome !== 'still running');
}

// Data nodes (and aliases the config does not know) first, the controller last. A cluster
// whose config no longer loads is still stopped, all at once.
// `drainMillis`: how long the controller may spend handing slaves their tasks as it stops.
async function phasesOf(
  dir: string,
  aliases: readonly string[],
): Promise<{ phases: readonly (readonly string[])[]; note?: string; drainMillis: number }> {
  try {
    const cluster = await loadClusterConfig(dir);
    const controller = cluster.controller.alias;
    return {
      phases: [aliases.filter((a) => a !== controller), aliases.filter((a) => a === controller)],
      drainMillis:
        cluster.replicationMode === 'master'
          ? cluster.controller.settings.clusterReplicationShutdownTimeout
          : 0,
    };
  } catch (error) {
    if (!isShoalError(error)) throw error;
    const note = `the configuration does not load (${error.message}), so every node was stopped at once`;
    return { phases: [aliases], note, drainMillis: 0 };
  }
}

function checkTimeout(timeoutMillis: number): void {
  if (!Number.isSafeInteger(timeoutMillis) || timeoutMillis < 0) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `stop timeout ${timeoutMillis} ms is not allowed; use a whole number of milliseconds, 0 or more`,
    );
  }
}
