// The catalog's durable form in LMDB: the one point of truth of what is committed. A commit
// writes every record the transaction touched plus the version record in one synchronous,
// fsynced LMDB transaction, so after a crash the catalog is at the version before or after.
//
// Keys: `meta` → {format, version, nextId}; `db␀<name>` → DatabaseMeta;
// `tb␀<tableId>` → {db, meta}; `pt␀<tableId>␀<partitionKey>` → {key, segments};
// `prep␀<transaction>` → PreparedRecord (a write prepared, not committed);
// `pub␀<transaction>` → PublishedRecord (the newest published transactions, bounded).

import { open } from 'lmdb';
import type { RootDatabase } from 'lmdb';
import { assert, unreachable } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import type {
  CatalogState,
  DatabaseMeta,
  DatabaseState,
  PartitionState,
  TableMeta,
  TableState,
} from './catalog.ts';
import { EMPTY_CATALOG } from './catalog.ts';
import type { CatalogChange } from './commit-effects.ts';
import type { PreparedRecord, Publication, PublishedRecord } from './prepared-write.ts';
import { decodeRecord, encodeRecord } from './record-codec.ts';

/** Durable catalog storage. Each method throws (DISK_ERROR, CORRUPT_DATA) rather than lie. */
export interface CatalogPersistence {
  /** The last committed catalog. */
  load(): CatalogState;
  /** The prepared writes and the remembered published transactions. */
  loadTransactions(): StoredTransactions;
  /**
   * Durably records `next`, which is `previous` after `changes`; with `publication`, in the
   * same LMDB transaction, removes that prepared entry and remembers it as published.
   * Returns once on disk.
   */
  commit(
    previous: CatalogState,
    next: CatalogState,
    changes: readonly CatalogChange[],
    publication?: Publication,
  ): void;
  /** Durably records a prepared write with `state`'s version and id high-water mark. */
  prepare(state: CatalogState, record: PreparedRecord): void;
  /** Durably removes a prepared write's entry. */
  discard(transaction: string): void;
  close(): Promise<void>;
}

/** The cluster-transaction records of a catalog. */
export interface StoredTransactions {
  readonly prepared: readonly PreparedRecord[];
  readonly published: readonly PublishedRecord[];
}

const FORMAT = 1;
const SEP = '\u0000';
const PREPARED = `prep${SEP}`;
const PUBLISHED = `pub${SEP}`;

interface MetaRecord {
  readonly format: number;
  readonly version: number;
  readonly nextId: number;
}

interface TableRecord {
  readonly db: string;
  readonly meta: TableMeta;
}

/** Opens (creating if needed) the LMDB catalog at `path`. */
export function openLmdbCatalog(path: string): CatalogPersistence {
  const env = open({ path, encoding: 'binary', overlappingSync: false, noSync: false });
  return {
    load: () => loadCatalog(env),
    loadTransactions: () => ({
      prepared: loadRange<PreparedRecord>(env, PREPARED),
      published: loadRange<PublishedRecord>(env, PUBLISHED),
    }),
    commit: (previous, next, changes, publication) => {
      const writes = recordWrites(previous, next, changes);
      env.transactionSync(() => {
        for (const key of writes.removals) env.removeSync(key);
        for (const [key, value] of writes.puts) env.putSync(key, encodeRecord(value));
        putMeta(env, next);
        if (publication !== undefined) {
          const { transaction, txId } = publication;
          env.removeSync(PREPARED + transaction);
          for (const old of publication.forget) env.removeSync(PUBLISHED + old);
          env.putSync(PUBLISHED + transaction, encodeRecord({ transaction, txId }));
        }
      });
    },
    prepare: (state, record) => {
      env.transactionSync(() => {
        env.putSync(PREPARED + record.transaction, encodeRecord(record));
        putMeta(env, state);
      });
    },
    discard: (transaction) => {
      env.transactionSync(() => {
        env.removeSync(PREPARED + transaction);
      });
    },
    close: () => env.close(),
  };
}

function putMeta(env: RootDatabase, state: CatalogState): void {
  env.putSync(
    'meta',
    encodeRecord({ format: FORMAT, version: state.version, nextId: state.nextId }),
  );
}

function loadRange<T>(env: RootDatabase, prefix: string): T[] {
  const out: T[] = [];
  for (const { key, value } of env.getRange({ start: prefix, end: `${prefix}\uffff` }))
    out.push(decodeRecord<T>(value as Uint8Array, String(key)));
  return out;
}

