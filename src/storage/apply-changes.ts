// Builds the next catalog version from the current one and a transaction's changes. Pure:
// the store validates a transaction under its locks first, so a change that does not fit
// the state here is a bug and fails an assertion.

import { assert, unreachable } from '../core/assert.ts';
import type {
  CatalogState,
  DatabaseState,
  PartitionState,
  SegmentState,
  TableState,
} from './catalog.ts';
import type { CatalogChange } from './commit-effects.ts';

/** The catalog after `changes`, at version `txId`; `nextId` is the id sequence after it. */
export function applyChanges(
  state: CatalogState,
  txId: number,
  nextId: number,
  changes: readonly CatalogChange[],
): CatalogState {
  assert(txId === state.version + 1, `commit ${txId} does not follow version ${state.version}`);
  assert(nextId >= state.nextId, 'id sequence went backwards');
  let databases = state.databases;
  for (const change of changes) databases = applyChange(databases, change);
  return { version: txId, nextId, databases };
}

type Databases = ReadonlyMap<string, DatabaseState>;

function applyChange(databases: Databases, change: CatalogChange): Databases {
  switch (change.kind) {
    case 'create-database':
      assert(!databases.has(change.meta.name), `database ${change.meta.name} exists`);
      return withEntry(databases, change.meta.name, { meta: change.meta, tables: new Map() });
    case 'drop-database':
      assert(databases.has(change.db), `database ${change.db} missing`);
      return withoutEntry(databases, change.db);
    case 'update-database': {
      const db = mustGet(databases, change.meta.name);
      return withEntry(databases, change.meta.name, { ...db, meta: change.meta });
    }
    case 'create-table':
      return updateTables(databases, change.db, (tables) => {
        assert(!tables.has(change.meta.name), `table ${change.meta.name} exists`);
        return withEntry(tables, change.meta.name, { meta: change.meta, partitions: new Map() });
      });
    case 'update-table':
      return updateTables(databases, change.db, (tables) => {
        const table = mustGet(tables, change.table);
        const rest = withoutEntry(tables, change.table);
        assert(!rest.has(change.meta.name), `table ${change.meta.name} exists`);
        return withEntry(rest, change.meta.name, { ...table, meta: change.meta });
      });
    case 'drop-table':
      return updateTables(databases, change.db, (tables) => {
        assert(tables.has(change.table), `table ${change.table} missing`);
        return withoutEntry(tables, change.table);
      });
    case 'add-segments':
      return updatePartition(databases, change.db, change.table, change.partition, (segments) => [
        ...segments,
        ...change.segments.map((s) => ({ ...s, deleted: new Uint32Array(0) })),
      ]);
    case 'remove-segments': {
      const removed = new Set(change.segmentIds);
      return updatePartition(databases, change.db, change.table, change.partition, (segments) => {
        const kept = segments.filter((s) => !removed.has(s.id));
        assert(
          kept.length === segments.length - removed.size,
          'removing a segment that is not there',
        );
        return kept;
      });
    }
    case 'delete-rows':
      return updatePartition(databases, change.db, change.table, change.partition, (segments) =>
        segments.map((s) => (s.id === change.segmentId ? withDeleted(s, change.positions) : s)),
      );
    default:
      return unreachable(change);
  }
}

function updateTables(
  databases: Databases,
  dbName: string,
  update: (tables: ReadonlyMap<string, TableState>) => ReadonlyMap<string, TableState>,
): Databases {
  const db = mustGet(databases, dbName);
  return withEntry(databases, dbName, { ...db, tables: update(db.tables) });
}

function updatePartition(
  databases: Databases,
  dbName: string,
  tableName: string,
  key: string,
  update: (segments: readonly SegmentState[]) => readonly SegmentState[],
): Databases {
  return updateTables(databases, dbName, (tables) => {
    const table = mustGet(tables, tableName);
    const segments = update(table.partitions.get(key)?.segments ?? []);
    const partitions =
      segments.length === 0
        ? withoutEntry(table.partitions, key)
        : withEntry<PartitionState>(table.partitions, key, { key, segments });
    return withEntry(tables, tableName, { ...table, partitions });
  });
}

function withDeleted(segment: SegmentState, positions: Uint32Array): SegmentState {
  const merged = new Uint32Array(segment.deleted.length + positions.length);
  merged.set(segment.deleted);
  merged.set(positions, segment.deleted.length);
  merged.sort();
  for (let i = 1; i < merged.length; i++) {
    assert(merged[i] !== merged[i - 1], `row ${merged[i]} of segment ${segment.id} deleted twice`);
  }
  assert(
    merged.length === 0 || (merged[merged.length - 1] as number) < segment.rows,
    'deleted row past segment end',
  );
  return { ...segment, deleted: merged };
}

function mustGet<V>(map: ReadonlyMap<string, V>, key: string): V {
  const value = map.get(key);
  assert(value !== undefined, `catalog has no ${key}`);
  return value;
}

function withEntry<V>(map: ReadonlyMap<string, V>, key: string, value: V): ReadonlyMap<string, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

function withoutEntry<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
  const next = new Map(map);
  next.delete(key);
  return next;
}
