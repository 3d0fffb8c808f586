// What a committed cluster transaction means for replication: its operation type, database,
// table, weight and the partitions it wrote, read from its participants' commit effects (the
// effects every participant prepared are the same logical change for DDL, and disjoint
// partitions for data writes).

import type { OperationType } from '../core/operation-type.ts';
import { isDataOperation } from '../core/operation-type.ts';
import { decodeEffects } from '../storage/index.ts';
import type { CatalogChange, CommitEffects } from '../storage/index.ts';

/** The replication view of one committed transaction. */
export interface CommitTask {
  readonly operationType: OperationType;
  readonly db: string;
  readonly table: string;
  /** Rows written or deleted across participants (at least 1; DDL weighs 1). */
  readonly weight: number;
  /** Partition keys the transaction wrote, sorted ([] for DDL). */
  readonly partitions: readonly string[];
  /** For DDL: the catalog changes to replay (one participant's, they are all alike). */
  readonly ddl: readonly CatalogChange[];
}

/**
 * The task of a commit whose participants' effects are `encoded` (encodeEffects texts), or
 * null when it changed nothing replicable (no effects, or compaction).
 */
export function commitTask(encoded: readonly string[]): CommitTask | null {
  const effects = encoded.filter((text) => text !== '').map(decodeEffects);
  const first = effects.find((e) => e.kind !== 'COMPACT');
  if (first === undefined || first.kind === 'COMPACT') return null;
  const operationType: OperationType = first.kind;
  const data = isDataOperation(operationType);
  // A row change that matched no row changed nothing: there is nothing to replay.
  if (data && effects.every((e) => e.changes.length === 0)) return null;
  const rows = data ? effects.reduce((sum, e) => sum + e.rowsWritten, 0) : 0;
  return {
    operationType,
    db: first.db,
    table: tableOf(first),
    weight: Math.max(1, rows),
    partitions: data ? partitionsOf(effects) : [],
    ddl: data ? [] : ddlOf(first, effects),
  };
}

/**
 * The schema changes of one participant (alike on all), plus every participant's removed
 * segments: a truncate or dropPartition removes each node's own partitions.
 */
function ddlOf(first: CommitEffects, effects: readonly CommitEffects[]): CatalogChange[] {
  return [
    ...first.changes.filter((c) => c.kind !== 'remove-segments'),
    ...effects.flatMap((e) => e.changes.filter((c) => c.kind === 'remove-segments')),
  ];
}

function tableOf(effects: CommitEffects): string {
  if (effects.table !== undefined) return effects.table;
  for (const change of effects.changes) {
    if (change.kind === 'create-table') return change.meta.name;
    if ('table' in change) return change.table;
  }
  return '';
}

function partitionsOf(effects: readonly CommitEffects[]): string[] {
  const keys = new Set<string>();
  for (const e of effects) {
    for (const change of e.changes) if ('partition' in change) keys.add(change.partition);
  }
  return [...keys].sort();
}
