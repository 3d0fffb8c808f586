// Builds the result tables of the replication status functions from rows of plain values,
// with the column names and types of SPEC §5 (times are NANOTIMESTAMP).

import { NULL_DOUBLE, NULL_INT32, NULL_INT64 } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import type { Value } from '../query/value.ts';

/** A status column's type. */
export type StatusType = 'INT' | 'LONG' | 'BOOL' | 'STRING' | 'NANOTIMESTAMP' | 'DOUBLE';

/** One column of a status table: its name, type and how to read it from a row. */
export interface StatusColumn<R> {
  readonly name: string;
  readonly type: StatusType;
  readonly of: (row: R) => number | string | boolean | null;
}

/** A table value with `columns` over `rows`; a time given as milliseconds (0 = null). */
export function statusTable<R>(columns: readonly StatusColumn<R>[], rows: readonly R[]): Value {
  return {
    kind: 'table',
    table: {
      names: columns.map((c) => c.name),
      columns: columns.map((c) => columnOf(c, rows)),
    },
  };
}

function columnOf<R>(spec: StatusColumn<R>, rows: readonly R[]): Column {
  const values = rows.map(spec.of);
  switch (spec.type) {
    case 'STRING':
      return { type: 'STRING', data: values.map((v) => (v === null ? '' : String(v))) };
    case 'BOOL':
      return { type: 'BOOL', data: Int8Array.from(values, (v) => (v === true ? 1 : 0)) };
    case 'INT':
      return {
        type: 'INT',
        data: Int32Array.from(values, (v) => (v === null ? NULL_INT32 : Number(v))),
      };
    case 'DOUBLE':
      return {
        type: 'DOUBLE',
        data: Float64Array.from(values, (v) => (v === null ? NULL_DOUBLE : Number(v))),
      };
    case 'LONG':
      return {
        type: 'LONG',
        data: BigInt64Array.from(values, (v) =>
          v === null ? NULL_INT64 : BigInt(Math.trunc(Number(v))),
        ),
      };
    case 'NANOTIMESTAMP':
      return {
        type: 'NANOTIMESTAMP',
        data: BigInt64Array.from(values, (v) =>
          v === null || v === 0 ? NULL_INT64 : BigInt(Math.trunc(Number(v))) * 1_000_000n,
        ),
      };
  }
}
