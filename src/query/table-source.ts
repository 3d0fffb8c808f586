// The table a query reads, resolved once from its FROM clause against the statement's
// snapshot, and the batches it streams: one segment's live rows at a time, or (when no column
// is needed, as for count(*)) row counts straight from the catalog without reading a file.

import { nullColumn } from '../core/types/column-ops.ts';
import { partitionKeys } from '../core/partition/index.ts';
import type { PartitionScheme } from '../core/partition/index.ts';
import type { TableState } from '../storage/index.ts';
import type { TableRef } from './ast.ts';
import type { RowSource } from './evaluate.ts';
import { queryError, withPosition } from './query-error.ts';
import { rowSourceOf } from './row-source.ts';
import type { StatementContext } from './statement-context.ts';

/** A DFS table as the statement's snapshot shows it. */
export interface TableSource {
  readonly database: string;
  readonly name: string;
  readonly table: TableState;
  readonly scheme: PartitionScheme;
}

/** One batch of a scan: the partition it came from and its rows. */
export interface ScanBatch {
  readonly partition: string;
  readonly rows: RowSource;
}

/** Resolves a FROM clause; TABLE_NOT_FOUND / DATABASE_NOT_FOUND carry its position. */
export function resolveTable(ref: TableRef, context: StatementContext): TableSource {
  if (ref.kind === 'tableName') {
    return queryError(
      'TABLE_NOT_FOUND',
      ref.position,
      `there is no table variable ${ref.name}; name a DFS table as loadTable("dfs://db", "${ref.name}") or "dfs://db"."${ref.name}"`,
    );
  }
  try {
    const database = context.snapshot.database(ref.database);
    const table = context.snapshot.table(ref.database, ref.table);
    return { database: ref.database, name: ref.table, table, scheme: database.meta.scheme };
  } catch (error) {
    return withPosition(error, ref.position);
  }
}

/** Zero rows of `columns` in their table types: evaluating over it yields result types. */
export function emptyRows(source: TableSource, columns: readonly string[]): RowSource {
  const types = new Map(source.table.meta.columns.map((c) => [c.name, c.type]));
  return tableRows(
    source,
    rowSourceOf(
      columns,
      columns.map((name) => nullColumn(types.get(name) ?? 'DOUBLE', 0)),
      0,
    ),
  );
}

/**
 * Rows of some of the table's columns, known by all its column names: a scan reads only the
 * columns a query names, and an unknown name's message should list (and suggest) them all.
 */
function tableRows(source: TableSource, rows: RowSource): RowSource {
  return { ...rows, names: source.table.meta.columns.map((c) => c.name) };
}

/** Streams `columns` of the partitions `partitions` (all when undefined), segment by segment. */
export async function* scanTable(
  source: TableSource,
  columns: readonly string[],
  partitions: readonly string[] | undefined,
  context: StatementContext,
): AsyncGenerator<ScanBatch> {
  if (columns.length === 0) {
    yield* countOnlyBatches(source, partitions);
    return;
  }
  const scan = context.snapshot.scan(source.database, source.name, {
    columns,
    partitions: partitions ?? scanOrder(source),
  });
  for await (const batch of scan) {
    const rows = batch.positions.length;
    if (rows > 0)
      yield { partition: batch.partition, rows: rowSourceOf(columns, batch.columns, rows) };
  }
}

function* countOnlyBatches(
  source: TableSource,
  partitions: readonly string[] | undefined,
): Generator<ScanBatch> {
  for (const key of partitions ?? scanOrder(source)) {
    for (const segment of source.table.partitions.get(key)?.segments ?? []) {
      const rows = segment.rows - segment.deleted.length;
      if (rows > 0) yield { partition: key, rows: rowSourceOf([], [], rows) };
    }
  }
}

/**
 * The table's partitions in the order of its scheme (dimension tables: their one partition):
 * the order a scan reads them in, and so what first/last see, on one node or many.
 */
export function scanOrder(source: TableSource): string[] {
  const rank = partitionRank(source);
  return [...source.table.partitions.keys()].sort(
    (a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0),
  );
}

/** partitionRank's maps by scheme: a catalog's scheme never changes, a new one is a new object. */
const ranks = new WeakMap<PartitionScheme, ReadonlyMap<string, number>>();

/**
 * Each partition key's position in the scheme's order (empty for a dimension table). Made
 * once per scheme: every scan asks, and a year of daily partitions is 365 keys to format.
 */
export function partitionRank(source: TableSource): ReadonlyMap<string, number> {
  if (source.table.meta.partitionColumns.length === 0) return new Map();
  let rank = ranks.get(source.scheme);
  if (rank === undefined) {
    rank = new Map(partitionKeys(source.scheme).map((key, i) => [key, i]));
    ranks.set(source.scheme, rank);
  }
  return rank;
}
