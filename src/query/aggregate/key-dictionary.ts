// The distinct values of one key column, each with a dense id in first-seen order. SYMBOL
// batches are matched by text (every batch may bring its own dictionary), but each code is
// looked up only once per dictionary: the per-row work is one array read.

import { nullOf, physicalKind } from '../../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import { columnFromValues } from '../../core/types/column-ops.ts';
import type { Column, SymbolData } from '../../core/types/column.ts';

/** Value → dense id for one key column type. Nulls are a value like any other. */
export class KeyDictionary {
  readonly type: ColumnType;
  // Numbers, bigints or strings by type; Map's SameValueZero equates bigints by value, −0 with 0.
  private readonly ids = new Map<CellValue, number>();
  private readonly values: CellValue[] = [];
  private readonly sentinel: CellValue;
  // The last SYMBOL dictionary seen and the id of each of its codes (−1: not seen yet).
  private lastDictionary: readonly string[] | null = null;
  private codeIds = new Int32Array(0);

  constructor(type: ColumnType) {
    this.type = type;
    this.sentinel = nullOf(type);
  }

  /** Distinct values seen so far. */
  get size(): number {
    return this.values.length;
  }

  /** Writes the id of each of the first `rows` rows of `column` into `out`. */
  assign(column: Column, rows: number, out: Int32Array): void {
    if (column.type === 'SYMBOL') {
      this.assignSymbols(column.data, rows, out);
      return;
    }
    const cells: ArrayLike<CellValue> = column.data;
    const float = physicalKind(column.type).startsWith('float');
    for (let i = 0; i < rows; i++) {
      let v = cells[i] as CellValue;
      // NaN is a float null: one group with the sentinel; −0 is reported as the 0 it equals.
      if (float && v !== v) v = this.sentinel;
      else if (float && v === 0) v = 0;
      const id = this.ids.get(v);
      out[i] = id === undefined ? this.insert(v) : id;
    }
  }

  /** The distinct values as a column: row k holds the value with id k. */
  column(): Column {
    return columnFromValues(this.type, this.values);
  }

  private assignSymbols(data: SymbolData, rows: number, out: Int32Array): void {
    const { codes, dictionary } = data;
    if (dictionary !== this.lastDictionary || dictionary.length !== this.codeIds.length) {
      this.lastDictionary = dictionary;
      this.codeIds = new Int32Array(dictionary.length).fill(-1);
    }
    const codeIds = this.codeIds;
    for (let i = 0; i < rows; i++) {
      const code = codes[i] as number;
      let id = codeIds[code] as number;
      if (id < 0) {
        const text = dictionary[code] as string;
        id = this.ids.get(text) ?? this.insert(text);
        codeIds[code] = id;
      }
      out[i] = id;
    }
  }

  private insert(value: CellValue): number {
    const id = this.values.length;
    this.ids.set(value, id);
    this.values.push(value);
    return id;
  }
}
