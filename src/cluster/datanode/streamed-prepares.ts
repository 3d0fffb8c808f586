// The streamed appends a data node is preparing: each is one prepared write (appendStream)
// fed chunk by chunk by its coordinator, in process or through `/internal/prepare-append-part`,
// so a replication task of whatever size is applied holding one chunk at a time (SPEC §8.7).

import { ShoalError } from '../../core/errors.ts';
import { MAX_STREAMED_PREPARES, STREAMED_PREPARE_IDLE_MILLIS } from '../../core/limits.ts';
import { appendStream } from '../../storage/index.ts';
import type { AppendChunk, Store } from '../../storage/index.ts';
import { ChunkHandoff } from './chunk-handoff.ts';
import { preparedAnswer } from './participant-routes.ts';
import type { PreparedAnswer } from './participant-routes.ts';

/** What a streamed append writes: its table and every partition key it may write here. */
export interface StreamedAppendTarget {
  readonly db: string;
  readonly table: string;
  readonly partitions: readonly string[];
}

/** One streamed append being prepared under a cluster transaction. */
export class StreamedPrepare {
  private readonly handoff: ChunkHandoff<AppendChunk>;
  private readonly prepared: Promise<PreparedAnswer>;
  /** Settles when the prepare ends, however it ends; never rejects. */
  readonly settled: Promise<unknown>;
  /** The next part's number (parts arrive in order; a gap means one was lost). */
  nextPart = 0;

  constructor(store: Store, tx: string, target: StreamedAppendTarget, idleMillis: number) {
    this.handoff = new ChunkHandoff(idleMillis, `streamed append of cluster transaction ${tx}`);
    this.prepared = appendStream(
      store.preparing(tx),
      target.db,
      target.table,
      target.partitions,
      this.handoff,
    ).then((effects) => preparedAnswer(store, tx, effects.rowsWritten));
    // Whoever finishes or fails the prepare sees its outcome; this also keeps an early failure
    // from being an unhandled rejection before then.
    this.settled = this.prepared.catch(() => undefined);
  }

  /** Writes `chunk` into the prepared write; resolves once it is written (or the write failed). */
  async send(chunk: AppendChunk): Promise<void> {
    await Promise.race([this.handoff.push(chunk), this.prepared.then(() => undefined)]);
  }

  /** No more chunks: resolves to the prepared write's answer (effects) once it is durable. */
  finish(): Promise<PreparedAnswer> {
    this.handoff.end();
    return this.prepared;
  }

  /** Gives the write up: it fails with `error`, and its files are removed. */
  fail(error: Error): Promise<unknown> {
    this.handoff.fail(error);
    return this.settled;
  }
}

/** The streamed appends of one data node, by cluster transaction. */
export class StreamedPrepares {
  private readonly store: Store;
  private readonly idleMillis: number;
  private readonly open = new Map<string, StreamedPrepare>();

  constructor(store: Store, idleMillis = STREAMED_PREPARE_IDLE_MILLIS) {
    this.store = store;
    this.idleMillis = idleMillis;
  }

  /** Starts the streamed append of `tx` (INVALID_ARGUMENT if it has one, REPLICATION_REFUSED past the limit). */
  start(tx: string, target: StreamedAppendTarget): StreamedPrepare {
    if (this.open.has(tx)) {
      throw new ShoalError('INVALID_ARGUMENT', `cluster transaction ${tx} is streaming already`);
    }
    if (this.open.size >= MAX_STREAMED_PREPARES) {
      throw new ShoalError(
        'REPLICATION_REFUSED',
        `this data node prepares ${this.open.size} streamed appends already (the limit): retry later`,
      );
    }
    const prepare = new StreamedPrepare(this.store, tx, target, this.idleMillis);
    this.open.set(tx, prepare);
    // It leaves the table however it ends: finished, failed, given up or timed out.
    void prepare.settled.then(() => this.open.get(tx) === prepare && this.open.delete(tx));
    return prepare;
  }

  /** The streamed append of `tx` in progress (TRANSACTION_ABORTED when there is none). */
  get(tx: string): StreamedPrepare {
    const prepare = this.open.get(tx);
    if (prepare === undefined) {
      throw new ShoalError(
        'TRANSACTION_ABORTED',
        `cluster transaction ${tx} has no streamed append in progress here (it failed, timed out or was discarded)`,
      );
    }
    return prepare;
  }

  /** Transactions with a streamed append in progress here. */
  transactions(): string[] {
    return [...this.open.keys()];
  }

  /** Gives up the streamed append of `tx` when there is one (its transaction was discarded). */
  async abort(tx: string, reason: string): Promise<void> {
    await this.open.get(tx)?.fail(new ShoalError('TRANSACTION_ABORTED', reason));
  }
}
