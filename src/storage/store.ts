// The single-node columnar store. A write runs as: take locks → validate against the latest
// committed catalog → write new segment files durably → commit the catalog (LMDB, the one
// point of truth) → publish the new version to readers → remove files no snapshot needs.
// A crash anywhere before the catalog commit leaves only orphan files (removed at open);
// after it, the transaction is whole. A write may instead be *prepared* under a cluster
// transaction (two-phase commit): its plan is recorded durably, its locks kept, nothing made
// visible, until `publish` commits it or `discard` drops it. See docs/ARCHITECTURE.md.

import * as path from 'node:path';
import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import { DEFAULT_LOCK_TIMEOUT_MILLIS, SEGMENT_WRITE_CONCURRENCY } from '../core/limits.ts';
import type { CommitKind } from '../core/operation-type.ts';
import { applyChanges } from './apply-changes.ts';
import type { CatalogState } from './catalog.ts';
import type { CatalogPersistence } from './catalog-persistence.ts';
import type { ChunkCrcs } from './chunk-crcs.ts';
import { openLmdbCatalog } from './catalog-persistence.ts';
import type { AddedSegment, CatalogChange, CommitEffects } from './commit-effects.ts';
import { makeDirsDurably } from './durable-write.ts';
import { LockManager } from './lock-manager.ts';
import type { LockRelease, LockRequest } from './lock-manager.ts';
import { removeOrphans } from './orphan-cleanup.ts';
import { PreparedTransactions } from './prepared-transactions.ts';
import type { TransactionStatus } from './prepared-transactions.ts';
import {
  checkTransactionId,
  PUBLISHED_TRANSACTIONS_KEPT,
  preparedWriteOf,
} from './prepared-write.ts';
import type { PreparedRecord, PreparedWrite } from './prepared-write.ts';
import { encodeSegment } from './segment-codec.ts';
import type { SegmentColumn } from './segment-codec.ts';
import { Snapshot } from './snapshot.ts';
import { fileBytesCrc32, fileBytesLength, nodeStorageFs } from './storage-fs.ts';
import { StagedFiles } from './staged-files.ts';
import type { StorageFs } from './storage-fs.ts';
import { CATALOG_DIR, databaseDir, segmentPath, tableDir } from './store-paths.ts';

export interface StoreOptions {
  /** The store's root folder; created if missing. */
  readonly dir: string;
  /** File-system layer (tests inject faults); the real one by default. */
  readonly fs?: StorageFs;
  /** Catalog persistence (tests inject faults); LMDB under `<dir>/catalog` by default. */
  readonly catalog?: (dir: string) => CatalogPersistence;
  /** Longest wait for another writer's lock. */
  readonly lockTimeoutMillis?: number;
  /** Published cluster transactions remembered (tests lower it). */
  readonly publishedTransactionsKept?: number;
}

/** What a write transaction decided; the store commits it. */
export interface WritePlan {
  readonly kind: CommitKind;
  readonly db: string;
  readonly table?: string;
  readonly rowsWritten: number;
  readonly changes: readonly CatalogChange[];
}

/** Passed to a write transaction's body: the state to validate against, and its resources. */
export interface WriteContext {
  /** The latest committed catalog, read after the locks were taken. */
  readonly state: CatalogState;
  /** A fresh id (segments, tables, databases); never reused, even after a crash. */
  newId(): number;
  /**
   * Encodes and writes a segment file for a table partition; it resolves once the bytes are
   * written (the columns may change then), and the file is durable before the plan is.
   */
  writeSegment(
    dbId: number,
    tableId: number,
    partition: string,
    columns: readonly SegmentColumn[],
  ): Promise<AddedSegment>;
  /** Runs `tasks` with at most SEGMENT_WRITE_CONCURRENCY at once, in order of results. */
  parallel<T>(tasks: readonly (() => Promise<T>)[]): Promise<T[]>;
}

/** Called after each commit, in commit order, before the writer's promise resolves. */
export type CommitListener = (effects: CommitEffects) => void;

/**
 * What the storage operations need of a store: a `Store` commits each write, and
 * `store.preparing(transaction)` prepares it instead (resolving to effects with txId 0 and
 * `prepared` set to the transaction).
 */
