// Task data kept in memory instead of written at once, when the master need not make it
// durable before the acknowledgement (clusterReplicationSyncPersistence=false, SPEC §7.1.3:
// "a crash of that node may lose it"). A replicated append then costs the master no second
// copy of its rows (the copy into the task data file was the whole of what replication cost
// an append), slaves fetch the rows straight from memory, and a task every slave finished
// within TASK_DATA_HOLD_MILLIS is never written at all. What waits longer (a slave that is
// away or slow) is written to its file as before, and so is whatever exceeds the bound.

import { assert } from '../core/assert.ts';
import { fileBytesCrc32, fileBytesLength } from '../storage/storage-fs.ts';
import type { KeepMemory } from '../net/index.ts';
import type { ChunkCrcs } from '../storage/index.ts';
import type { TaskDataRef } from './master-log.ts';

interface HeldEntry {
  readonly chunks: readonly Uint8Array[];
  readonly ref: TaskDataRef;
  readonly heldAtMillis: number;
  /** Serves in progress: the memory is released only once they end. */
  readers: number;
  dropped: boolean;
  readonly release: () => void;
}

/** Task data of master transactions held in memory, within a byte bound. */
export class HeldTaskData {
  private readonly maxBytes: number;
  private readonly entries = new Map<number, HeldEntry>();
  private bytes = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Bytes held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * Holds `chunks` as the data of `tid`: its size and CRC-32, or null when they do not fit in
   * the bound (the caller writes the file then). `keep` pins the memory the chunks view;
   * without it they must view memory nothing else reuses. `crcs` remembers each chunk's
   * CRC-32 for the write's segments (the same column bytes, see ChunkCrcs).
   */
  hold(
    tid: number,
    chunks: readonly Uint8Array[],
    nowMillis: number,
    keep?: KeepMemory,
    crcs?: ChunkCrcs,
  ): TaskDataRef | null {
    assert(!this.entries.has(tid), `task data of transaction ${tid} is held once`);
    const bytes = fileBytesLength(chunks);
    if (this.bytes + bytes > this.maxBytes) return null;
    const ref = { bytes, crc32: crcs?.remember(chunks) ?? fileBytesCrc32(chunks) };
    const release = keep?.() ?? (() => {});
    this.entries.set(tid, {
      chunks,
      ref,
      heldAtMillis: nowMillis,
      readers: 0,
      dropped: false,
      release,
    });
    this.bytes += bytes;
    return ref;
  }

  /** Held transaction ids. */
  tids(): number[] {
    return [...this.entries.keys()];
  }

  /**
   * `tid`'s chunks for one serve, if held, with the call that ends it: until then a drop
   * does not free the memory the chunks view.
   */
  read(
    tid: number,
  ): { readonly chunks: readonly Uint8Array[]; readonly done: () => void } | undefined {
    const entry = this.entries.get(tid);
    if (entry === undefined) return undefined;
    entry.readers += 1;
    let ended = false;
    return {
      chunks: entry.chunks,
      done: () => {
        if (ended) return;
        ended = true;
        entry.readers -= 1;
        if (entry.dropped && entry.readers === 0) entry.release();
      },
    };
  }

  /** Ids held since at least `holdMillis` before `nowMillis`, oldest first. */
  due(nowMillis: number, holdMillis: number): number[] {
    const out: number[] = [];
    for (const [tid, entry] of this.entries) {
      if (nowMillis - entry.heldAtMillis >= holdMillis) out.push(tid);
    }
    return out;
  }

  /** `tid`'s chunks and their CRC-32 (to write its file), if held. */
  dataOf(
    tid: number,
  ): { readonly chunks: readonly Uint8Array[]; readonly crc32: number } | undefined {
    const entry = this.entries.get(tid);
    return entry === undefined ? undefined : { chunks: entry.chunks, crc32: entry.ref.crc32 };
  }

  /** Stops holding `tid` (its file is written, or no task needs it); frees what it pinned. */
  drop(tid: number): void {
    const entry = this.entries.get(tid);
    if (entry === undefined) return;
    this.entries.delete(tid);
    this.bytes -= entry.ref.bytes;
    entry.dropped = true;
    if (entry.readers === 0) entry.release();
  }
}
