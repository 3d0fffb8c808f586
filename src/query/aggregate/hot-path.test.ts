// Proves the shape of the benchmark query, avg(LastPx), sum(Volume) by SecurityID over 1.21 M
// rows and 5,000 symbols in segments with their own dictionaries, gives exact per-symbol
// results. A sanity check of the fast paths only: nothing here measures or asserts time.

import { describe, expect, it } from 'vitest';
import { NULL_DOUBLE, NULL_INT64 } from '../../core/types/column-type.ts';
import { columnValues } from '../../core/types/column-ops.ts';
import type { Column } from '../../core/types/column.ts';
import { mergePartials, PartialAggregator } from './index.ts';
import type { AggregateSpec } from './index.ts';

const ROWS = 1_210_000;
const SYMBOLS = 5_000;
const SEGMENT_ROWS = 100_000;
const PARTITIONS = 3;

const at = { line: 1, column: 8 };
const SPECS: readonly AggregateSpec[] = [
  { name: 'avg', inputType: 'DOUBLE', position: at },
  { name: 'sum', inputType: 'LONG', position: at },
];

const symbolOf = (row: number): number => (row * 7919) % SYMBOLS;
const priceOf = (row: number): number => (row % 997) / 4; // quarters: exact sums
const volumeOf = (row: number): number => (row % 1013) * 100;
const isNullRow = (row: number): boolean => row % 1009 === 0;

/** Rows [start, end) as a batch; its dictionary lists the symbols in reverse (a fresh one). */
function segment(start: number, end: number): { keys: Column[]; inputs: Column[] } {
  const rows = end - start;
  const dictionary = Array.from({ length: SYMBOLS }, (_, i) => `S${SYMBOLS - 1 - i}`);
  const codes = new Int32Array(rows);
  const prices = new Float64Array(rows);
  const volumes = new BigInt64Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = start + i;
    codes[i] = SYMBOLS - 1 - symbolOf(row);
    prices[i] = isNullRow(row) ? NULL_DOUBLE : priceOf(row);
    volumes[i] = isNullRow(row) ? NULL_INT64 : BigInt(volumeOf(row));
  }
  return {
    keys: [{ type: 'SYMBOL', data: { codes, dictionary } }],
    inputs: [
      { type: 'DOUBLE', data: prices },
      { type: 'LONG', data: volumes },
    ],
  };
}

describe('the benchmark query shape', () => {
  it('groups 1.21 M rows by 5,000 symbols with exact sums and averages', () => {
    const perPartition = Math.ceil(ROWS / PARTITIONS);
    const partials = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const aggregator = new PartialAggregator(['SYMBOL'], SPECS);
      const end = Math.min(ROWS, (p + 1) * perPartition);
      for (let start = p * perPartition; start < end; start += SEGMENT_ROWS) {
        const batch = segment(start, Math.min(end, start + SEGMENT_ROWS));
        aggregator.add(batch.keys, batch.inputs, Math.min(end, start + SEGMENT_ROWS) - start);
      }
      partials.push(aggregator.finishPartial());
    }
    const { keys, values } = mergePartials(['SYMBOL'], SPECS, partials);

    const priceSums = new Float64Array(SYMBOLS);
    const volumeSums = new Float64Array(SYMBOLS);
    const counts = new Float64Array(SYMBOLS);
    for (let row = 0; row < ROWS; row++) {
      if (isNullRow(row)) continue;
      const s = symbolOf(row);
      priceSums[s] = (priceSums[s] as number) + priceOf(row);
      volumeSums[s] = (volumeSums[s] as number) + volumeOf(row);
      counts[s] = (counts[s] as number) + 1;
    }
    const symbols = columnValues(keys[0] as Column);
    const averages = columnValues(values[0] as Column);
    const volumes = columnValues(values[1] as Column);
    expect(symbols).toHaveLength(SYMBOLS);
    expect(symbols.slice(0, 3)).toEqual(['S0', `S${symbolOf(1)}`, `S${symbolOf(2)}`]);
    symbols.forEach((symbol, g) => {
      const s = Number((symbol as string).slice(1));
      expect(averages[g]).toBe((priceSums[s] as number) / (counts[s] as number));
      expect(volumes[g]).toBe(BigInt(volumeSums[s] as number));
    });
  });
});