export interface Writer {
  readonly dir: string;
  readonly fs: StorageFs;
  /** The latest committed catalog. */
  readonly catalog: CatalogState;
  /**
   * Runs one write transaction: takes `locks` (then `lockMore(state)` if given, for locks
   * that depend on the catalog), runs `body` against the latest state, commits its plan.
   */
  write(
    owner: string,
    locks: readonly LockRequest[],
    body: (context: WriteContext) => Promise<WritePlan>,
    lockMore?: (state: CatalogState) => readonly LockRequest[],
  ): Promise<CommitEffects>;
}

/** A write body's outcome before the commit: its plan, its locks (held) and its files. */
interface RanWrite {
  readonly plan: WritePlan;
  readonly locks: readonly LockRequest[];
  readonly written: readonly string[];
  readonly release: LockRelease;
}

interface PendingRemoval {
  /** The version that made the file obsolete: snapshots older than it may still read it. */
  readonly obsoleteAt: number;
  readonly path: string;
  readonly tree: boolean;
}

export class Store implements Writer {
  readonly dir: string;
  readonly fs: StorageFs;
  private readonly persistence: CatalogPersistence;
  private readonly locks: LockManager;
  private state: CatalogState;
  private nextId: number;
  private readonly pins = new Map<number, number>();
  /** Folders this process has created or fsynced into their parents (makeDirsDurably). */
  private readonly durableDirs = new Set<string>();
  private pendingRemovals: PendingRemoval[] = [];
  private readonly listeners: CommitListener[] = [];
  private readonly transactions: PreparedTransactions;
  private closed = false;

  private constructor(
    options: StoreOptions,
    persistence: CatalogPersistence,
    state: CatalogState,
    transactions: PreparedTransactions,
  ) {
    this.dir = options.dir;
    this.fs = options.fs ?? nodeStorageFs;
    this.persistence = persistence;
    this.locks = new LockManager(options.lockTimeoutMillis ?? DEFAULT_LOCK_TIMEOUT_MILLIS);
    this.state = state;
    this.nextId = state.nextId;
    this.transactions = transactions;
  }

  /**
   * Opens a store: loads the catalog, removes orphan files, checks every segment exists, and
   * re-takes the locks of every prepared write before any write can run.
   */
  static async open(options: StoreOptions): Promise<Store> {
    const fs = options.fs ?? nodeStorageFs;
    await makeDirsDurably(fs, path.join(options.dir, CATALOG_DIR), new Set());
    const persistence = (options.catalog ?? openLmdbCatalog)(path.join(options.dir, CATALOG_DIR));
    try {
      const state = persistence.load();
      const { prepared, published } = persistence.loadTransactions();
      const preparedFiles = new Map<string, string>();
      for (const record of prepared) {
        checkPreparedIds(record, state.nextId);
        for (const file of record.files)
          preparedFiles.set(path.join(options.dir, file), record.transaction);
      }
      await removeOrphans(fs, options.dir, state, preparedFiles);
      const kept = options.publishedTransactionsKept ?? PUBLISHED_TRANSACTIONS_KEPT;
      const store = new Store(
        options,
        persistence,
        state,
        new PreparedTransactions(published, kept),
      );
      for (const record of prepared)
        store.transactions.hold(record, await store.locks.acquire(record.locks, record.owner));
      return store;
    } catch (error) {
      await persistence.close();
      throw error;
    }
  }

  /** The latest committed version. */
  get version(): number {
    return this.state.version;
  }

  /** The latest committed catalog (immutable; reading files needs a snapshot). */
  get catalog(): CatalogState {
    return this.state;
  }

  /** A consistent view of the latest committed version; release it when done. */
  snapshot(): Snapshot {
    this.assertOpen();
    const version = this.state.version;
    this.pins.set(version, (this.pins.get(version) ?? 0) + 1);
    return new Snapshot(this.state, this.dir, this.fs, () => {
      const count = this.pins.get(version) ?? 0;
      assert(count > 0, 'snapshot released twice');
      if (count === 1) this.pins.delete(version);
      else this.pins.set(version, count - 1);
      void this.removeObsoleteFiles();
    });
  }

