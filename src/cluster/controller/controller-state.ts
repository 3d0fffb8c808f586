// The controller's durable state in one LMDB environment: users (auth/), the placement of
// every partition key, and the record of every distributed transaction with its decision
// and summary. Every change is written (synchronously, durably) before the caller replies.

import { randomBytes } from 'node:crypto';
import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import { placePartitions } from '../../core/cluster/placement.ts';
import {
  beginTransaction,
  decideTransaction,
  inquireTransaction,
} from '../../core/cluster/transaction-record.ts';
import type {
  Decision,
  TransactionOutcome,
  TransactionRecord,
} from '../../core/cluster/transaction-record.ts';
import { decodeRecord, encodeRecord } from '../../storage/record-codec.ts';
import { decodeEffects } from '../../storage/index.ts';
import { createSessionTable, lmdbUserRecords, openUserStore } from '../auth/index.ts';
import type { SessionTable, UserStore } from '../auth/index.ts';

/** What a committed transaction changed, kept with its decision for replication. */
export interface TransactionSummary {
  readonly kind: string;
  readonly db: string;
  readonly table: string;
  readonly rowsWritten: number;
}

/** A transaction's record with the summary and effects its coordinator sent at commit. */
export interface StoredTransaction extends TransactionRecord {
  readonly summary: TransactionSummary | null;
  /** Each participant's commit effects (encodeEffects text), by alias; {} until committed. */
  readonly effects: Readonly<Record<string, string>>;
}

/** What a commit request records beside the decision. */
export interface CommitRecord {
  readonly summary: TransactionSummary;
  readonly effects: Readonly<Record<string, string>>;
}

export interface ControllerStateOptions {
  readonly path: string;
  readonly adminHash: string;
  readonly sessionTimeoutMillis: number;
  readonly maxSessions: number;
}

const TX = 'tx\u0000';
const PLACEMENT = 'pl\u0000';
const NEXT_TX = 'meta\u0000nextTx';

export class ControllerState {
  readonly users: UserStore;
  readonly sessions: SessionTable;
  private readonly env: RootDatabase;
  private readonly db: Database;

  private constructor(env: RootDatabase, users: UserStore, sessions: SessionTable) {
    this.env = env;
    this.db = env;
    this.users = users;
    this.sessions = sessions;
  }

  /** Opens (or creates) the state at `options.path`; bootstraps `admin` on first open. */
  static open(options: ControllerStateOptions): ControllerState {
    const env = open({ path: options.path, encoding: 'binary', overlappingSync: false });
    const users = openUserStore(lmdbUserRecords(env), options.adminHash);
    const sessions = createSessionTable({
      timeoutMillis: options.sessionTimeoutMillis,
      maxSessions: options.maxSessions,
      randomBytes: (size) => randomBytes(size),
    });
    return new ControllerState(env, users, sessions);
  }

  /** Starts a transaction: a new id, and owners for `keys` (new keys placed and recorded). */
  begin(
    coordinator: string,
    table: { readonly db: string; readonly table: string } | null,
    keys: readonly string[],
    dataNodes: readonly string[],
    nowMillis: number,
  ): { readonly id: number; readonly owners: ReadonlyMap<string, string> } {
    return this.db.transactionSync(() => {
      const id = this.nextTransactionId();
      const owners =
        table === null ? new Map<string, string>() : this.place(table, keys, dataNodes);
      const participants = table === null ? dataNodes : [...new Set(owners.values())];
      this.putTransaction({
        ...beginTransaction(id, coordinator, participants, nowMillis),
        summary: null,
        effects: {},
      });
      return { id, owners };
    });
  }

  /**
   * The coordinator's commit or abort; the recorded decision (which never changes).
   * `onCommitted` runs inside the same LMDB transaction when this call commits the
   * transaction (replication records its task there: atomically with the decision).
   */
  decide(
    id: number,
    request:
      | ({ readonly kind: 'commit' } & CommitRecord)
      | { readonly kind: 'abort'; readonly reason: string },
    onCommitted?: (record: StoredTransaction) => void,
  ): Decision {
    return this.db.transactionSync(() => {
      const record = this.transaction(id);
      const outcome = decideTransaction(record, request);
      this.keep(outcome, request.kind === 'commit' ? request : null);
      if (outcome.changed && outcome.decision === 'commit' && request.kind === 'commit') {
        this.followRenames(request.effects);
        onCommitted?.(this.transaction(id) as StoredTransaction);
      }
      return outcome.decision;
    });
  }

