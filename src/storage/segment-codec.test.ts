// Proves segment files round-trip text exactly: STRING columns and SYMBOL dictionaries, in
// ASCII (encoded and decoded in one call) and with multi-byte characters (per-string lengths),
// empty strings (the null sentinel) included, and a column of zero rows; text read from a slice
// of Arrow data (a later batch's rows), and bytes that are not UTF-8, read as one string at a
// time would read them.
// How: encodeSegment then decodeSegment, compared value by value; fast-check draws the texts.

import { Utf8, makeData, makeVector } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Column } from '../core/types/column.ts';
import { columnValues } from '../core/types/column-ops.ts';
import { decodeSegment, encodeSegment, fromArrowVector } from './segment-codec.ts';

function roundTrip(column: Column): Column {
  const bytes = Buffer.concat(encodeSegment([{ id: 3, name: 'x', column }]));
  const decoded = decodeSegment(bytes, 'test').get(3);
  if (decoded === undefined) throw new Error('column 3 is missing');
  return decoded;
}

const TEXTS = [
  ['AAPL', '', 'MSFT', 'a longer ascii value with spaces'],
  ['café', '', '中文', 'emoji 🚀 and ascii', 'ß'],
  [],
];

describe('segment text columns', () => {
  for (const texts of TEXTS) {
    it(`round-trips STRING ${JSON.stringify(texts)}`, () => {
      const decoded = roundTrip({ type: 'STRING', data: texts });
      expect(decoded.type).toBe('STRING');
      expect(columnValues(decoded)).toEqual(texts);
    });

    it(`round-trips a SYMBOL dictionary ${JSON.stringify(texts)}`, () => {
      const codes = Int32Array.from(texts.flatMap((_, i) => [i, texts.length - 1 - i]));
      const column: Column = { type: 'SYMBOL', data: { codes, dictionary: texts } };
      const decoded = roundTrip(column);
      expect(decoded.type).toBe('SYMBOL');
      expect(columnValues(decoded)).toEqual(columnValues(column));
    });
  }
});

describe('segment text decoding', () => {
  it('round-trips drawn texts, ASCII or not, as STRING and as a SYMBOL dictionary', () => {
    const texts = fc.oneof(fc.array(fc.string()), fc.array(fc.string({ unit: 'grapheme' })));
    fc.assert(
      fc.property(texts, (drawn) => {
        expect(columnValues(roundTrip({ type: 'STRING', data: drawn }))).toEqual(drawn);
        const codes = Int32Array.from(drawn.map((_, i) => i));
        const symbol: Column = { type: 'SYMBOL', data: { codes, dictionary: drawn } };
        expect(columnValues(roundTrip(symbol))).toEqual(drawn);
      }),
      { numRuns: 200 },
    );
  });

  it('reads only the rows of a slice of Arrow data', () => {
    const whole = roundTrip({ type: 'STRING', data: ['zero', 'one', 'two', 'three', 'four'] });
    const bytes = Buffer.from('zeroonetwothreefour', 'latin1');
    const offsets = Int32Array.from([0, 4, 7, 10, 15, 19]);
    const data = makeData({
      type: new Utf8(),
      length: 5,
      nullCount: 0,
      valueOffsets: offsets,
      data: bytes,
    });
    const sliced = fromArrowVector('STRING', makeVector(data).slice(1, 4));
    expect(columnValues(sliced)).toEqual(['one', 'two', 'three']);
    expect(columnValues(whole)).toHaveLength(5);
  });

  it('reads bytes that are not UTF-8 as each string alone would read', () => {
    const pieces = [Uint8Array.of(0x61, 0xff), Uint8Array.of(0xc3), Uint8Array.of(0xa9, 0x62)];
    const bytes = Uint8Array.from(pieces.flatMap((piece) => [...piece]));
    const offsets = Int32Array.from([0, 2, 3, 5]);
    const data = makeData({
      type: new Utf8(),
      length: 3,
      nullCount: 0,
      valueOffsets: offsets,
      data: bytes,
    });
    const decoder = new TextDecoder();
    expect(columnValues(fromArrowVector('STRING', makeVector(data)))).toEqual(
      pieces.map((piece) => decoder.decode(piece)),
    );
  });
});
