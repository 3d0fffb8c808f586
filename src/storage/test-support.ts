// Test support for the storage layer: temp stores and small tables built from plain values.
// Imported only by tests and benchmarks.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import { Store } from './store.ts';
import type { StoreOptions } from './store.ts';

/** A store in a fresh temp folder; `cleanup` closes it and removes the folder. */
export async function tempStore(options: Partial<StoreOptions> = {}): Promise<{
  store: Store;
  dir: string;
  reopen: () => Promise<Store>;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-store-'));
  const handle = {
    store: await Store.open({ ...options, dir }),
    dir,
    reopen: async () => {
      await handle.store.close();
      handle.store = await Store.open({ ...options, dir });
      return handle.store;
    },
    cleanup: async () => {
      await handle.store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Columns from rows of physical values, given the column types. */
export function columnsFromRows(
  types: readonly ColumnType[],
  rows: readonly (readonly CellValue[])[],
): Column[] {
  return types.map((type, c) =>
    columnFromValues(
      type,
      rows.map((row) => row[c] as CellValue),
    ),
  );
}

/** Rows of physical values from columns, sorted (order-independent comparison). */
export function sortedRows(columns: readonly Column[]): CellValue[][] {
  const values = columns.map(columnValues);
  const count = values[0]?.length ?? 0;
  const rows: CellValue[][] = [];
  for (let r = 0; r < count; r++) rows.push(values.map((v) => v[r] as CellValue));
  return rows.sort(compareRows);
}

function compareRows(a: readonly CellValue[], b: readonly CellValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as CellValue;
    const y = b[i] as CellValue;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
