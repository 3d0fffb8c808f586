// Background compaction: merges a partition's small segments, and rewrites segments that
// are mostly deleted rows, into fewer, denser segments. Content is unchanged (the checksum
// proves it); readers keep their snapshots' files until they release them, so compaction
// never blocks a reader. It holds the partition's lock only while merging that partition.

import {
  COMPACTION_DELETED_RATIO,
  COMPACTION_MAX_MERGE_BYTES,
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

/**
 * The merges compaction makes in a partition, each a group of segments written as one new
 * segment; [] when the partition is fine as it is. Once a partition has
 * COMPACTION_MIN_SMALL_SEGMENTS small segments, they are merged in order in groups of at most
 * `maxMergeBytes` live bytes (a group of one is left alone unless mostly deleted);
 * every other mostly deleted segment is rewritten alone. Each merge so holds the partition's
 * lock, and memory, for a bounded time, whatever the partition's size.
 */
export function compactionMerges(
  partition: PartitionState,
  maxMergeBytes = COMPACTION_MAX_MERGE_BYTES,
): SegmentState[][] {
  const small = partition.segments.filter(
    (s) => s.rows - s.deleted.length < COMPACTION_SMALL_SEGMENT_ROWS,
  );
  const mergeSmall = small.length >= COMPACTION_MIN_SMALL_SEGMENTS;
  const grouped = new Set(mergeSmall ? small : []);
  const merges = partition.segments.filter((s) => isSparse(s) && !grouped.has(s)).map((s) => [s]);
  if (mergeSmall) {
    const groups = groupsOfBytes(small, maxMergeBytes);
    merges.push(
      ...groups.filter((group) => group.length > 1 || isSparse(group[0] as SegmentState)),
    );
  }
  return merges;
}

function isSparse(segment: SegmentState): boolean {
  return segment.deleted.length >= segment.rows * COMPACTION_DELETED_RATIO;
}

/** `segments` in order, cut into runs of at most `maxBytes` live bytes (a larger one alone). */
function groupsOfBytes(segments: readonly SegmentState[], maxBytes: number): SegmentState[][] {
  const groups: SegmentState[][] = [];
  let group: SegmentState[] = [];
  let bytes = 0;
  for (const segment of segments) {
    const live =
      segment.rows === 0
        ? 0
        : (segment.bytes * (segment.rows - segment.deleted.length)) / segment.rows;
    if (group.length > 0 && bytes + live > maxBytes) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(segment);
    bytes += live;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function compactionLocks(db: string, table: string, key: string): LockRequest[] {
  return [
    databaseLock(db, 'shared'),
    tableLock(db, table, 'shared'),
    partitionLock(db, table, key),
  ];
}

/**
 * Makes the first merge compactionMerges finds in one partition of a table (merges of at most
 * `maxMergeBytes`), as one write; undefined when there was nothing to do.
 */
export async function compactPartition(
  store: Store,
  db: string,
  table: string,
  key: string,
  maxMergeBytes = COMPACTION_MAX_MERGE_BYTES,
): Promise<CommitEffects | undefined> {
  const locks = compactionLocks(db, table, key);
  const effects = await store.write(`compact(${db}/${table}/${key})`, locks, async (context) => {
    const dbState = requireDatabase(context.state, db);
    const tableState = requireTable(context.state, db, table);
    const partition = tableState.partitions.get(key);
    const chosen =
      partition === undefined ? [] : (compactionMerges(partition, maxMergeBytes)[0] ?? []);
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
 * waited for: the next pass takes it. Each merge (of at most `maxMergeBytes`) is its own
 * write, and the pass lets other work run between merges.
 */
export async function compactAll(
  store: Store,
  maxMergeBytes = COMPACTION_MAX_MERGE_BYTES,
): Promise<number> {
  const snapshot = store.snapshot();
  const candidates: { db: string; table: string; key: string; merges: number }[] = [];
  try {
    for (const [dbName, db] of snapshot.state.databases) {
      for (const [tableName, table] of db.tables) {
        for (const [key, partition] of table.partitions) {
          const merges = compactionMerges(partition, maxMergeBytes).length;
          if (merges === 0) continue;
          if (store.blockedByPrepared(compactionLocks(dbName, tableName, key))) continue;
          candidates.push({ db: dbName, table: tableName, key, merges });
        }
      }
    }
  } finally {
    snapshot.release();
  }
  let count = 0;
  for (const candidate of candidates) {
    if ((await compactMerges(store, candidate, maxMergeBytes)) > 0) count++;
  }
  return count;
}

/**
 * Makes up to `merges` merges in one partition (what the pass saw: writes since may add
 * more, for the next pass), stopping when a writer holds or takes the partition: the merges made.
 */
async function compactMerges(
  store: Store,
  { db, table, key, merges }: { db: string; table: string; key: string; merges: number },
  maxMergeBytes: number,
): Promise<number> {
  let made = 0;
  for (let i = 0; i < merges; i++) {
    if (store.wouldWait(compactionLocks(db, table, key))) break;
    try {
      if ((await compactPartition(store, db, table, key, maxMergeBytes)) === undefined) break;
    } catch (error) {
      // A writer took the partition first after all: busy is not a failure of compaction.
      if (!isShoalError(error, 'LOCK_TIMEOUT')) throw error;
      break;
    }
    made++;
    // Requests waiting on this node's event loop go first.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return made;
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