  /** Registers a listener for every commit's effects; returns its removal. */
  onCommit(listener: CommitListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /**
   * Runs one write transaction: takes `locks` (then `lockMore(state)` if given, for locks
   * that depend on the catalog), runs `body` against the latest state, commits its plan.
   */
  async write(
    owner: string,
    locks: readonly LockRequest[],
    body: (context: WriteContext) => Promise<WritePlan>,
    lockMore?: (state: CatalogState) => readonly LockRequest[],
  ): Promise<CommitEffects> {
    const ran = await this.run(owner, locks, body, lockMore);
    try {
      if (ran.plan.changes.length === 0) return this.noChange(ran.plan);
      const effects = this.commit(ran.plan, undefined);
      await this.removeObsoleteFiles();
      return effects;
    } finally {
      ran.release();
    }
  }

  /**
   * A writer that prepares its write under cluster transaction `transaction` instead of
   * committing it (INVALID_ARGUMENT for a malformed id; its write fails with INVALID_ARGUMENT
   * when the transaction already prepared or published a write on this store). With `crcs`,
   * segment checksums are combined from the CRC-32s it remembers where they cover the bytes.
   */
  preparing(transaction: string, crcs?: ChunkCrcs): Writer {
    checkTransactionId(transaction);
    const latest = () => this.state;
    return {
      dir: this.dir,
      fs: this.fs,
      get catalog() {
        return latest();
      },
      write: (owner, locks, body, lockMore) =>
        this.prepare(transaction, owner, locks, body, lockMore, crcs),
    };
  }

  /**
   * Commits the write prepared under `transaction` as one local commit (listeners see it),
   * removing its entry in the same LMDB transaction and releasing its locks. Undefined when
   * there is no such prepared write: already published (see `transactionStatus`) or unknown,
   * so recovery may repeat it. A plan with no change is not a new version: its effects carry
   * the current version, and no listener is called.
   */
  async publish(transaction: string): Promise<CommitEffects | undefined> {
    this.assertOpen();
    const held = this.transactions.get(transaction);
    if (held === undefined) return undefined;
    const effects = this.commit(held.record.plan, transaction);
    held.release();
    await this.removeObsoleteFiles();
    return effects;
  }

  /**
   * Drops the write prepared under `transaction`: its entry, then its files; releases its
   * locks. Idempotent (an unknown transaction is a no-op); a prepare still running is told
   * to give up (it fails with TRANSACTION_ABORTED). INVALID_ARGUMENT for a transaction this
   * store remembers as published: that decision cannot be undone.
   */
  async discard(transaction: string): Promise<void> {
    this.assertOpen();
    const held = this.transactions.get(transaction);
    if (held === undefined) {
      if (this.transactions.discardInFlight(transaction)) return;
      const version = this.transactions.publishedAt(transaction);
      if (version === undefined) return;
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `cluster transaction ${transaction} was published as version ${version}: it cannot be discarded; check the controller's decision`,
      );
    }
    this.persistence.discard(transaction);
    this.transactions.noteDiscarded(transaction);
    // A removal that fails here is retried by the orphan sweep at the next open.
    await Promise.allSettled(held.record.files.map((f) => this.fs.unlink(path.join(this.dir, f))));
    held.release();
  }

  /** Transactions with a prepared write on this store, in the order they were prepared. */
  preparedTransactions(): string[] {
    return this.transactions.list();
  }

  /** The write prepared under `transaction`, if any. */
  preparedWrite(transaction: string): PreparedWrite | undefined {
    const held = this.transactions.get(transaction);
    return held === undefined ? undefined : preparedWriteOf(held.record);
  }

  /**
   * The effects a prepared write will have when published (txId 0 until then, `prepared`
   * naming the transaction): what the cluster records with its commit decision.
   */
  preparedEffects(transaction: string): CommitEffects | undefined {
    const held = this.transactions.get(transaction);
    return held === undefined
      ? undefined
      : { ...effectsOf(held.record.plan, 0), prepared: transaction };
  }

  /** Where `transaction` stands here ('published' only within the remembered window). */
  transactionStatus(transaction: string): TransactionStatus {
    return this.transactions.status(transaction);
  }

  /** Whether taking `locks` would wait for a prepared write (compaction skips such work). */
  blockedByPrepared(locks: readonly LockRequest[]): boolean {
    return this.transactions.blocks(locks);
  }

  /** Whether taking `locks` would wait now, for whatever write holds or awaits them. */
  wouldWait(locks: readonly LockRequest[]): boolean {
    return this.locks.wouldWait(locks);
  }

