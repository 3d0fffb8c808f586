// The fake disk of the crash tests and the simulator: the real file system under a temp
// folder, plus a step counter that "kills the process" at a chosen step, and a record of
// what a power cut could still take away (file data not fsynced, names whose folder was
// not fsynced). `applyCrashLosses` then does to the folder what the power cut would.
//
// Model of the disk (POSIX, no more): `fsyncFile` makes a file's bytes durable but not its
// name; `fsyncDir` makes the names created, renamed or removed in that folder durable.
// Catalog writes (commit, prepare, discard) are two steps each: before and after LMDB's
// commit point.
// Two simplifications, as the store does neither: removals are never undone (a file that
// came back would be an orphan for the open-time sweep anyway), and a rename over an existing
// name is undone as if that name had been empty. LMDB's own files are not modelled: its
// commit is the durable point (a crash can only come just before or just after it).

import { existsSync, renameSync, rmSync, truncateSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { CatalogPersistence } from '../src/storage/catalog-persistence.ts';
import { openLmdbCatalog } from '../src/storage/catalog-persistence.ts';
import { fileBytesLength, nodeStorageFs } from '../src/storage/storage-fs.ts';
import type { FileBytes, StorageFs } from '../src/storage/storage-fs.ts';

/** Thrown by every call once the process is "dead"; `step` is the step it died at. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
  readonly step: number;

  constructor(step: number, op: string) {
    super(`simulated crash at step ${step} (${op})`);
    this.step = step;
  }
}

/** What a power cut does to one file whose data was not fsynced. */
export type FileFate =
  | { readonly kind: 'keep' }
  /** Keeps the first `keep` share of the bytes (0 ≤ keep < 1): at least one byte is lost. */
  | { readonly kind: 'truncate'; readonly keep: number }
  | { readonly kind: 'delete' };

/**
 * A deterministic choice of losses (fast-check generates it). Lists are used cyclically; an
 * empty list keeps everything of its kind.
 */
export interface CrashLossChoice {
  /** The fate of each file with unsynced data, in the order the files were first written. */
  readonly fileFates: readonly FileFate[];
  /** Whether each unsynced name change (creation, rename) is undone, newest change first. */
  readonly revertEntries: readonly boolean[];
  /**
   * Whether folders created by `mkdirs` whose parent was never fsynced may vanish too (using
   * `revertEntries` as well). POSIX allows it; see the crash test for why it is separate.
   */
  readonly newFoldersMayVanish?: boolean;
}

/** Keep everything: a crash of the process alone, not of the machine. */
export const NO_LOSSES: CrashLossChoice = { fileFates: [], revertEntries: [] };

/** A name change that is not durable until its folder is fsynced. */
type EntryChange =
  | { readonly kind: 'create-file'; readonly path: string }
  | { readonly kind: 'mkdir'; readonly path: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string };

function entryFolder(change: EntryChange): string {
  return path.dirname(change.kind === 'rename' ? change.to : change.path);
}

export class FaultFs implements StorageFs {
  /** One line per step, `<step> <op> <path>`, for finding a step and for failure reports. */
  readonly log: string[] = [];

  private stepCount = 0;
  private commitCount = 0;
  private prepareCount = 0;
  private discardCount = 0;
  private crashAtStep: number | undefined;
  private isDead = false;
  private readonly inner: StorageFs;
  /** Files whose bytes were written but not fsynced: path → length written. */
  private readonly unsyncedData = new Map<string, number>();
  private entryChanges: EntryChange[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(inner: StorageFs = nodeStorageFs) {
    this.inner = inner;
  }

  /** Mutating calls so far (a catalog commit counts two: before and after its commit point). */
  get steps(): number {
    return this.stepCount;
  }

  /** Catalog commits that reached LMDB: tells a test whether the dying write committed. */
  get commits(): number {
    return this.commitCount;
  }

  /** Prepared entries that reached LMDB: tells a test whether the dying prepare is recorded. */
  get prepares(): number {
    return this.prepareCount;
  }

  /** Prepared-entry removals that reached LMDB (discards; publishes count as commits). */
  get discards(): number {
    return this.discardCount;
  }

  /** Whether the process is dead: every call throws SimulatedCrash. */
  get dead(): boolean {
    return this.isDead;
  }

  /** Dies `k` steps from now (k ≥ 1: the k-th next mutating call does not happen). */
  crashAfter(k: number): void {
    this.crashAtStep = this.stepCount + k;
  }

  /**
   * Catalog persistence (for `StoreOptions.catalog`) whose commit, prepare and discard are
   * two steps each: one before the LMDB commit and one after it, so a crash at the second has
   * committed (the process dies right after the commit point). `close` always works: closing
   * is what a dead process leaves behind, LMDB's committed state.
   */
  catalog(
    open: (dir: string) => CatalogPersistence = openLmdbCatalog,
  ): (dir: string) => CatalogPersistence {
    return (dir) => {
      this.checkAlive('catalog open');
      const inner = open(dir);
      return {
        load: () => {
          this.checkAlive('catalog load');
          return inner.load();
        },
        loadTransactions: () => {
          this.checkAlive('catalog load');
          return inner.loadTransactions();
        },
        commit: (previous, next, changes, publication) => {
          this.step('commit-before', dir);
          inner.commit(previous, next, changes, publication);
          this.commitCount++;
          this.step('commit-after', dir);
        },
        prepare: (state, record) => {
          this.step('prepare-before', dir);
          inner.prepare(state, record);
          this.prepareCount++;
          this.step('prepare-after', dir);
        },
        discard: (transaction) => {
          this.step('discard-before', dir);
          inner.discard(transaction);
          this.discardCount++;
          this.step('discard-after', dir);
        },
        close: () => inner.close(),
      };
    };
  }

  mkdirs(dir: string): Promise<void> {
    return this.run('mkdirs', dir, async () => {
      const created = await missingFolders(dir);
      await this.inner.mkdirs(dir);
      for (const folder of created) this.entryChanges.push({ kind: 'mkdir', path: folder });
    });
  }

  writeFile(file: string, bytes: FileBytes): Promise<void> {
    return this.run('writeFile', file, async () => {
      const existed = existsSync(file);
      await this.inner.writeFile(file, bytes);
      this.unsyncedData.set(file, fileBytesLength(bytes));
      if (!existed) this.entryChanges.push({ kind: 'create-file', path: file });
    });
  }

  fsyncFile(file: string): Promise<void> {
    return this.run('fsyncFile', file, async () => {
      await this.inner.fsyncFile(file);
      this.unsyncedData.delete(file);
    });
  }

  fsyncDir(dir: string): Promise<void> {
    return this.run('fsyncDir', dir, async () => {
      await this.inner.fsyncDir(dir);
      this.entryChanges = this.entryChanges.filter((change) => entryFolder(change) !== dir);
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.run('rename', `${from} -> ${to}`, async () => {
      await this.inner.rename(from, to);
      const length = this.unsyncedData.get(from);
      this.unsyncedData.delete(from);
      if (length !== undefined) this.unsyncedData.set(to, length);
      this.entryChanges.push({ kind: 'rename', from, to });
    });
  }

  unlink(file: string): Promise<void> {
    return this.run('unlink', file, async () => {
      await this.inner.unlink(file);
      this.unsyncedData.delete(file);
    });
  }

  removeTree(dir: string): Promise<void> {
    return this.run('removeTree', dir, async () => {
      await this.inner.removeTree(dir);
      for (const file of [...this.unsyncedData.keys()]) {
        if (isInside(file, dir)) this.unsyncedData.delete(file);
      }
    });
  }

  readFile(file: string): Promise<Uint8Array> {
    this.checkAlive('readFile');
    return this.inner.readFile(file);
  }

  list(dir: string): Promise<readonly { readonly name: string; readonly isDir: boolean }[]> {
    this.checkAlive('list');
    return this.inner.list(dir);
  }

  /** What a power cut now could lose, one line each (for assertions and failure reports). */
  pendingLosses(): string[] {
    const data = [...this.unsyncedData.keys()].map((file) => `unsynced data ${file}`);
    const names = this.entryChanges.map((c) =>
      c.kind === 'rename' ? `unsynced rename ${c.from} -> ${c.to}` : `unsynced ${c.kind} ${c.path}`,
    );
    return [...data, ...names];
  }

  /**
   * Waits for calls already under way (a dead process's last writes still land), then loses
   * what `choice` says of what was not durable. Returns what it did, one line each. Losses
   * are applied synchronously, so no other code of the test runs in between.
   */
  async applyCrashLosses(choice: CrashLossChoice): Promise<string[]> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    const done: string[] = [];
    [...this.unsyncedData].forEach(([file, length], i) => {
      done.push(loseData(file, length, pick(choice.fileFates, i) ?? { kind: 'keep' }));
    });
    const changes = this.entryChanges.slice().reverse();
    for (const [i, change] of changes.entries()) {
      const eligible = change.kind !== 'mkdir' || choice.newFoldersMayVanish === true;
      if (eligible && pick(choice.revertEntries, i) === true) done.push(revert(change));
    }
    this.unsyncedData.clear();
    this.entryChanges = [];
    return done.filter((line) => line !== '');
  }

  /** Counts one step; throws SimulatedCrash (and stays dead) when it is the chosen one. */
  private step(op: string, target: string): void {
    this.checkAlive(op);
    this.stepCount++;
    this.log.push(`${this.stepCount} ${op} ${target}`);
    if (this.stepCount === this.crashAtStep) {
      this.isDead = true;
      throw new SimulatedCrash(this.stepCount, op);
    }
  }

  /** Throws if the process is dead (reads too: a dead process does nothing). */
  private checkAlive(op: string): void {
    if (this.isDead) throw new SimulatedCrash(this.stepCount, `${op} after death`);
  }

  /**
   * Counts the step, then runs `body` (the real call and its bookkeeping) as one unit that
   * `applyCrashLosses` waits for: a call issued before the death still lands, whole.
   */
  private run(op: string, target: string, body: () => Promise<void>): Promise<void> {
    try {
      this.step(op, target);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const promise = body();
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}

function pick<T>(list: readonly T[], i: number): T | undefined {
  return list.length === 0 ? undefined : list[i % list.length];
}

function loseData(file: string, length: number, fate: FileFate): string {
  switch (fate.kind) {
    case 'keep':
      return '';
    case 'truncate': {
      if (length === 0) return '';
      const kept = Math.min(length - 1, Math.floor(length * fate.keep));
      return truncateIfThere(file, kept);
    }
    case 'delete':
      return removeIfThere(file);
  }
}

function truncateIfThere(file: string, length: number): string {
  if (!existsSync(file)) return '';
  truncateSync(file, length);
  return `truncated ${file} to ${length} bytes`;
}

function removeIfThere(file: string): string {
  if (!existsSync(file)) return '';
  rmSync(file, { recursive: true, force: true });
  return `lost ${file}`;
}

function revert(change: EntryChange): string {
  switch (change.kind) {
    case 'create-file':
    case 'mkdir':
      return removeIfThere(change.path);
    case 'rename':
      if (!existsSync(change.to)) return '';
      renameSync(change.to, change.from);
      return `reverted rename ${change.from} -> ${change.to}`;
  }
}

/** The folders `mkdirs(dir)` would create, outermost first. */
async function missingFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let folder = dir; !(await exists(folder)); folder = path.dirname(folder)) {
    missing.unshift(folder);
    if (path.dirname(folder) === folder) break;
  }
  return missing;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
