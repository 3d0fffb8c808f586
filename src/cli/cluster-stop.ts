// `shoal cluster stop DIR [--timeout-ms N]`: stops the nodes `cluster start` ran (data nodes
// first, the controller last; SIGKILL after the timeout) and prints what happened to each.

import { allStopped, stopCluster } from '../cluster/process/stop-cluster.ts';
import type { NodeStopReport, StopClusterResult } from '../cluster/process/stop-cluster.ts';
import { describeStop } from '../cluster/process/stop-processes.ts';
import { parseMillisFlag } from './cluster-start.ts';
import type { CommandOutput } from './cluster-start.ts';

/** The command line of `cluster stop`, as text. */
export interface ClusterStopArguments {
  readonly dir: string;
  readonly timeoutMs?: string;
}

/** Runs `cluster stop`; the exit status (0 when every node is stopped, 1 otherwise). */
export async function runClusterStop(
  args: ClusterStopArguments,
  output: CommandOutput,
): Promise<number> {
  const result = await stopCluster({
    dir: args.dir,
    ...(args.timeoutMs === undefined
      ? {}
      : { timeoutMillis: parseMillisFlag('--timeout-ms', args.timeoutMs) }),
  });
  const stopped = allStopped(result);
  (stopped ? output.out : output.err).write(describeStopped(args.dir, result));
  return stopped ? 0 : 1;
}

/** One line per node with a pid file, saying how it stopped. */
export function describeStopped(dir: string, result: StopClusterResult): string {
  if (result.nodes.length === 0) return `No node of ${dir} is running (no pid files).\n`;
  const width = Math.max(...result.nodes.map((n) => n.alias.length));
  const lines = result.nodes.map((n) => `  ${n.alias.padEnd(width)}  ${describeNode(n)}`);
  const note = result.note === undefined ? [] : [`Note: ${result.note}.`];
  return [`Stopping ${dir}:`, ...lines, ...note].join('\n') + '\n';
}

function describeNode(report: NodeStopReport): string {
  if (report.kind === 'signalled') return describeStop(report.outcome, report.pid);
  return report.pid === undefined
    ? 'not running (its pid file held no pid; removed)'
    : `not running (pid ${report.pid} is gone; stale pid file removed)`;
}