  /** Closes the store; in-flight writes fail with STORE_CLOSED before their commit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.persistence.close();
  }

  /** Takes the locks and runs the body; on failure removes its files and releases the locks. */
  private async run(
    owner: string,
    locks: readonly LockRequest[],
    body: (context: WriteContext) => Promise<WritePlan>,
    lockMore: ((state: CatalogState) => readonly LockRequest[]) | undefined,
    crcs?: ChunkCrcs,
  ): Promise<RanWrite> {
    this.assertOpen();
    const release = await this.locks.acquire(locks, owner);
    let releaseMore: LockRelease | undefined;
    const taken = [...locks];
    const files = new StagedFiles(this.fs, this.durableDirs);
    try {
      if (lockMore !== undefined) {
        const more = lockMore(this.state);
        releaseMore = await this.locks.acquire(more, owner);
        taken.push(...more);
      }
      this.assertOpen();
      const plan = await body(this.context(files, crcs));
      // Every file is in place and durable before the plan that names them is.
      await files.settle();
      this.assertOpen();
      const releaseAll = () => {
        releaseMore?.();
        release();
      };
      return { plan, locks: taken, written: files.written, release: releaseAll };
    } catch (error) {
      // Nothing was committed: the files this transaction wrote are orphans. A removal that
      // fails here is retried by the orphan sweep at the next open.
      await files.remove();
      releaseMore?.();
      release();
      throw error;
    }
  }

  /** Runs a write and records it as prepared: durable, invisible, its locks kept. */
  private async prepare(
    transaction: string,
    owner: string,
    locks: readonly LockRequest[],
    body: (context: WriteContext) => Promise<WritePlan>,
    lockMore: ((state: CatalogState) => readonly LockRequest[]) | undefined,
    crcs: ChunkCrcs | undefined,
  ): Promise<CommitEffects> {
    this.assertOpen();
    this.transactions.begin(transaction);
    const preparedOwner = `${owner} prepared as ${transaction}`;
    let ran: RanWrite;
    try {
      ran = await this.run(preparedOwner, locks, body, lockMore, crcs);
    } catch (error) {
      this.transactions.end(transaction);
      throw error;
    }
    if (this.transactions.end(transaction)) {
      await Promise.allSettled(ran.written.map((file) => this.fs.unlink(file)));
      ran.release();
      throw new ShoalError(
        'TRANSACTION_ABORTED',
        `cluster transaction ${transaction} was discarded while its write was being prepared`,
      );
    }
    const record: PreparedRecord = {
      transaction,
      owner: preparedOwner,
      locks: ran.locks,
      plan: ran.plan,
      files: ran.written.map((file) => path.relative(this.dir, file)),
    };
    try {
      // The id high-water mark goes with the entry: ids it names are never reused.
      this.persistence.prepare({ ...this.state, nextId: this.nextId }, record);
    } catch (error) {
      ran.release();
      throw error;
    }
    this.transactions.hold(record, ran.release);
    return { ...effectsOf(ran.plan, PREPARED_TX_ID), prepared: transaction };
  }

  private context(files: StagedFiles, crcs?: ChunkCrcs): WriteContext {
    return {
      state: this.state,
      newId: () => this.nextId++,
      writeSegment: async (dbId, tableId, partition, columns) => {
        const id = this.nextId++;
        const file = segmentPath(this.dir, dbId, tableId, partition, id);
        const chunks = encodeSegment(columns);
        await files.makeDirs(path.dirname(file));
        // The checksum is taken while the bytes are written (both only read them).
        const written = files.write(file, chunks);
        const crc = crcs?.crcOf(chunks) ?? fileBytesCrc32(chunks);
        await written;
        const rows = columns.length === 0 ? 0 : columnRows(columns);
        return { id, rows, bytes: fileBytesLength(chunks), crc32: crc };
      },
      parallel: (tasks) => runLimited(tasks, SEGMENT_WRITE_CONCURRENCY),
    };
  }

  /**
   * Makes a plan durable and visible; with `transaction`, publishes that prepared write in
   * the same LMDB transaction. Synchronous: no other commit can interleave.
   */
  private commit(plan: WritePlan, transaction: string | undefined): CommitEffects {
    const previous = this.state;
    if (plan.changes.length === 0) {
      assert(transaction !== undefined, 'a write with no change is not committed');
      // Only the entry goes; the id high-water mark of other prepared writes stays.
      const next = { ...previous, nextId: this.nextId };
      const publication = this.transactions.publication(transaction, previous.version);
      this.persistence.commit(previous, next, [], publication);
      this.transactions.notePublished(publication);
      return this.noChange(plan);
    }
    const txId = previous.version + 1;
    const next = applyChanges(previous, txId, this.nextId, plan.changes);
    const publication =
      transaction === undefined ? undefined : this.transactions.publication(transaction, txId);
    this.persistence.commit(previous, next, plan.changes, publication);
    this.state = next;
    if (publication !== undefined) this.transactions.notePublished(publication);
    this.pendingRemovals.push(...obsoleteFiles(this.dir, previous, plan.changes, txId));
    const effects = effectsOf(plan, txId);
    for (const listener of this.listeners) listener(effects);
    return effects;
  }

