// The single-node columnar store. A write runs as: take locks → validate against the latest
// committed catalog → write new segment files durably → commit the catalog (LMDB, the one
// point of truth) → publish the new version to readers → remove files no snapshot needs.
// A crash anywhere before the catalog commit leaves only orphan files (removed at open);
// after it, the transaction is whole. See docs/ARCHITECTURE.md.

import { crc32 } from 'node:zlib';
import * as path from 'node:path';
import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import { DEFAULT_LOCK_TIMEOUT_MILLIS, SEGMENT_WRITE_CONCURRENCY } from '../core/limits.ts';
import type { CommitKind } from '../core/operation-type.ts';
import { applyChanges } from './apply-changes.ts';
import type { CatalogState } from './catalog.ts';
import type { CatalogPersistence } from './catalog-persistence.ts';
import { openLmdbCatalog } from './catalog-persistence.ts';
import type { AddedSegment, CatalogChange, CommitEffects } from './commit-effects.ts';
import { makeDirsDurably, writeFileDurably } from './durable-write.ts';
import { LockManager } from './lock-manager.ts';
import type { LockRequest } from './lock-manager.ts';
import { removeOrphans } from './orphan-cleanup.ts';
import { encodeSegment } from './segment-codec.ts';
import type { SegmentColumn } from './segment-codec.ts';
import { Snapshot } from './snapshot.ts';
import { nodeStorageFs } from './storage-fs.ts';
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
  /** Encodes and durably writes a segment file for a table partition. */
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

interface PendingRemoval {
  /** The version that made the file obsolete: snapshots older than it may still read it. */
  readonly obsoleteAt: number;
  readonly path: string;
  readonly tree: boolean;
}

export class Store {
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
  private closed = false;

  private constructor(options: StoreOptions, persistence: CatalogPersistence, state: CatalogState) {
    this.dir = options.dir;
    this.fs = options.fs ?? nodeStorageFs;
    this.persistence = persistence;
    this.locks = new LockManager(options.lockTimeoutMillis ?? DEFAULT_LOCK_TIMEOUT_MILLIS);
    this.state = state;
    this.nextId = state.nextId;
  }

  /** Opens a store: loads the catalog, removes orphan files, checks every segment exists. */
  static async open(options: StoreOptions): Promise<Store> {
    const fs = options.fs ?? nodeStorageFs;
    await makeDirsDurably(fs, path.join(options.dir, CATALOG_DIR), new Set());
    const persistence = (options.catalog ?? openLmdbCatalog)(path.join(options.dir, CATALOG_DIR));
    try {
      const state = persistence.load();
      await removeOrphans(fs, options.dir, state);
      return new Store(options, persistence, state);
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
    this.assertOpen();
    const release = await this.locks.acquire(locks, owner);
    let releaseMore: (() => void) | undefined;
    const written: string[] = [];
    let plan: WritePlan;
    try {
      if (lockMore !== undefined)
        releaseMore = await this.locks.acquire(lockMore(this.state), owner);
      this.assertOpen();
      plan = await body(this.context(written));
      this.assertOpen();
    } catch (error) {
      // Nothing was committed: the files this transaction wrote are orphans. A removal that
      // fails here is retried by the orphan sweep at the next open.
      await Promise.allSettled(written.map((file) => this.fs.unlink(file)));
      releaseMore?.();
      release();
      throw error;
    }
    try {
      if (plan.changes.length === 0) return this.noChange(plan);
      const effects = this.commit(plan);
      await this.removeObsoleteFiles();
      return effects;
    } finally {
      releaseMore?.();
      release();
    }
  }

  /** Closes the store; in-flight writes fail with STORE_CLOSED before their commit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.persistence.close();
  }

  private context(written: string[]): WriteContext {
    return {
      state: this.state,
      newId: () => this.nextId++,
      writeSegment: async (dbId, tableId, partition, columns) => {
        const id = this.nextId++;
        const file = segmentPath(this.dir, dbId, tableId, partition, id);
        const bytes = encodeSegment(columns);
        await makeDirsDurably(this.fs, path.dirname(file), this.durableDirs);
        written.push(file);
        await writeFileDurably(this.fs, file, bytes);
        const rows = columns.length === 0 ? 0 : columnRows(columns);
        return { id, rows, bytes: bytes.length, crc32: crc32(bytes) };
      },
      parallel: (tasks) => runLimited(tasks, SEGMENT_WRITE_CONCURRENCY),
    };
  }

  /** Makes a plan durable and visible. Synchronous: no other commit can interleave. */
  private commit(plan: WritePlan): CommitEffects {
    const previous = this.state;
    const txId = previous.version + 1;
    const next = applyChanges(previous, txId, this.nextId, plan.changes);
    this.persistence.commit(previous, next, plan.changes);
    this.state = next;
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

async function runLimited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
