// Group ids for key tuples: dense, in first-seen order, stable across batches. One key column
// maps its values straight to ids; several keys map each column to value ids first and then
// the tuple of value ids (composed into a string) to a group id.

import { assert } from '../../core/assert.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import { takeRows } from '../../core/types/column-ops.ts';
import { columnLength } from '../../core/types/column.ts';
import type { Column } from '../../core/types/column.ts';
import { KeyDictionary } from './key-dictionary.ts';

/** Distinct key tuples seen so far, each with a dense group id in first-seen order. */
export class GroupIndex {
  private readonly keyTypes: readonly ColumnType[];
  private readonly dictionaries: readonly KeyDictionary[];
  // Several keys only: tuple of value ids → group id, and each group's value id per key.
  private readonly tuples = new Map<string, number>();
  private readonly groupValueIds: Int32Array[];
  private groupCount = 0;

  /** Zero keys = one global group (id 0, always present). */
  constructor(keyTypes: readonly ColumnType[]) {
    this.keyTypes = keyTypes;
    this.dictionaries = keyTypes.map((type) => new KeyDictionary(type));
    this.groupValueIds = keyTypes.map(() => new Int32Array(16));
  }

  /**
   * Group id of each of `rows` rows (keys.length === keyTypes.length); new tuples get new ids.
   * Read it, never write it: without keys it is a shared array of zeros.
   */
  assign(keys: readonly Column[], rows: number): Int32Array {
    this.checkKeys(keys, rows);
    const [first] = this.dictionaries;
    if (first === undefined) return globalGroups(rows);
    const out = new Int32Array(rows);
    if (this.dictionaries.length === 1) {
      first.assign(keys[0] as Column, rows, out);
      return out;
    }
    const valueIds = this.dictionaries.map((dictionary, k) => {
      const ids = new Int32Array(rows);
      dictionary.assign(keys[k] as Column, rows, ids);
      return ids;
    });
    for (let i = 0; i < rows; i++) {
      let tuple = String(valueIds[0]?.[i]);
      for (let k = 1; k < valueIds.length; k++) tuple += ',' + String(valueIds[k]?.[i]);
      const id = this.tuples.get(tuple);
      out[i] = id === undefined ? this.addTuple(tuple, valueIds, i) : id;
    }
    return out;
  }

  /** Number of groups. */
  get size(): number {
    if (this.dictionaries.length === 0) return 1;
    if (this.dictionaries.length === 1) return (this.dictionaries[0] as KeyDictionary).size;
    return this.groupCount;
  }

  /** The distinct key tuples as columns, row g = group g. */
  keyColumns(): Column[] {
    if (this.dictionaries.length <= 1) return this.dictionaries.map((d) => d.column());
    return this.dictionaries.map((dictionary, k) =>
      takeRows(dictionary.column(), (this.groupValueIds[k] as Int32Array).subarray(0, this.size)),
    );
  }

  private addTuple(tuple: string, valueIds: readonly Int32Array[], row: number): number {
    const id = this.groupCount++;
    this.tuples.set(tuple, id);
    for (let k = 0; k < valueIds.length; k++) {
      let column = this.groupValueIds[k] as Int32Array;
      if (id >= column.length) {
        const grown = new Int32Array(column.length * 2);
        grown.set(column);
        this.groupValueIds[k] = column = grown;
      }
      column[id] = (valueIds[k] as Int32Array)[row] as number;
    }
    return id;
  }

  private checkKeys(keys: readonly Column[], rows: number): void {
    assert(
      keys.length === this.keyTypes.length,
      `${keys.length} key columns for ${this.keyTypes.length} key types`,
    );
    keys.forEach((key, k) => {
      assert(
        key.type === this.keyTypes[k],
        `key ${k} is ${key.type}, expected ${this.keyTypes[k]}`,
      );
      assert(
        columnLength(key) >= rows,
        `key ${k} has ${columnLength(key)} rows, fewer than ${rows}`,
      );
    });
  }
}

// The ids of a global aggregate (no keys) are all 0: one shared zeroed array serves every
// batch instead of a fresh one of each batch's length. Callers only read group ids.
let zeros = new Int32Array(0);

function globalGroups(rows: number): Int32Array {
  if (zeros.length < rows) zeros = new Int32Array(rows);
  return zeros.subarray(0, rows);
}
