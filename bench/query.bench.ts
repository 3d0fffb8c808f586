// The query benchmark (issue: query engine), on the seed tutorial's 1,210,000-row table:
// count(*), a group-by aggregation, and a DateTime filter. Pruning is shown on a second table
// holding the tutorial day and the day after it: the same filter written so that it prunes
// (on the partition column) and so that it cannot (on an expression of it) reads one
// partition against two. The storage scan of the same columns is the floor for ratios.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Column } from '../src/core/types/column.ts';
import {
  TUTORIAL_DB,
  TUTORIAL_ROWS,
  TUTORIAL_TABLE,
  tutorialColumns,
} from '../src/cli/tutorial-data.ts';
import { QuerySession } from '../src/query/session.ts';
import type { Value } from '../src/query/value.ts';
import { append, Store } from '../src/storage/index.ts';
import { median } from './machine.ts';
import { createTutorialTables } from './tutorial-store.ts';

const REPEATS = 5;
const T = `loadTable("${TUTORIAL_DB}", "${TUTORIAL_TABLE}")`;
const TWO_DAYS = 'twoDays';
const T2 = `loadTable("${TUTORIAL_DB}", "${TWO_DAYS}")`;

export interface QueryFigure {
  readonly statement: string;
  readonly rowsInTable: number;
  readonly millis: number;
  readonly rowsPerSec: number;
  readonly resultRows: number;
}

export interface QueryBenchResult {
  readonly countAll: QueryFigure;
  readonly groupBySymbol: QueryFigure;
  readonly filterDateTime: QueryFigure;
  /** Reading and decoding SecurityID, LastPx, Volume through the storage scan alone. */
  readonly scanFloorMillis: number;
  readonly groupByRatioToScan: number;
  readonly prunedFilter: QueryFigure;
  readonly unprunedFilter: QueryFigure;
  readonly prunedRatio: number;
}

export async function benchQueries(): Promise<QueryBenchResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-bench-query-'));
  const store = await Store.open({ dir });
  try {
    await load(store);
    const session = new QuerySession(store);
    const rows = TUTORIAL_ROWS;
    const countAll = await measure(session, `exec count(*) from ${T}`, rows);
    const groupBySymbol = await measure(
      session,
      `select avg(LastPx), sum(Volume) from ${T} group by SecurityID`,
      rows,
    );
    const filterDateTime = await measure(
      session,
      `select count(*), avg(LastPx) from ${T} where DateTime between 2023.01.08T09:30:00 and 2023.01.08T10:29:59`,
      rows,
    );
    const scanFloorMillis = await scanFloor(store);
    const window = 'between 2023.01.09T09:30:00 and 2023.01.09T15:00:00';
    const prunedFilter = await measure(
      session,
      `select count(*), sum(Volume) from ${T2} where DateTime ${window}`,
      2 * rows,
    );
    const unprunedFilter = await measure(
      session,
      `select count(*), sum(Volume) from ${T2} where DateTime + 0 ${window}`,
      2 * rows,
    );
    return {
      countAll,
      groupBySymbol,
      filterDateTime,
      scanFloorMillis: round(scanFloorMillis),
      groupByRatioToScan: round(groupBySymbol.millis / scanFloorMillis),
      prunedFilter,
      unprunedFilter,
      prunedRatio: round(prunedFilter.millis / unprunedFilter.millis),
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function load(store: Store): Promise<void> {
  await createTutorialTables(store, [TUTORIAL_TABLE, TWO_DAYS]);
  const columns = tutorialColumns();
  await append(store, TUTORIAL_DB, TUTORIAL_TABLE, columns);
  await append(store, TUTORIAL_DB, TWO_DAYS, columns);
  await append(store, TUTORIAL_DB, TWO_DAYS, shiftDays(columns, 1));
}

/** The same rows one day later (DateTime is column 1, in seconds). */
function shiftDays(columns: readonly Column[], days: number): Column[] {
  return columns.map((column, i) => {
    if (i !== 1 || column.type !== 'DATETIME') return column;
    return { type: 'DATETIME', data: column.data.map((t) => t + days * 86400) };
  });
}

async function measure(
  session: QuerySession,
  statement: string,
  rowsInTable: number,
): Promise<QueryFigure> {
  const times: number[] = [];
  let result: Value = { kind: 'void' };
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    [result = result] = await session.run(statement);
    times.push(performance.now() - start);
  }
  const millis = median(times);
  return {
    statement,
    rowsInTable,
    millis: round(millis),
    rowsPerSec: Math.round(rowsInTable / (millis / 1000)),
    resultRows: resultRows(result),
  };
}

function resultRows(value: Value): number {
  if (value.kind !== 'table') return 1;
  const [first] = value.table.columns;
  if (first === undefined) return 0;
  return first.type === 'SYMBOL' ? first.data.codes.length : first.data.length;
}

async function scanFloor(store: Store): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const snapshot = store.snapshot();
    const start = performance.now();
    for await (const batch of snapshot.scan(TUTORIAL_DB, TUTORIAL_TABLE, {
      columns: ['SecurityID', 'LastPx', 'Volume'],
    })) {
      if (batch.columns.length !== 3) throw new Error('scan returned the wrong columns');
    }
    times.push(performance.now() - start);
    snapshot.release();
  }
  return median(times);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
