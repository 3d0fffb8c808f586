// A growable per-group array of one column type's physical cells, null until set: the state of
// min, max, first and last. Numbers stay in a typed array of the type's own kind, text in strings.

import { NULL_TEXT, nullOf, physicalKind } from '../../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import { columnFromValues, nullColumn } from '../../core/types/column-ops.ts';
import type { Column } from '../../core/types/column.ts';

type SlotData =
  Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array | string[];

/** Per-group cells of `type`; a slot never set holds the type's null. */
export class ValueSlots {
  readonly type: ColumnType;
  readonly sentinel: CellValue;
  private data: SlotData;

  constructor(type: ColumnType) {
    this.type = type;
    this.sentinel = nullOf(type);
    this.data = emptySlots(type, 16);
  }

  /** Grows to hold at least `n` slots. */
  ensure(n: number): void {
    if (n <= this.data.length) return;
    if (Array.isArray(this.data)) {
      while (this.data.length < n) this.data.push(NULL_TEXT);
      return;
    }
    const next = emptySlots(this.type, Math.max(n, this.data.length * 2)) as typeof this.data;
    next.set(this.data as never);
    this.data = next;
  }

  /** The cell of group g. */
  get(g: number): CellValue {
    return this.data[g] as CellValue;
  }

  /** Sets the cell of group g to `value`, a cell of the same type. */
  set(g: number, value: CellValue): void {
    (this.data as CellValue[])[g] = value;
  }

  /** Slots 0 … n − 1 as a column of the type (a copy; SYMBOL newly encoded). */
  column(n: number): Column {
    if (Array.isArray(this.data)) return columnFromValues(this.type, this.data.slice(0, n));
    return { type: this.type, data: this.data.slice(0, n) } as Column;
  }
}

function emptySlots(type: ColumnType, length: number): SlotData {
  if (physicalKind(type) === 'text') return new Array<string>(length).fill(NULL_TEXT);
  return nullColumn(type, length).data as SlotData;
}