  /** Runs `work` in one synchronous LMDB transaction of this state. */
  atomically<T>(work: () => T): T {
    return this.db.transactionSync(work);
  }

  /** The LMDB database the controller's records live in (replication keeps its own there). */
  get records(): Database {
    return this.db;
  }

  /** A participant's question about a transaction it prepared. */
  inquire(id: number, nowMillis: number, timeoutMillis: number): Decision {
    return this.db.transactionSync(() => {
      const outcome = inquireTransaction(this.transaction(id), nowMillis, timeoutMillis);
      this.keep(outcome, null);
      return outcome.decision;
    });
  }

  /** The record of transaction `id`, if any. */
  transaction(id: number): StoredTransaction | undefined {
    const bytes = this.db.get(TX + String(id)) as Uint8Array | undefined;
    return bytes === undefined
      ? undefined
      : decodeRecord<StoredTransaction>(bytes, TX + String(id));
  }

  /** Committed transactions in id order (for replication and tests). */
  committedTransactions(): StoredTransaction[] {
    const out: StoredTransaction[] = [];
    for (const { key, value } of this.db.getRange({ start: TX, end: `tx\u0001` })) {
      const record = decodeRecord<StoredTransaction>(value as Uint8Array, String(key));
      if (record.state === 'committed') out.push(record);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** Owner of each placed partition key of a table. */
  placement(db: string, table: string): Map<string, string> {
    const key = `${PLACEMENT}${db}\u0000${table}`;
    const bytes = this.db.get(key) as Uint8Array | undefined;
    if (bytes === undefined) return new Map();
    return new Map(Object.entries(decodeRecord<Record<string, string>>(bytes, key)));
  }

  async close(): Promise<void> {
    await this.users.close();
    await this.env.close();
  }

  private keep(outcome: TransactionOutcome, commit: CommitRecord | null): void {
    if (!outcome.changed || outcome.record === undefined) return;
    const previous = this.transaction(outcome.record.id);
    this.putTransaction({
      ...outcome.record,
      summary: commit?.summary ?? previous?.summary ?? null,
      effects: commit?.effects ?? previous?.effects ?? {},
    });
  }

  /** A renamed table keeps its partitions where they are: its placement moves with it. */
  private followRenames(effects: Readonly<Record<string, string>>): void {
    const first = Object.values(effects).find((text) => text !== '');
    if (first === undefined) return;
    for (const change of decodeEffects(first).changes) {
      if (change.kind !== 'update-table' || change.table === change.meta.name) continue;
      const from = `${PLACEMENT}${change.db}\u0000${change.table}`;
      const bytes = this.db.get(from) as Uint8Array | undefined;
      if (bytes === undefined) continue;
      this.db.putSync(`${PLACEMENT}${change.db}\u0000${change.meta.name}`, bytes);
      this.db.removeSync(from);
    }
  }

  private place(
    table: { readonly db: string; readonly table: string },
    keys: readonly string[],
    dataNodes: readonly string[],
  ): Map<string, string> {
    const placed = this.placement(table.db, table.table);
    const added = placePartitions(placed, keys, dataNodes);
    if (added.size > 0) {
      for (const [key, owner] of added) placed.set(key, owner);
      this.db.putSync(
        `${PLACEMENT}${table.db}\u0000${table.table}`,
        encodeRecord(Object.fromEntries(placed)),
      );
    }
    return new Map(keys.map((key) => [key, placed.get(key) as string]));
  }

  private nextTransactionId(): number {
    const bytes = this.db.get(NEXT_TX) as Uint8Array | undefined;
    const next = bytes === undefined ? 1 : decodeRecord<number>(bytes, NEXT_TX);
    this.db.putSync(NEXT_TX, encodeRecord(next + 1));
    return next;
  }

  private putTransaction(record: StoredTransaction): void {
    this.db.putSync(TX + String(record.id), encodeRecord(record));
  }
}
