// Every bound Shoal enforces, in one place, each with why it has its value.

/** Rows in one segment file: ~1 M rows keeps a 9-column file near 60 MB, readable whole. */
export const MAX_SEGMENT_ROWS = 1 << 20;

/** Rows one write call may carry: bounds a write's memory to a few GB of columns. */
export const MAX_WRITE_ROWS = 50_000_000;

/** Default longest wait for another writer's lock; long enough for a large append. */
export const DEFAULT_LOCK_TIMEOUT_MILLIS = 30_000;

/** Segment files written at once by one transaction: enough to overlap fsyncs on 2 cores. */
export const SEGMENT_WRITE_CONCURRENCY = 8;

/** A segment under this many rows counts as small for compaction. */
export const COMPACTION_SMALL_SEGMENT_ROWS = 65_536;

/** Compaction merges a partition once it has at least this many small segments. */
export const COMPACTION_MIN_SMALL_SEGMENTS = 4;

/**
 * The live bytes of small segments compaction merges into one at a time. A merge holds its
 * partition's lock and joins its segments in memory: a partition of a million 9-column rows
 * in small segments, merged whole, held the lock for a second and the data node's event loop
 * for 220–320 ms at once; in 8 MiB merges, for at most 44–50 ms (the merged segments then
 * hold ~110,000 such rows, well above small).
 */
export const COMPACTION_MAX_MERGE_BYTES = 8 << 20;

/** A segment with this share of its rows deleted is rewritten by compaction. */
export const COMPACTION_DELETED_RATIO = 0.5;

/** Default pause between background compaction passes. */
export const DEFAULT_COMPACTION_INTERVAL_MILLIS = 10_000;

/** Columns in one table: bounds schema records and per-row hashing work. */
export const MAX_TABLE_COLUMNS = 4096;

/** Longest database, table or column name. */
export const MAX_NAME_LENGTH = 255;

/** Longest vector a range or symbol-vector literal may produce: 80 MB of 64-bit values. */
export const MAX_VECTOR_LENGTH = 10_000_000;

/**
 * Most partitions one scheme may have (a COMPO counts the product of its levels): keeps the
 * per-write tables and the partition directory listing of a database bounded.
 */
export const MAX_PARTITIONS = 1_000_000;

/** Most HASH buckets, as DolphinDB allows. */
export const MAX_HASH_BUCKETS = 65_536;

/** Rows a query may return (its result is held in memory): past it, filter or use LIMIT. */
export const MAX_RESULT_ROWS = 50_000_000;

/** Tasks one pull may look at or return: bounds a pull answer's size and the master's work. */
export const MAX_PULL_TASKS = 1000;

/** Longest a master holds a pull open: a slave hears a heartbeat at least this often. */
export const MAX_PULL_WAIT_MILLIS = 10_000;

/** Truncated tasks getMasterReplicationStatus still shows (SPEC §5: the latest 10,000). */
export const MAX_STATUS_FINISHED_TASKS = 10_000;

/** Tasks in one replication group: bounds a group's conflict set; far above queues x workers. */
export const MAX_GROUP_TASKS = 1024;

/** FINISHED tasks a slave scheduler keeps in memory (the driver keeps its durable copy). */
export const MAX_SLAVE_FINISHED_TASKS = 10_000;

/** Longest checkClusterReplicationConsistency looks for one task id on both sides. */
export const CONSISTENCY_CHECK_TIMEOUT_MILLIS = 60_000;

/** Largest static file the dashboard serves (uPlot is ~50 KB): read whole into memory at start. */
export const MAX_DASHBOARD_ASSET_BYTES = 1 << 20;

/**
 * Most tasks a slave applies as one transaction (a batch of appends to one table): few
 * enough that a batch's retry or its fetches (one per task) stay short.
 */
export const MAX_SLAVE_BATCH_TASKS = 256;

/** Most rows in a slave's batch; a task heavier than this runs alone. */
export const MAX_SLAVE_BATCH_ROWS = 2_000_000;

/** Tasks a slave holds pulled but unfinished: with MAX_SLAVE_FINISHED_TASKS, its task memory. */
export const MAX_SLAVE_UNFINISHED_TASKS = 20_000;

/** Streamed appends a data node prepares at once: far above queues x workers of a slave. */
export const MAX_STREAMED_PREPARES = 64;

/** Longest a streamed append waits for its next chunk before it gives up (its sender is gone). */
export const STREAMED_PREPARE_IDLE_MILLIS = 60_000;

/**
 * Target size of one frame of a task data file: a slave holds about two at once while it
 * applies the task, whatever the task's size (SPEC §8.7); large enough that a partition gets
 * few segments per task.
 */
export const TASK_DATA_FRAME_BYTES = 16 << 20;

/** Largest frame a slave accepts in fetched task data (a frame holds at least one row). */
export const MAX_TASK_DATA_FRAME_BYTES = 256 << 20;

/**
 * Removed task data files a master data node keeps to write the next ones over, within both
 * bounds: a few seconds of tutorial-sized appends, so the disk space kept stays small next to
 * the task data itself.
 */
export const MAX_SPARE_TASK_DATA_FILES = 4;
export const MAX_SPARE_TASK_DATA_BYTES = 256 << 20;

/**
 * Without clusterReplicationSyncPersistence, the task data a master data node keeps in memory
 * instead of writing it at once (HeldTaskData): one tutorial-sized append, so that the backlog
 * of a stopped slave goes to files as before and memory stays bounded.
 */
export const MAX_HELD_TASK_DATA_BYTES = 128 << 20;
/** How long held task data may wait for its slaves before it is written to its file. */
export const TASK_DATA_HOLD_MILLIS = 1000;
/**
 * How often a master data node holding task data asks its controller which of it is still
 * needed (a small request, only while something is held): a slave's finished task frees its
 * memory for the next append within this.
 */
export const HELD_TASK_DATA_CHECK_MILLIS = 100;

/**
 * Rows of an append a data node may combine with other appends to the same table into one
 * transaction (group commit): larger appends amortise their own transaction.
 */
export const MAX_COMBINED_APPEND_ROWS = 65_536;

/** Rows of one combined transaction: a few MB of columns, written as one segment. */
export const MAX_COMBINED_BATCH_ROWS = 262_144;

/** Appends waiting for one table's running transaction on one data node; more are refused. */
export const MAX_WAITING_APPENDS = 4096;