function loadCatalog(env: RootDatabase): CatalogState {
  const metaBytes = env.get('meta') as Uint8Array | undefined;
  if (metaBytes === undefined) return EMPTY_CATALOG;
  const meta = decodeRecord<MetaRecord>(metaBytes, 'meta');
  if (meta.format !== FORMAT) {
    throw new ShoalError(
      'CORRUPT_DATA',
      `catalog format ${meta.format} is not supported (expected ${FORMAT})`,
    );
  }
  const databases = new Map<string, { meta: DatabaseMeta; tables: Map<string, TableState> }>();
  const tablesById = new Map<
    number,
    { db: string; meta: TableMeta; partitions: Map<string, PartitionState> }
  >();
  for (const { key, value } of env.getRange({ start: `db${SEP}`, end: `db${SEP}\uffff` })) {
    const dbMeta = decodeRecord<DatabaseMeta>(value as Uint8Array, String(key));
    databases.set(dbMeta.name, { meta: dbMeta, tables: new Map() });
  }
  for (const { key, value } of env.getRange({ start: `tb${SEP}`, end: `tb${SEP}\uffff` })) {
    const record = decodeRecord<TableRecord>(value as Uint8Array, String(key));
    tablesById.set(record.meta.id, { ...record, partitions: new Map() });
  }
  for (const { key, value } of env.getRange({ start: `pt${SEP}`, end: `pt${SEP}\uffff` })) {
    const tableId = Number(String(key).split(SEP)[1]);
    const partition = decodeRecord<PartitionState>(value as Uint8Array, String(key));
    const table = tablesById.get(tableId);
    if (table === undefined)
      throw new ShoalError('CORRUPT_DATA', `catalog record ${String(key)} names no table`);
    table.partitions.set(partition.key, partition);
  }
  for (const table of tablesById.values()) {
    const db = databases.get(table.db);
    if (db === undefined)
      throw new ShoalError('CORRUPT_DATA', `table ${table.meta.name} names no database`);
    db.tables.set(table.meta.name, { meta: table.meta, partitions: table.partitions });
  }
  return {
    version: meta.version,
    nextId: meta.nextId,
    databases: databases as ReadonlyMap<string, DatabaseState>,
  };
}

interface RecordWrites {
  readonly puts: Map<string, unknown>;
  readonly removals: Set<string>;
}

/** The records a commit must write or remove, derived from its changes. */
function recordWrites(
  previous: CatalogState,
  next: CatalogState,
  changes: readonly CatalogChange[],
): RecordWrites {
  const writes: RecordWrites = { puts: new Map(), removals: new Set() };
  for (const change of changes) {
    switch (change.kind) {
      case 'create-database':
      case 'update-database':
        writes.puts.set(`db${SEP}${change.meta.name}`, change.meta);
        break;
      case 'drop-database': {
        writes.removals.add(`db${SEP}${change.db}`);
        for (const table of previous.databases.get(change.db)?.tables.values() ?? [])
          removeTable(writes, table);
        break;
      }
      case 'create-table':
      case 'update-table':
        writes.puts.set(`tb${SEP}${change.meta.id}`, { db: change.db, meta: change.meta });
        break;
      case 'drop-table': {
        const table = previous.databases.get(change.db)?.tables.get(change.table);
        assert(table !== undefined, 'dropping a table the catalog lacks');
        removeTable(writes, table);
        break;
      }
      case 'add-segments':
      case 'remove-segments':
      case 'delete-rows':
        putPartition(writes, next, change.db, change.table, change.partition);
        break;
      default:
        unreachable(change);
    }
  }
  for (const key of writes.puts.keys()) writes.removals.delete(key);
  return writes;
}

function removeTable(writes: RecordWrites, table: TableState): void {
  writes.removals.add(`tb${SEP}${table.meta.id}`);
  for (const key of table.partitions.keys())
    writes.removals.add(`pt${SEP}${table.meta.id}${SEP}${key}`);
}

function putPartition(
  writes: RecordWrites,
  next: CatalogState,
  db: string,
  tableName: string,
  key: string,
): void {
  const table = next.databases.get(db)?.tables.get(tableName);
  assert(table !== undefined, 'segment change for a table the catalog lacks');
  const recordKey = `pt${SEP}${table.meta.id}${SEP}${key}`;
  const partition = table.partitions.get(key);
  if (partition === undefined) {
    writes.puts.delete(recordKey);
    writes.removals.add(recordKey);
  } else {
    writes.removals.delete(recordKey);
    writes.puts.set(recordKey, partition);
  }
}
