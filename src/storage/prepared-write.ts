// The durable form of a write prepared under a cluster transaction (two-phase commit): what
// the store records in its catalog instead of committing, and what it remembers of a
// transaction once published. See docs/ARCHITECTURE.md (on-disk format) and store.ts.

import { ShoalError } from '../core/errors.ts';
import type { CommitKind } from '../core/operation-type.ts';
import type { LockRequest } from './lock-manager.ts';
import type { WritePlan } from './store.ts';

/**
 * Published transaction ids a store remembers (its newest), so a publish or prepare repeated
 * by recovery is recognised: 10,000 covers far more than the transactions a node can have in
 * doubt at once, and costs at most a few hundred kB of catalog and memory.
 */
export const PUBLISHED_TRANSACTIONS_KEPT = 10_000;

/** Longest cluster transaction id: it is part of an LMDB key (at most 511 bytes). */
export const MAX_TRANSACTION_ID_LENGTH = 128;

/** A prepared write as its summary: what it will commit when published. */
export interface PreparedWrite {
  readonly transaction: string;
  readonly kind: CommitKind;
  readonly db: string;
  readonly table?: string;
  readonly rowsWritten: number;
}

/** The catalog record of a prepared write (`prep␀<transaction>`). */
export interface PreparedRecord {
  readonly transaction: string;
  /** The operation, as lock timeout messages name it. */
  readonly owner: string;
  /** Every lock the write took: kept until publish or discard, re-taken at open. */
  readonly locks: readonly LockRequest[];
  /** The plan publish commits. */
  readonly plan: WritePlan;
  /** Files the write made durable, relative to the store's root: kept at open, removed by discard. */
  readonly files: readonly string[];
}

/** The catalog record of a published transaction (`pub␀<transaction>`). */
export interface PublishedRecord {
  readonly transaction: string;
  /** The local version its publish made visible (the version it found, for an empty plan). */
  readonly txId: number;
}

/** What a publish writes besides the commit: the entry goes, the id is remembered. */
export interface Publication extends PublishedRecord {
  /** Published ids to stop remembering, oldest first, so the window stays bounded. */
  readonly forget: readonly string[];
}

/** The summary of a prepared record. */
export function preparedWriteOf(record: PreparedRecord): PreparedWrite {
  const { kind, db, table, rowsWritten } = record.plan;
  return {
    transaction: record.transaction,
    kind,
    db,
    ...(table === undefined ? {} : { table }),
    rowsWritten,
  };
}

/** INVALID_ARGUMENT unless `transaction` is 1–128 printable ASCII characters, no space. */
export function checkTransactionId(transaction: string): void {
  if (
    transaction.length === 0 ||
    transaction.length > MAX_TRANSACTION_ID_LENGTH ||
    !/^[\x21-\x7e]+$/.test(transaction)
  ) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `cluster transaction id ${JSON.stringify(transaction.slice(0, 40))} is invalid: use 1 to ${MAX_TRANSACTION_ID_LENGTH} printable ASCII characters without spaces`,
    );
  }
}
