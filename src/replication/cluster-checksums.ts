// Per-partition content checksums of one database over a whole cluster, taken at a steady
// point: the cluster's last task of that database read the same before and after, and no
// data node held a prepared write (a decision recorded but not yet published). Both sides
// of checkClusterReplicationConsistency use it.

import { ShoalError } from '../core/errors.ts';
import { mergeDatabaseSums } from '../core/replication/consistency.ts';
import type { DatabaseSums, RowSum } from '../core/replication/consistency.ts';
import type { PeerClient } from '../cluster/internal-peer.ts';

/** The data node route that answers one node's sums of a database. */
export const DB_CHECKSUMS_PATH = '/internal/replication/db-checksums';

/** A data node's answer: its sums by table and partition, and whether a write is prepared. */
export interface NodeSumsAnswer {
  readonly pending: boolean;
  readonly tables: Readonly<Record<string, Readonly<Record<string, RowSum>>>>;
}

/** Sums of a database as JSON (table → partition → sum), as the master route sends them. */
export type SumsJson = NodeSumsAnswer['tables'];

/** Sums at one task id of the database. */
export interface SteadySums {
  readonly taskId: number;
  readonly sums: DatabaseSums;
}

/** How long to wait before looking again when the database moved or a write was prepared. */
const RETRY_MILLIS = 50;

export function sumsFromJson(tables: SumsJson): DatabaseSums {
  return new Map(
    Object.entries(tables).map(([table, parts]) => [table, new Map(Object.entries(parts))]),
  );
}

export function sumsToJson(sums: DatabaseSums): SumsJson {
  return Object.fromEntries(
    [...sums].map(([table, parts]) => [table, Object.fromEntries(parts)] as const),
  );
}

/**
 * The database's sums over `dataNodes` at the task id `lastTaskOf` gives, retried until the
 * point is steady; CONSISTENCY_CHECK_INCOMPLETE at `deadlineMillis` (`side` names the
 * cluster in that message).
 */
export async function steadySums(
  dataNodes: readonly PeerClient[],
  db: string,
  lastTaskOf: () => number,
  deadlineMillis: number,
  side: string,
): Promise<SteadySums> {
  for (;;) {
    const before = lastTaskOf();
    const answers = await Promise.all(
      dataNodes.map((peer) => peer.json<NodeSumsAnswer>(DB_CHECKSUMS_PATH, { db })),
    );
    const after = lastTaskOf();
    if (before === after && answers.every((a) => !a.pending)) {
      return { taskId: after, sums: mergeDatabaseSums(answers.map((a) => sumsFromJson(a.tables))) };
    }
    if (Date.now() > deadlineMillis) {
      throw new ShoalError(
        'CONSISTENCY_CHECK_INCOMPLETE',
        `the ${side} kept writing ${db} while its checksums were taken; run the check again when it is quieter`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MILLIS));
  }
}
