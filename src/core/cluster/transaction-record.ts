// The controller's rules for distributed transactions (presumed abort): a transaction is
// active from `begin` until one decision is recorded — commit (only while active) or abort —
// and the decision never changes. A participant that finds a prepared transaction at restart
// asks the controller; an active transaction older than the transaction timeout is decided
// abort then (its coordinator is gone or too slow), and an unknown one was never decided
// commit, so it is abort too. Pure: the driver persists a changed record before replying.

/** The controller's record of one distributed transaction. */
export interface TransactionRecord {
  readonly id: number;
  /** Alias of the coordinating data node. */
  readonly coordinator: string;
  /** Aliases of the data nodes asked to prepare. */
  readonly participants: readonly string[];
  readonly startedAtMillis: number;
  readonly state: 'active' | 'committed' | 'aborted';
  /** Why an aborted transaction was aborted ('' otherwise). */
  readonly reason: string;
}

/** What a participant or coordinator is told. */
export type Decision = 'commit' | 'abort' | 'pending';

/** A change to persist (when `changed`) and the decision it yields. */
export interface TransactionOutcome {
  readonly record: TransactionRecord | undefined;
  readonly changed: boolean;
  readonly decision: Decision;
}

/** A new active transaction. */
export function beginTransaction(
  id: number,
  coordinator: string,
  participants: readonly string[],
  nowMillis: number,
): TransactionRecord {
  return { id, coordinator, participants, startedAtMillis: nowMillis, state: 'active', reason: '' };
}

/**
 * The coordinator asks to commit or abort. Commit succeeds only while active; a transaction
 * already aborted (by timeout) stays aborted, and the answer says so.
 */
export function decideTransaction(
  record: TransactionRecord | undefined,
  request: { readonly kind: 'commit' } | { readonly kind: 'abort'; readonly reason: string },
): TransactionOutcome {
  if (record === undefined) return { record, changed: false, decision: 'abort' };
  if (record.state !== 'active') return { record, changed: false, decision: decisionOf(record) };
  const next: TransactionRecord =
    request.kind === 'commit'
      ? { ...record, state: 'committed' }
      : { ...record, state: 'aborted', reason: request.reason };
  return { record: next, changed: true, decision: decisionOf(next) };
}

/** A participant asks what became of a transaction it prepared. */
export function inquireTransaction(
  record: TransactionRecord | undefined,
  nowMillis: number,
  timeoutMillis: number,
): TransactionOutcome {
  if (record === undefined) return { record, changed: false, decision: 'abort' };
  if (record.state !== 'active') return { record, changed: false, decision: decisionOf(record) };
  if (nowMillis - record.startedAtMillis <= timeoutMillis) {
    return { record, changed: false, decision: 'pending' };
  }
  return decideTransaction(record, {
    kind: 'abort',
    reason: `coordinator ${record.coordinator} did not decide within ${timeoutMillis} ms`,
  });
}

function decisionOf(record: TransactionRecord): Decision {
  switch (record.state) {
    case 'active':
      return 'pending';
    case 'committed':
      return 'commit';
    case 'aborted':
      return 'abort';
  }
}
