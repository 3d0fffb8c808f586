// `shoal cluster start DIR [--timeout-ms N]`: starts every node of the cluster in DIR as a
// detached process and waits until all are ready; prints a table of the nodes, or which node
// failed with the end of its log (and stops the nodes it launched).

import { ShoalError } from '../core/errors.ts';
import { startCluster } from '../cluster/process/start-cluster.ts';
import type { StartClusterResult, StartedNode } from '../cluster/process/start-cluster.ts';

/** The command line of `cluster start`, as text. */
export interface ClusterStartArguments {
  readonly dir: string;
  readonly timeoutMs?: string;
}

/** Where the command writes: the table to `out`, a failure to `err`. */
export interface CommandOutput {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
}

/** Runs `cluster start`; the exit status (0 when every node is ready, 1 otherwise). */
export async function runClusterStart(
  args: ClusterStartArguments,
  output: CommandOutput,
): Promise<number> {
  const result = await startCluster({
    dir: args.dir,
    ...(args.timeoutMs === undefined
      ? {}
      : { timeoutMillis: parseMillisFlag('--timeout-ms', args.timeoutMs) }),
  });
  if (result.kind === 'ready') {
    output.out.write(describeStarted(result.dir, result.nodes));
    return 0;
  }
  output.err.write(describeFailure(result));
  return 1;
}

/** The table of a ready cluster: alias, role, address, pid and whether this start launched it. */
export function describeStarted(dir: string, nodes: readonly StartedNode[]): string {
  const rows = [
    ['alias', 'role', 'address', 'pid', ''],
    ...nodes.map((n) => [n.alias, n.role, n.address, String(n.pid), n.state]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return [`Cluster ${dir} is ready:`, ...lines.map((line) => `  ${line}`)].join('\n') + '\n';
}

/** Which node failed and why, the end of its log, and what was stopped again. */
export function describeFailure(result: Extract<StartClusterResult, { kind: 'failed' }>): string {
  const lines = [`Node ${result.alias} failed to start: ${result.reason}.`];
  if (result.logTail.length === 0) lines.push(`Its log ${result.logFile} is empty or missing.`);
  else {
    lines.push(`Last ${result.logTail.length} lines of ${result.logFile}:`);
    lines.push(...result.logTail.map((line) => `  | ${line}`));
  }
  if (result.stopped.length > 0) {
    const stopped = result.stopped.map((s) => `${s.alias} ${s.outcome}`).join(', ');
    lines.push(`Stopped the nodes this start launched: ${stopped}.`);
  }
  return lines.join('\n') + '\n';
}

/** A `--timeout-ms` style flag's value: a whole number of milliseconds. */
export function parseMillisFlag(flag: string, text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `${flag} ${text} is not allowed; use a whole number of milliseconds`,
    );
  }
  return Number(text.trim());
}
