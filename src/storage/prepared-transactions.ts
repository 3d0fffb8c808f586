// A store's in-memory view of its cluster transactions: writes being prepared, writes
// prepared (with the release of the locks they keep until the decision), and a bounded window
// of transactions already published. No I/O: the store persists before it calls a `note…`.

import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import type { LockRelease, LockRequest } from './lock-manager.ts';
import type { PreparedRecord, Publication, PublishedRecord } from './prepared-write.ts';

/** Where a transaction stands on this store. */
export type TransactionStatus = 'unknown' | 'preparing' | 'prepared' | 'published';

/** A prepared write and the release of its locks. */
export interface HeldWrite {
  readonly record: PreparedRecord;
  readonly release: LockRelease;
}

export class PreparedTransactions {
  /** Prepares under way → whether a discard arrived meanwhile. */
  private readonly inFlight = new Map<string, boolean>();
  private readonly held = new Map<string, HeldWrite>();
  /** Published id → its version, in publish order (oldest first). */
  private readonly published = new Map<string, number>();
  private readonly kept: number;

  /** `published` as loaded (any order); `kept` bounds the window. */
  constructor(published: readonly PublishedRecord[], kept: number) {
    assert(kept >= 1, 'the published window must keep at least one id');
    this.kept = kept;
    const ordered = [...published].sort((a, b) => a.txId - b.txId);
    for (const { transaction, txId } of ordered) this.published.set(transaction, txId);
  }

  status(transaction: string): TransactionStatus {
    if (this.inFlight.has(transaction)) return 'preparing';
    if (this.held.has(transaction)) return 'prepared';
    if (this.published.has(transaction)) return 'published';
    return 'unknown';
  }

  /** The version a remembered published transaction became visible at. */
  publishedAt(transaction: string): number | undefined {
    return this.published.get(transaction);
  }

  /** Starts a prepare; INVALID_ARGUMENT when the transaction already has one on this store. */
  begin(transaction: string): void {
    const status = this.status(transaction);
    if (status !== 'unknown') {
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `cluster transaction ${transaction} is already ${status} on this store: one prepared write per transaction and store`,
      );
    }
    this.inFlight.set(transaction, false);
  }

  /** Ends a prepare (kept or not); returns whether a discard arrived while it ran. */
  end(transaction: string): boolean {
    const discarded = this.inFlight.get(transaction);
    assert(discarded !== undefined, `prepare of ${transaction} ended twice`);
    this.inFlight.delete(transaction);
    return discarded;
  }

  /** Marks a prepare under way as discarded; false when none is under way. */
  discardInFlight(transaction: string): boolean {
    if (!this.inFlight.has(transaction)) return false;
    this.inFlight.set(transaction, true);
    return true;
  }

  /** Records a prepared write (after its entry is durable, or loaded at open). */
  hold(record: PreparedRecord, release: LockRelease): void {
    assert(!this.held.has(record.transaction), `${record.transaction} prepared twice`);
    this.held.set(record.transaction, { record, release });
  }

  /** The prepared write of `transaction`, if any. */
  get(transaction: string): HeldWrite | undefined {
    return this.held.get(transaction);
  }

  /** Prepared transaction ids, in the order they were prepared (or loaded). */
  list(): string[] {
    return [...this.held.keys()];
  }

  /** What a publish of `transaction` at version `txId` must write besides its commit. */
  publication(transaction: string, txId: number): Publication {
    const excess = Math.max(0, this.published.size + 1 - this.kept);
    const forget = [...this.published.keys()].slice(0, excess);
    return { transaction, txId, forget };
  }

  /** After a publish is durable: the write is no longer held, its id is remembered. */
  notePublished(publication: Publication): void {
    assert(this.held.delete(publication.transaction), 'published a write that was not held');
    for (const transaction of publication.forget) this.published.delete(transaction);
    this.published.set(publication.transaction, publication.txId);
  }

  /** After a discard is durable: the write is no longer held. */
  noteDiscarded(transaction: string): void {
    assert(this.held.delete(transaction), 'discarded a write that was not held');
  }

  /** Whether taking `requests` would wait for a lock a prepared write keeps. */
  blocks(requests: readonly LockRequest[]): boolean {
    for (const { record } of this.held.values()) {
      for (const kept of record.locks) {
        for (const wanted of requests) {
          if (
            kept.resource === wanted.resource &&
            (kept.mode === 'exclusive' || wanted.mode === 'exclusive')
          )
            return true;
        }
      }
    }
    return false;
  }
}
