// Background compaction: merges a partition's small segments, and rewrites segments that
// are mostly deleted rows, into fewer, denser segments. Content is unchanged (the checksum
// proves it); readers keep their snapshots' files until they release them, so compaction
// never blocks a reader. It holds the partition's lock only while merging that partition.

import {
  COMPACTION_DELETED_RATIO,
  COMPACTION_MIN_SMALL_SEGMENTS,
  COMPACTION_SMALL_SEGMENT_ROWS,
} from '../core/limits.ts';
import { isShoalError } from '../core/errors.ts';
import type { Column } from '../core/types/column.ts';
import { concatColumnSets } from '../core/types/column-ops.ts';
import type { PartitionState, SegmentState } from './catalog.ts';
import type { CatalogChange, CommitEffects } from './commit-effects.ts';
import type { LockRequest } from './lock-manager.ts';
import { databaseLock, partitionLock, tableLock } from './lock-names.ts';
import { forEachSegment } from './row-scan.ts';
import { requireDatabase, requireTable } from './snapshot.ts';
import type { Store } from './store.ts';
import { writePartitionRows } from './write-rows.ts';

/** The segments of a partition worth merging, or [] when it is fine as it is. */
export function segmentsToCompact(partition: PartitionState): SegmentState[] {
  const small = partition.segments.filter(
    (s) => s.rows - s.deleted.length < COMPACTION_SMALL_SEGMENT_ROWS,
  );
  const sparse = partition.segments.filter(
    (s) => s.deleted.length >= s.rows * COMPACTION_DELETED_RATIO,
  );
  const chosen = new Set<SegmentState>(sparse);
  if (small.length >= COMPACTION_MIN_SMALL_SEGMENTS) for (const s of small) chosen.add(s);
  return partition.segments.filter((s) => chosen.has(s));
}

function compactionLocks(db: string, table: string, key: string): LockRequest[] {
  return [
    databaseLock(db, 'shared'),
    tableLock(db, table, 'shared'),
    partitionLock(db, table, key),
  ];
}

/** Compacts one partition of a table; undefined when there was nothing to do. */
export async function compactPartition(
  store: Store,
  db: string,
  table: string,
  key: string,
): Promise<CommitEffects | undefined> {
  const locks = compactionLocks(db, table, key);
  const effects = await store.write(`compact(${db}/${table}/${key})`, locks, async (context) => {
    const dbState = requireDatabase(context.state, db);
    const tableState = requireTable(context.state, db, table);
    const partition = tableState.partitions.get(key);
    const chosen = partition === undefined ? [] : segmentsToCompact(partition);
    const changes: CatalogChange[] = [];
    if (chosen.length > 0) {
      const ids = new Set(chosen.map((s) => s.id));
      const parts: Column[][] = [];
      const onlyChosen = { ...tableState, partitions: new Map([[key, { key, segments: chosen }]]) };
      await forEachSegment(store, dbState, onlyChosen, [key], ({ columns, positions }) => {
        if (positions.length > 0) parts.push(columns.slice());
      });
      changes.push({ kind: 'remove-segments', db, table, partition: key, segmentIds: [...ids] });
      if (parts.length > 0) {
        const merged = concatColumnSets(
          tableState.meta.columns.map((meta) => meta.type),
          parts,
        );
        changes.push(
          ...(await writePartitionRows(context, dbState, tableState, merged, [
            { key, rows: undefined },
          ])),
        );
      }
    }
    return { kind: 'COMPACT', db, table, rowsWritten: 0, changes };
  });
  return effects.changes.length > 0 ? effects : undefined;
}

/**
 * One pass over every partition of every table; returns how many were compacted. A partition
 * a write holds or waits for (a prepared one's decision may take a while) is skipped, not
 * waited for: the next pass takes it.
 */
export async function compactAll(store: Store): Promise<number> {
  const snapshot = store.snapshot();
  const candidates: [string, string, string][] = [];
  try {
    for (const [dbName, db] of snapshot.state.databases) {
      for (const [tableName, table] of db.tables) {
        for (const [key, partition] of table.partitions) {
          if (segmentsToCompact(partition).length === 0) continue;
          if (store.blockedByPrepared(compactionLocks(dbName, tableName, key))) continue;
          candidates.push([dbName, tableName, key]);
        }
      }
    }
  } finally {
    snapshot.release();
  }
  let count = 0;
  for (const [db, table, key] of candidates) {
    if (store.wouldWait(compactionLocks(db, table, key))) continue;
    try {
      if ((await compactPartition(store, db, table, key)) !== undefined) count++;
    } catch (error) {
      // A writer took the partition first after all: busy is not a failure of compaction.
      if (!isShoalError(error, 'LOCK_TIMEOUT')) throw error;
    }
  }
  return count;
}

/** A running background compaction; `lastError` is the last pass's failure, if any. */
export interface CompactionHandle {
  readonly lastError: () => Error | undefined;
  stop(): Promise<void>;
}

/** What one pass of background compaction did: partitions compacted, or why it failed. */
export type CompactionPass =
  | { readonly kind: 'done'; readonly partitions: number }
  | { readonly kind: 'failed'; readonly error: Error };

/**
 * Runs compactAll every `intervalMillis` until stopped; a failed pass is kept (`lastError`)
 * and told to `onPass` with every other pass, not hidden. The next pass tries again.
 */
export function startCompaction(
  store: Store,
  intervalMillis: number,
  onPass: (pass: CompactionPass) => void = () => undefined,
): CompactionHandle {
  let lastError: Error | undefined;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      let pass: CompactionPass;
      try {
        pass = { kind: 'done', partitions: await compactAll(store) };
        lastError = undefined;
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
        pass = { kind: 'failed', error: lastError };
      }
      onPass(pass);
    });
  }, intervalMillis);
  timer.unref();
  return {
    lastError: () => lastError,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
