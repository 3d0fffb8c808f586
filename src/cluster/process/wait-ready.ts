// Waiting for started nodes to answer GET /health as ready, polling with one deadline for
// all; a node whose process dies meanwhile fails the wait at once.

import { setTimeout as sleep } from 'node:timers/promises';
import { HttpClient } from '../../net/index.ts';
import { HEALTH_PATH, parseHealth } from './node-health.ts';
import {
  EXIT_POLL_INTERVAL_MILLIS,
  HEALTH_CALL_TIMEOUT_MILLIS,
  HEALTH_POLL_INTERVAL_MILLIS,
} from './process-limits.ts';
import { isProcessAlive } from './process-probe.ts';
import type { ProcessExit } from './spawn-node.ts';

/** A node being waited for. */
export interface WatchedNode {
  readonly alias: string;
  /** `http://host:port`. */
  readonly url: string;
  readonly pid: number;
  /** How the process ended, when this process started it and saw it end. */
  readonly exit?: () => ProcessExit | undefined;
}

/** The end of a wait: every node ready, or the first that failed and why. */
export type ReadyOutcome =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly alias: string; readonly reason: string };

/** Polls each node's /health until all are ready (right alias and pid), one dies, or `deadline` (epoch ms) passes. */
export async function waitUntilReady(
  nodes: readonly WatchedNode[],
  deadline: number,
): Promise<ReadyOutcome> {
  const clients = new Map(
    nodes.map((node) => [node.alias, new HttpClient(node.url, { nodeName: `node ${node.alias}` })]),
  );
  const lastSeen = new Map<string, string>();
  try {
    let pending = [...nodes];
    while (true) {
      const still: WatchedNode[] = [];
      for (const node of pending) {
        if (!(await isProcessAlive(node.pid))) {
          // The exit event of a child we started may trail its death by a turn of the loop.
          if (node.exit?.() === undefined) await sleep(EXIT_POLL_INTERVAL_MILLIS);
          return { kind: 'failed', alias: node.alias, reason: exitReason(node) };
        }
        const seen = await poll(clients.get(node.alias), node, deadline);
        if (seen !== 'ready') {
          lastSeen.set(node.alias, seen);
          still.push(node);
        }
      }
      pending = still;
      const first = pending[0];
      if (first === undefined) return { kind: 'ready' };
      if (Date.now() >= deadline) {
        const seen = lastSeen.get(first.alias) ?? 'no answer';
        return { kind: 'failed', alias: first.alias, reason: `not ready in time (${seen})` };
      }
      await sleep(Math.min(HEALTH_POLL_INTERVAL_MILLIS, Math.max(0, deadline - Date.now())));
    }
  } finally {
    await Promise.all([...clients.values()].map((client) => client.close()));
  }
}

// 'ready', or what the node answered instead, for the message when time runs out.
async function poll(
  client: HttpClient | undefined,
  node: WatchedNode,
  deadline: number,
): Promise<string> {
  if (client === undefined) return 'no client';
  const timeoutMillis = Math.max(1, Math.min(HEALTH_CALL_TIMEOUT_MILLIS, deadline - Date.now()));
  let answer: unknown;
  try {
    answer = await client.getJson(HEALTH_PATH, { timeoutMillis });
  } catch (error) {
    return `last health check: ${error instanceof Error ? error.message : String(error)}`;
  }
  const health = parseHealth(answer);
  if (health === undefined)
    return `its port answers /health with something else: ${JSON.stringify(answer)}`;
  if (health.alias !== node.alias || health.pid !== node.pid) {
    return `its port is served by node ${health.alias} pid ${health.pid}, not by pid ${node.pid}`;
  }
  return health.status === 'ready' ? 'ready' : `status ${health.status}`;
}

function exitReason(node: WatchedNode): string {
  const exit = node.exit?.();
  if (exit === undefined) return `its process ${node.pid} exited`;
  return exit.kind === 'code'
    ? `its process ${node.pid} exited with code ${exit.code}`
    : `its process ${node.pid} was killed by ${exit.signal}`;
}
