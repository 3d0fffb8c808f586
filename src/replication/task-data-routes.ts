// A master data node serves the data of the write tasks it coordinated to the slave data
// nodes that execute them (SPEC §7.3.3: straight from srcIP:srcPort), to callers holding an
// ADMIN session of the master; and it removes files no task needs any more.

import type { FastifyInstance } from 'fastify';
import { isShoalError, ShoalError } from '../core/errors.ts';
import { tokenOf } from '../net/public-wire.ts';
import { RecentGrants } from '../cluster/auth/recent-grants.ts';
import type { PeerClient } from '../cluster/internal-peer.ts';
import { BodyBufferPool } from '../net/index.ts';
import { sendChunks, sendFile } from './file-sender.ts';
import type { TaskDataFiles } from './task-data-files.ts';
import type { DataNodeReplicationMetrics } from './replication-metrics.ts';

/** Where slave data nodes fetch task data. */
export const TASK_DATA_PATH = '/replication/task-data';

/**
 * How long a slave's session, once the controller authorized a fetch on it, serves further
 * fetches without asking again: a slave fetching a batch of small tasks would otherwise wait
 * for a busy master controller once per task. A logout or revoked ADMIN reaches fetches
 * after at most this.
 */
const FETCH_GRANT_MILLIS = 1000;
/** Sessions remembered at once (a few per slave). */
const FETCH_GRANT_SESSIONS = 64;
/** Read size of a served file: few reads, little memory per fetch in flight (≥ the pool's minimum). */
const SEND_BUFFER_BYTES = 1 << 20;
/** Buffers one fetch has written and not yet flushed to its socket, at most. */
const SEND_IN_FLIGHT = 4;
/** Read buffers kept for the next fetches: those of four fetches at once. */
const SEND_IDLE_BUFFERS = 16;

/** Registers the task data route of a master data node; `metrics` counts the bytes served. */
export function registerTaskDataRoute(
  app: FastifyInstance,
  files: TaskDataFiles,
  controller: PeerClient,
  metrics?: DataNodeReplicationMetrics,
): void {
  // On the monotonic clock: a wall clock set back must not stretch a grant.
  const grants = new RecentGrants(FETCH_GRANT_MILLIS, FETCH_GRANT_SESSIONS);
  const buffers = new BodyBufferPool(SEND_IDLE_BUFFERS * SEND_BUFFER_BYTES);
  app.get(TASK_DATA_PATH, async (request, reply) => {
    const token = tokenOf(request.headers.authorization);
    if (!grants.has(token, performance.now())) {
      // The slave's session and its ADMIN privilege, in one round trip to the controller.
      await controller.json('/internal/authorize', {
        token,
        privilege: 'ADMIN',
        object: 'fetch replication task data',
      });
      grants.grant(token, performance.now());
    }
    const query = (request.query ?? {}) as Record<string, unknown>;
    const tid = Number(query['tid']);
    const crc = Number(query['crc32']);
    if (!Number.isSafeInteger(tid) || !Number.isSafeInteger(crc)) {
      throw new ShoalError(
        'BAD_REQUEST',
        `${TASK_DATA_PATH} needs ?tid=<transaction>&crc32=<checksum>`,
      );
    }
    // From memory while held, else streamed from disk: a large backlog of fetches costs no
    // memory here. The slave checks the CRC-32 (`crc32`) of what arrives, so a damaged file
    // fails its task with the reason.
    const source = await files.source(tid);
    const type = 'application/octet-stream';
    reply.hijack(); // written here; fastify still runs its onResponse hooks
    if (source.kind === 'memory') {
      metrics?.taskDataServed(source.chunks.reduce((n, chunk) => n + chunk.byteLength, 0));
      try {
        await sendChunks(reply.raw, source.chunks, type);
      } finally {
        source.done();
      }
      return;
    }
    const { bytes, handle } = source;
    metrics?.taskDataServed(bytes);
    await sendFile(reply.raw, handle, bytes, type, buffers, SEND_BUFFER_BYTES, SEND_IN_FLIGHT);
  });
}

/**
 * Removes the task data the master no longer needs (their tasks were finished by every slave,
 * or their transactions aborted): of `only` when given, else of every transaction with data
 * here. A controller that does not answer leaves them for the next pass.
 */
export async function collectTaskData(
  files: TaskDataFiles,
  controller: PeerClient,
  only?: readonly number[],
): Promise<void> {
  const tids = only ?? (await files.list());
  if (tids.length === 0) return;
  try {
    const { keep } = await controller.json<{ keep: number[] }>(
      '/internal/replication/retained-tids',
      { tids },
    );
    const kept = new Set(keep);
    for (const tid of tids) if (!kept.has(tid)) await files.remove(tid);
  } catch (error) {
    if (!isShoalError(error)) throw error;
  }
}
