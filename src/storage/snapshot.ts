// A reader's view: one committed catalog version for the whole read. Segment files are
// immutable and outlive every snapshot that names them (the store deletes an obsolete file
// only after the last snapshot older than its removal is released), so a read never sees a
// half-applied transaction and never blocks a writer.

import { crc32 } from 'node:zlib';
import { assert } from '../core/assert.ts';
import { ShoalError } from '../core/errors.ts';
import { columnLength } from '../core/types/column.ts';
import type { Column } from '../core/types/column.ts';
import { concatColumns, nullColumn, takeRows } from '../core/types/column-ops.ts';
import type { CatalogState, DatabaseState, SegmentState, TableState } from './catalog.ts';
import { addChecksums, checksumColumns, EMPTY_CHECKSUM } from './content-checksum.ts';
import type { ContentChecksum } from './content-checksum.ts';
import { asDiskError } from './durable-write.ts';
import { decodeSegment } from './segment-codec.ts';
import type { StorageFs } from './storage-fs.ts';
import { segmentPath } from './store-paths.ts';

/** The live rows of one segment, columns in schema order (or in the order asked for). */
export interface SegmentBatch {
  readonly partition: string;
  readonly segmentId: number;
  /** Position in the segment of each row of the batch (rows deleted before are skipped). */
  readonly positions: Uint32Array;
  readonly columns: readonly Column[];
}

export interface ScanOptions {
  /** Partition keys to read; all when absent. Keys with no data are skipped. */
  readonly partitions?: readonly string[];
  /** Column names to read, in this order; all when absent. */
  readonly columns?: readonly string[];
}

/** Table and per-partition content checksums (content-checksum.ts). */
export interface TableChecksum {
  readonly table: ContentChecksum;
  readonly partitions: ReadonlyMap<string, ContentChecksum>;
}

export class Snapshot {
  readonly state: CatalogState;
  private readonly root: string;
  private readonly fs: StorageFs;
  private readonly onRelease: () => void;
  private released = false;

  constructor(state: CatalogState, root: string, fs: StorageFs, onRelease: () => void) {
    this.state = state;
    this.root = root;
    this.fs = fs;
    this.onRelease = onRelease;
  }

  /** The transaction id this snapshot shows. */
  get version(): number {
    return this.state.version;
  }

  /** Ends the read; files it pinned may then be removed. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }

  database(name: string): DatabaseState {
    return requireDatabase(this.state, name);
  }

  table(db: string, name: string): TableState {
    return requireTable(this.state, db, name);
  }

  /** Streams the live rows of a table, one segment at a time (memory: one segment). */
  async *scan(
    db: string,
    tableName: string,
    options: ScanOptions = {},
  ): AsyncGenerator<SegmentBatch> {
    assert(!this.released, 'scan of a released snapshot');
    const dbState = this.database(db);
    const table = this.table(db, tableName);
    const wanted = resolveColumns(table, db, options.columns);
    const keys = options.partitions ?? [...table.partitions.keys()];
    for (const key of keys) {
      for (const segment of table.partitions.get(key)?.segments ?? []) {
        const file = segmentPath(this.root, dbState.meta.id, table.meta.id, key, segment.id);
        const columns = await readSegmentColumns(this.fs, file, segment, wanted);
        yield { partition: key, segmentId: segment.id, positions: livePositions(segment), columns };
      }
    }
  }

  /** All live rows of a table as whole columns (for small tables, tests and checks). */
  async readTable(
    db: string,
    tableName: string,
    options: ScanOptions = {},
  ): Promise<readonly Column[]> {
    const table = this.table(db, tableName);
    const wanted = resolveColumns(table, db, options.columns);
    const parts: Column[][] = wanted.map(() => []);
    for await (const batch of this.scan(db, tableName, options)) {
      batch.columns.forEach((column, i) => parts[i]?.push(column));
    }
    return wanted.map(({ type }, i) => {
      const columnParts = parts[i] as Column[];
      return columnParts.length === 0 ? nullColumn(type, 0) : concatColumns(type, columnParts);
    });
  }

