// Proves segment files round-trip text exactly: STRING columns and SYMBOL dictionaries, in
// ASCII (encoded in one call) and with multi-byte characters (per-string lengths), empty
// strings (the null sentinel) included, and a column of zero rows.
// How: encodeSegment then decodeSegment, compared value by value.

import { describe, expect, it } from 'vitest';
import type { Column } from '../core/types/column.ts';
import { columnValues } from '../core/types/column-ops.ts';
import { decodeSegment, encodeSegment } from './segment-codec.ts';

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
