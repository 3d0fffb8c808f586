// The effects of a committed transaction: exactly what changed in the catalog, as a
// serialisable value. The store applies these to build the next catalog version, persists
// them, and hands them to commit listeners; replication ships exactly these (SPEC §7.1.2:
// effects, not statements).

import type { CommitKind } from '../core/operation-type.ts';
import type { DatabaseMeta, TableMeta } from './catalog.ts';

/** A segment a transaction added: the file holds exactly these rows. */
export interface AddedSegment {
  readonly id: number;
  readonly rows: number;
  readonly bytes: number;
  readonly crc32: number;
}

export type CatalogChange =
  | { readonly kind: 'create-database'; readonly meta: DatabaseMeta }
  | { readonly kind: 'drop-database'; readonly db: string }
  /** The scheme changed (partitions added). */
  | { readonly kind: 'update-database'; readonly meta: DatabaseMeta }
  | { readonly kind: 'create-table'; readonly db: string; readonly meta: TableMeta }
  /** Schema, comments or name changed; `table` is the name before the change. */
  | {
      readonly kind: 'update-table';
      readonly db: string;
      readonly table: string;
      readonly meta: TableMeta;
    }
  | { readonly kind: 'drop-table'; readonly db: string; readonly table: string }
  | {
      readonly kind: 'add-segments';
      readonly db: string;
      readonly table: string;
      readonly partition: string;
      readonly segments: readonly AddedSegment[];
    }
  | {
      readonly kind: 'remove-segments';
      readonly db: string;
      readonly table: string;
      readonly partition: string;
      readonly segmentIds: readonly number[];
    }
  | {
      readonly kind: 'delete-rows';
      readonly db: string;
      readonly table: string;
      readonly partition: string;
      readonly segmentId: number;
      /** Sorted, distinct positions within the segment, none deleted before. */
      readonly positions: Uint32Array;
    };

/** What one committed transaction did. */
export interface CommitEffects {
  readonly txId: number;
  readonly kind: CommitKind;
  readonly db: string;
  /** The table the operation named, if any. */
  readonly table?: string;
  /** Rows written (appended, upserted, updated) or deleted: replication's task weight. */
  readonly rowsWritten: number;
  readonly changes: readonly CatalogChange[];
  /**
   * Set only on what a prepared write resolves to (its txId is then 0): the cluster
   * transaction it waits under. Committed effects, and so replicated ones, never have it.
   */
  readonly prepared?: string;
}

/** Serialises effects as JSON text (bigints and row positions survive the round trip). */
export function encodeEffects(effects: CommitEffects): string {
  return JSON.stringify(effects, replaceTagged);
}

/** Reads effects written by encodeEffects. */
export function decodeEffects(text: string): CommitEffects {
  return JSON.parse(text, reviveTagged) as CommitEffects;
}

/** JSON reviver for the tagged values of encodeEffects and the catalog records. */
export function reviveTagged(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object') {
    const tagged = value as { $bigint?: string; $u32?: string };
    if (typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
    if (typeof tagged.$u32 === 'string') {
      const bytes = Buffer.from(tagged.$u32, 'base64');
      return new Uint32Array(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      );
    }
  }
  return value;
}

/** JSON replacer for bigints and Uint32Arrays (inverse of reviveTagged). */
export function replaceTagged(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint32Array) {
    return {
      $u32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
    };
  }
  return value;
}
