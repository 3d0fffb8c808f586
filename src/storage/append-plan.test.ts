// Proves a planned append (planRows, as a cluster coordinator makes it) writes what a plain
// append writes, and that a plan made before the table or database changed is not trusted.
// Real temp stores; the plan is made from the catalog, then the catalog is changed under it.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import { daysFromCivil } from '../core/types/calendar.ts';
import type { CellValue } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import { addColumn, append, createDatabase, createPartitionedTable } from './index.ts';
import { requireDatabase, requireTable } from './snapshot.ts';
import type { Store } from './store.ts';
import { columnsFromRows, sortedRows, tempStore } from './test-support.ts';
import { planRows } from './write-rows.ts';
import type { PlannedRows } from './write-rows.ts';

const DB = 'dfs://plan';
const FIRST_DAY = daysFromCivil(2023, 1, 1);
const SCHEMA = [
  { name: 'sym', type: 'SYMBOL' },
  { name: 'ts', type: 'DATETIME' },
  { name: 'px', type: 'DOUBLE' },
] as const;
const at = (day: number, seconds: number): number => (FIRST_DAY + day) * 86400 + seconds;

function sample(): Column[] {
  return columnsFromRows(
    SCHEMA.map((c) => c.type),
    [
      ['A', at(7, 100), 10.5],
      ['B', at(8, 200), 20.25],
      ['A', at(7, 300), 11],
    ],
  );
}

function planOf(store: Store, columns: readonly Column[]): PlannedRows {
  const state = store.catalog;
  return planRows(requireDatabase(state, DB), requireTable(state, DB, 't'), columns);
}

async function rows(store: Store): Promise<CellValue[][]> {
  const snapshot = store.snapshot();
  try {
    return sortedRows(await snapshot.readTable(DB, 't'));
  } finally {
    snapshot.release();
  }
}

describe('append with a plan', () => {
  let handle: Awaited<ReturnType<typeof tempStore>>;

  beforeEach(async () => {
    handle = await tempStore();
    const days = Array.from({ length: 365 }, (_, i) => FIRST_DAY + i);
    await createDatabase(handle.store, DB, { kind: 'VALUE', type: 'DATE', values: days });
    await createPartitionedTable(handle.store, DB, 't', SCHEMA, ['ts']);
  });
  afterEach(async () => handle.cleanup());

  it('splits the rows by partition as a plain append does', async () => {
    const columns = sample();
    const plan = planOf(handle.store, columns);
    expect(plan.parts.map((p) => [p.key, [...(p.rows ?? [])]])).toEqual([
      ['20230108', [0, 2]],
      ['20230109', [1]],
    ]);
    const effects = await append(handle.store, DB, 't', plan.columns, plan);
    expect(effects.rowsWritten).toBe(3);
    expect(
      effects.changes.flatMap((c) => (c.kind === 'add-segments' ? [c.partition] : [])),
    ).toEqual(['20230108', '20230109']);
    expect(await rows(handle.store)).toEqual(sortedRows(sample()));
  });

  it('checks the rows again when the table changed after the plan was made', async () => {
    const columns = sample();
    const plan = planOf(handle.store, columns);
    await addColumn(handle.store, DB, 't', { name: 'qty', type: 'INT' });
    const error = await append(handle.store, DB, 't', columns, plan).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isShoalError(error, 'COLUMN_MISMATCH'), String(error)).toBe(true);
    expect(await rows(handle.store)).toEqual([]);
  });
});
