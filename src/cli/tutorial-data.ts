// The seed tutorial's table (DolphinDB cluster async replication, step 3): one-minute bars
// of 5,000 stocks for 2023.01.08 — 242 bars each (09:30–11:30 and 13:00–15:00), 1,210,000
// rows, 9 columns — generated from a seed so every run writes the same rows.

import type { Column } from '../core/types/column.ts';
import type { ColumnSpec } from '../storage/validate.ts';
import { daysFromCivil } from '../core/types/calendar.ts';

export const TUTORIAL_DB = 'dfs://testDB';
export const TUTORIAL_TABLE = 'testTB';
export const TUTORIAL_STOCKS = 5000;
export const TUTORIAL_BARS_PER_STOCK = 242;
export const TUTORIAL_ROWS = TUTORIAL_STOCKS * TUTORIAL_BARS_PER_STOCK;

/** The tutorial table's schema, partitioned by DateTime over a VALUE scheme of 2023's dates. */
export const TUTORIAL_SCHEMA: readonly ColumnSpec[] = [
  { name: 'SecurityID', type: 'SYMBOL' },
  { name: 'DateTime', type: 'DATETIME' },
  { name: 'PreClosePx', type: 'DOUBLE' },
  { name: 'OpenPx', type: 'DOUBLE' },
  { name: 'HighPx', type: 'DOUBLE' },
  { name: 'LowPx', type: 'DOUBLE' },
  { name: 'LastPx', type: 'DOUBLE' },
  { name: 'Volume', type: 'INT' },
  { name: 'Amount', type: 'DOUBLE' },
];

/** The dates of 2023 as DATE values (days since 1970.01.01): the database's VALUE scheme. */
export function tutorialSchemeValues(): number[] {
  const first = daysFromCivil(2023, 1, 1);
  return Array.from({ length: 365 }, (_, i) => first + i);
}

/** The 1,210,000 rows as columns in schema order; `stocks` scales it down for tests. */
export function tutorialColumns(seed = 1, stocks = TUTORIAL_STOCKS): Column[] {
  const random = mulberry32(seed);
  const rows = stocks * TUTORIAL_BARS_PER_STOCK;
  const prices = Array.from({ length: 100 }, () => Math.round((10 + random() * 100) * 100) / 100);
  const volumes = Array.from({ length: 100 }, () => 100 + Math.floor(random() * 100));
  const times = barTimes();
  const codes = new Int32Array(rows);
  const dateTimes = new Int32Array(rows);
  const px = Array.from({ length: 5 }, () => new Float64Array(rows));
  const volume = new Int32Array(rows);
  const amount = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    codes[row] = Math.floor(row / TUTORIAL_BARS_PER_STOCK);
    dateTimes[row] = times[row % TUTORIAL_BARS_PER_STOCK] as number;
    for (const column of px) column[row] = prices[Math.floor(random() * 100)] as number;
    volume[row] = volumes[Math.floor(random() * 100)] as number;
    const last = (px[4] as Float64Array)[row] as number;
    amount[row] = Math.round(last * (volume[row] as number) * 100) / 100;
  }
  const dictionary = Array.from({ length: stocks }, (_, i) => String(i).padStart(6, '0'));
  return [
    { type: 'SYMBOL', data: { codes, dictionary } },
    { type: 'DATETIME', data: dateTimes },
    ...px.map((data): Column => ({ type: 'DOUBLE', data })),
    { type: 'INT', data: volume },
    { type: 'DOUBLE', data: amount },
  ];
}

/** 2023.01.08T09:30:00 + 0..120 minutes, then 13:00:00 + 0..120 minutes, as DATETIME. */
function barTimes(): number[] {
  const day = daysFromCivil(2023, 1, 8) * 86400;
  const morning = Array.from({ length: 121 }, (_, i) => day + 9 * 3600 + 30 * 60 + i * 60);
  const afternoon = Array.from({ length: 121 }, (_, i) => day + 13 * 3600 + i * 60);
  return [...morning, ...afternoon];
}

/** A small, fast, seeded PRNG (mulberry32): deterministic rows for benches and demos. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
