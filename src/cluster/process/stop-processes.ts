// Stopping a group of node processes: SIGTERM to all, wait for them to exit up to a
// deadline, then SIGKILL the rest and wait (briefly) for the kernel to remove them.

import { setTimeout as sleep } from 'node:timers/promises';
import { unreachable } from '../../core/assert.ts';
import { EXIT_POLL_INTERVAL_MILLIS, KILL_WAIT_MILLIS } from './process-limits.ts';
import { isProcessAlive } from './process-probe.ts';

/** A process to stop. */
export interface NodeProcess {
  readonly alias: string;
  readonly pid: number;
}

/** How a process ended: on SIGTERM, only after SIGKILL, or not at all. */
export type StopOutcome = 'stopped' | 'killed' | 'still running';

/** Stops every process of `nodes`; the outcome of each, by alias. */
export async function stopProcesses(
  nodes: readonly NodeProcess[],
  timeoutMillis: number,
): Promise<ReadonlyMap<string, StopOutcome>> {
  const outcomes = new Map<string, StopOutcome>();
  for (const node of nodes) signal(node.pid, 'SIGTERM');
  const lingering = await waitForExit(nodes, Date.now() + timeoutMillis);
  for (const node of nodes) if (!lingering.includes(node)) outcomes.set(node.alias, 'stopped');
  for (const node of lingering) signal(node.pid, 'SIGKILL');
  const survivors = await waitForExit(lingering, Date.now() + KILL_WAIT_MILLIS);
  for (const node of lingering) {
    outcomes.set(node.alias, survivors.includes(node) ? 'still running' : 'killed');
  }
  return outcomes;
}

/** Sends SIGKILL to `pid` and waits until it is gone; false when it outlives KILL_WAIT_MILLIS. */
export async function killProcess(pid: number): Promise<boolean> {
  const node = { alias: String(pid), pid };
  signal(pid, 'SIGKILL');
  return (await waitForExit([node], Date.now() + KILL_WAIT_MILLIS)).length === 0;
}

/** One line on an outcome, e.g. "stopped (pid 123)". */
export function describeStop(outcome: StopOutcome, pid: number): string {
  switch (outcome) {
    case 'stopped':
      return `stopped (pid ${pid})`;
    case 'killed':
      return `killed with SIGKILL after the timeout (pid ${pid})`;
    case 'still running':
      return `still running after SIGKILL (pid ${pid}); check it with ps and stop it by hand`;
    default:
      return unreachable(outcome);
  }
}

// The nodes still alive when all have exited or the deadline passes.
async function waitForExit(
  nodes: readonly NodeProcess[],
  deadline: number,
): Promise<readonly NodeProcess[]> {
  let alive = [...nodes];
  while (alive.length > 0) {
    const checks = await Promise.all(alive.map((node) => isProcessAlive(node.pid)));
    alive = alive.filter((_, i) => checks[i]);
    if (alive.length === 0 || Date.now() >= deadline) break;
    await sleep(EXIT_POLL_INTERVAL_MILLIS);
  }
  return alive;
}

// A process that is already gone needs no signal; any other refusal leaves it for the wait.
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: gone already. EPERM: not ours to signal; the wait reports it as still running.
  }
}
