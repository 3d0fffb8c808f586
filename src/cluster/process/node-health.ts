// GET /health: every node answers who it is (alias, role, pid) and how far it is
// (starting, ready, stopping); `cluster start` polls it, and parseHealth reads the answer.

import type { FastifyInstance } from 'fastify';
import type { NodeRole } from '../config/index.ts';

/** The path of the health route. */
export const HEALTH_PATH = '/health';

/** Where a node is in its life; it answers only from `starting` after register to `stopping`. */
export type NodeStatus = 'starting' | 'ready' | 'stopping';

const STATUSES: readonly NodeStatus[] = ['starting', 'ready', 'stopping'];

/** The answer of GET /health. */
export interface HealthBody {
  readonly alias: string;
  readonly role: NodeRole;
  readonly status: NodeStatus;
  readonly pid: number;
}

/** Adds GET /health answering with `identity` and the status `status()` gives at the time. */
export function registerHealthRoute(
  app: FastifyInstance,
  identity: Omit<HealthBody, 'status'>,
  status: () => NodeStatus,
): void {
  // Polled every 0.1 s while a cluster starts: only its failures are worth a log line.
  app.get(HEALTH_PATH, { logLevel: 'warn' }, async (): Promise<HealthBody> => ({
    ...identity,
    status: status(),
  }));
}

/** A health answer checked field by field; undefined when `body` is not one. */
export function parseHealth(body: unknown): HealthBody | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { alias, role, status, pid } = body as Record<string, unknown>;
  if (typeof alias !== 'string') return undefined;
  if (role !== 'controller' && role !== 'datanode') return undefined;
  if (!STATUSES.includes(status as NodeStatus)) return undefined;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid)) return undefined;
  return { alias, role, status: status as NodeStatus, pid };
}