  /** A transaction that changed nothing is not committed: it reports the version it saw. */
  private noChange(plan: WritePlan): CommitEffects {
    return effectsOf({ ...plan, rowsWritten: 0 }, this.state.version);
  }

  /** Removes files that no pinned snapshot can read; a failed removal is retried later. */
  private async removeObsoleteFiles(): Promise<void> {
    if (this.closed || this.pendingRemovals.length === 0) return;
    const oldestPinned = Math.min(...this.pins.keys());
    const ready = this.pendingRemovals.filter((r) => r.obsoleteAt <= oldestPinned);
    if (ready.length === 0) return;
    this.pendingRemovals = this.pendingRemovals.filter((r) => r.obsoleteAt > oldestPinned);
    const results = await Promise.allSettled(
      ready.map((r) => (r.tree ? this.fs.removeTree(r.path) : this.fs.unlink(r.path))),
    );
    results.forEach((result, i) => {
      if (result.status === 'rejected') this.pendingRemovals.push(ready[i] as PendingRemoval);
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new ShoalError('STORE_CLOSED', `the store at ${this.dir} is closed`);
  }
}

/** txId of the effects a prepared write resolves to: it is not a local version yet. */
const PREPARED_TX_ID = 0;

/** Asserts a prepared entry names only ids below the high-water mark recorded with it. */
function checkPreparedIds(record: PreparedRecord, nextId: number): void {
  for (const change of record.plan.changes) {
    if (change.kind !== 'add-segments') continue;
    for (const segment of change.segments) {
      assert(
        segment.id < nextId,
        `prepared ${record.transaction} names segment ${segment.id} at or past next id ${nextId}`,
      );
    }
  }
}

function effectsOf(plan: WritePlan, txId: number): CommitEffects {
  const table = plan.table === undefined ? {} : { table: plan.table };
  return {
    txId,
    kind: plan.kind,
    db: plan.db,
    ...table,
    rowsWritten: plan.rowsWritten,
    changes: plan.changes,
  };
}

function columnRows(columns: readonly SegmentColumn[]): number {
  const first = (columns[0] as SegmentColumn).column;
  return first.type === 'SYMBOL' ? first.data.codes.length : first.data.length;
}

/** Files and folders a commit made obsolete (removed segments, dropped tables and databases). */
function obsoleteFiles(
  root: string,
  previous: CatalogState,
  changes: readonly CatalogChange[],
  txId: number,
): PendingRemoval[] {
  const out: PendingRemoval[] = [];
  for (const change of changes) {
    const db = previous.databases.get('db' in change ? change.db : change.meta.name);
    if (change.kind === 'drop-database' && db !== undefined) {
      out.push({ obsoleteAt: txId, path: databaseDir(root, db.meta.id), tree: true });
    } else if (change.kind === 'drop-table' && db !== undefined) {
      const table = db.tables.get(change.table);
      assert(table !== undefined, 'dropped table missing from the previous version');
      out.push({ obsoleteAt: txId, path: tableDir(root, db.meta.id, table.meta.id), tree: true });
    } else if (change.kind === 'remove-segments' && db !== undefined) {
      const table = db.tables.get(change.table);
      assert(table !== undefined, 'segments removed from a missing table');
      for (const id of change.segmentIds) {
        out.push({
          obsoleteAt: txId,
          path: segmentPath(root, db.meta.id, table.meta.id, change.partition, id),
          tree: false,
        });
      }
    }
  }
  return out;
}

/**
 * Runs `tasks` at most `limit` at a time. After a failure no new task starts, and the call
 * settles only once every running task has: none is left reading its caller's columns (a
 * reused request buffer, net/body-buffer-pool.ts) after the caller has failed.
 */
async function runLimited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      const index = next++;
      try {
        results[index] = await (tasks[index] as () => Promise<T>)();
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(
    Array.from({ length: Math.min(limit, tasks.length) }, worker),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return results;
}
