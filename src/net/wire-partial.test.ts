// Proves partial aggregates cross the wire unchanged: real partials (keyed and keyless, every
// aggregate family including nunique's pair states) decode to the same columns, and merging
// decoded partials gives the same result as merging the originals.

import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import { NULL_DOUBLE, NULL_INT32 } from '../core/types/column-type.ts';
import type { ColumnType } from '../core/types/column-type.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import type { Column } from '../core/types/column.ts';
import { AGGREGATE_NAMES, mergePartials, PartialAggregator } from '../query/aggregate/index.ts';
import type { AggregateSpec, PartialAggregate } from '../query/aggregate/index.ts';
import { expectSameColumn } from './net-test-support.ts';
import { concatBytes, encodeFrame, readFrames } from './wire-frame.ts';
import { decodePartial, encodePartial, partialFromFrame, partialToFrame } from './wire-partial.ts';
import { encodeValue } from './wire-values.ts';

const SPECS: readonly AggregateSpec[] = [
  { name: 'count', inputType: null, position: { line: 1, column: 8 } },
  ...AGGREGATE_NAMES.map((name) => ({
    name,
    inputType: 'DOUBLE' as ColumnType,
    position: { line: 1, column: 20 },
  })),
  { name: 'max', inputType: 'SYMBOL', position: { line: 1, column: 40 } },
  { name: 'nunique', inputType: 'SYMBOL', position: { line: 1, column: 50 } },
];

function partialOf(
  keyTypes: readonly ColumnType[],
  keys: readonly Column[],
  prices: readonly number[],
  syms: readonly string[],
): PartialAggregate {
  const aggregator = new PartialAggregator(keyTypes, SPECS);
  const price = columnFromValues('DOUBLE', prices);
  const sym = columnFromValues('SYMBOL', syms);
  const inputs = SPECS.map((spec) =>
    spec.inputType === null ? null : spec.inputType === 'DOUBLE' ? price : sym,
  );
  aggregator.add(keys, inputs, prices.length);
  return aggregator.finishPartial();
}

function expectSamePartial(actual: PartialAggregate, expected: PartialAggregate): void {
  expect(actual.keys.length).toBe(expected.keys.length);
  expected.keys.forEach((key, i) => expectSameColumn(actual.keys[i] as Column, key));
  expect(actual.states.length).toBe(expected.states.length);
  expected.states.forEach((states, a) => {
    expect((actual.states[a] as readonly Column[]).length).toBe(states.length);
    states.forEach((state, s) =>
      expectSameColumn((actual.states[a] as readonly Column[])[s] as Column, state),
    );
  });
}

const PRICES = [10.5, NULL_DOUBLE, 3, NaN, 7.25, -0, 10.5, 2];
const SYMS = ['IBM', 'AAPL', '', 'IBM', 'MSFT', 'AAPL', 'IBM', ''];

describe('partial aggregates on the wire', () => {
  it('round-trips a keyed partial (SYMBOL and INT keys) with every aggregate family', () => {
    const keys = [
      columnFromValues('SYMBOL', SYMS),
      columnFromValues('INT', [1, 1, 2, NULL_INT32, 2, 1, 1, 2]),
    ];
    const partial = partialOf(['SYMBOL', 'INT'], keys, PRICES, SYMS);
    expectSamePartial(decodePartial(encodePartial(partial)), partial);
  });

  it('round-trips a keyless partial (the global group)', () => {
    const partial = partialOf([], [], PRICES, SYMS);
    const back = decodePartial(encodePartial(partial));
    expect(back.keys).toEqual([]);
    expectSamePartial(back, partial);
  });

  it('merges decoded partials, streamed as consecutive frames, to the same result as the originals', async () => {
    const halves = [
      [0, 4],
      [4, 8],
    ] as const;
    const partials = halves.map(([from, to]) =>
      partialOf(
        ['SYMBOL'],
        [columnFromValues('SYMBOL', SYMS.slice(from, to))],
        PRICES.slice(from, to),
        SYMS.slice(from, to),
      ),
    );
    const body = concatBytes(partials.flatMap((p) => encodeFrame(partialToFrame(p))));
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < body.length; i += 100) yield body.subarray(i, i + 100);
    }
    const decoded: PartialAggregate[] = [];
    for await (const frame of readFrames(source(), 1 << 20)) decoded.push(partialFromFrame(frame));
    const expected = mergePartials(['SYMBOL'], SPECS, partials);
    const actual = mergePartials(['SYMBOL'], SPECS, decoded);
    expect(actual.keys.map(columnValues)).toEqual(expected.keys.map(columnValues));
    expect(actual.values.map(columnValues)).toEqual(expected.values.map(columnValues));
  });

  it('refuses a frame that is not a partial', () => {
    let caught: unknown;
    try {
      decodePartial(encodeValue({ kind: 'null' }));
    } catch (error) {
      caught = error;
    }
    expect(isShoalError(caught, 'BAD_REQUEST')).toBe(true);
    expect(String(caught)).toContain('expected partial');
  });
});