  /** Number of live rows of a table (from the catalog; reads no file). */
  rowCount(db: string, tableName: string): number {
    let rows = 0;
    for (const partition of this.table(db, tableName).partitions.values()) {
      for (const segment of partition.segments) rows += segment.rows - segment.deleted.length;
    }
    return rows;
  }

  /** Order-independent content checksums of a table and of each partition holding rows. */
  async checksum(db: string, tableName: string): Promise<TableChecksum> {
    const partitions = new Map<string, ContentChecksum>();
    let table = EMPTY_CHECKSUM;
    for await (const batch of this.scan(db, tableName)) {
      if (batch.positions.length === 0) continue;
      const sum = checksumColumns(batch.columns);
      partitions.set(
        batch.partition,
        addChecksums(partitions.get(batch.partition) ?? EMPTY_CHECKSUM, sum),
      );
      table = addChecksums(table, sum);
    }
    return { table, partitions };
  }
}

interface WantedColumn {
  readonly id: number;
  readonly type: Column['type'];
}

function resolveColumns(
  table: TableState,
  db: string,
  names: readonly string[] | undefined,
): WantedColumn[] {
  if (names === undefined) return table.meta.columns.map(({ id, type }) => ({ id, type }));
  return names.map((name) => {
    const column = table.meta.columns.find((c) => c.name === name);
    if (column === undefined) {
      throw new ShoalError(
        'COLUMN_NOT_FOUND',
        `column ${name} does not exist in ${db}/${table.meta.name}`,
      );
    }
    return { id: column.id, type: column.type };
  });
}

/** Reads, verifies and decodes one segment file; absent columns (added later) read as nulls. */
export async function readSegmentColumns(
  fs: StorageFs,
  file: string,
  segment: SegmentState,
  wanted: readonly WantedColumn[],
): Promise<Column[]> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ShoalError('CORRUPT_DATA', `segment file ${file} named by the catalog is missing`, {
        cause: error,
      });
    }
    throw asDiskError(error, `reading ${file}`);
  }
  if (bytes.length !== segment.bytes || crc32(bytes) !== segment.crc32) {
    throw new ShoalError(
      'CORRUPT_DATA',
      `segment file ${file} fails its checksum: restore it from a replica`,
    );
  }
  const decoded = decodeSegment(bytes, file);
  const live = segment.deleted.length === 0 ? undefined : livePositions(segment);
  return wanted.map(({ id, type }) => {
    const column = decoded.get(id) ?? nullColumn(type, segment.rows);
    assert(
      column.type === type && columnLength(column) === segment.rows,
      `segment ${file} column c${id} mismatch`,
    );
    return live === undefined ? column : takeRows(column, live);
  });
}

/** Positions of the rows of `segment` not deleted, ascending. */
export function livePositions(segment: SegmentState): Uint32Array {
  const out = new Uint32Array(segment.rows - segment.deleted.length);
  let next = 0;
  let d = 0;
  for (let row = 0; row < segment.rows; row++) {
    if (d < segment.deleted.length && segment.deleted[d] === row) d++;
    else out[next++] = row;
  }
  return out;
}

/** The database named `name`, or DATABASE_NOT_FOUND. */
export function requireDatabase(state: CatalogState, name: string): DatabaseState {
  const db = state.databases.get(name);
  if (db === undefined)
    throw new ShoalError('DATABASE_NOT_FOUND', `database ${name} does not exist`);
  return db;
}

/** The table `name` of database `db`, or DATABASE_NOT_FOUND / TABLE_NOT_FOUND. */
export function requireTable(state: CatalogState, db: string, name: string): TableState {
  const table = requireDatabase(state, db).tables.get(name);
  if (table === undefined)
    throw new ShoalError('TABLE_NOT_FOUND', `table ${name} does not exist in ${db}`);
  return table;
}
