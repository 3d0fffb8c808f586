// Proves the message printer writes DolphinDB literals for every type and the compact printer the
// key forms: golden tables, including nulls, negatives and out-of-day times.

import { describe, expect, it } from 'vitest';
import { NULL_DOUBLE, NULL_INT32, NULL_INT64 } from '../types/column-type.ts';
import type { CellValue, ColumnType } from '../types/column-type.ts';
import { formatCell, formatCellCompact } from './value-format.ts';

describe('formatCell', () => {
  it.each([
    ['DATE', 19365, '2023.01.08'],
    ['DATE', NULL_INT32, 'null'],
    ['MONTH', 2023 * 12, '2023.01M'],
    ['TIME', 48610008, '13:30:10.008'],
    ['MINUTE', 810, '13:30m'],
    ['SECOND', 48610, '13:30:10'],
    ['NANOTIME', 48610_008007006n, '13:30:10.008007006'],
    ['DATETIME', 1339594210, '2012.06.13T13:30:10'],
    ['DATETIME', -1, '1969.12.31T23:59:59'],
    ['TIMESTAMP', 1339594210008n, '2012.06.13T13:30:10.008'],
    ['TIMESTAMP', NULL_INT64, 'null'],
    ['NANOTIMESTAMP', 1339594210_008007006n, '2012.06.13T13:30:10.008007006'],
    ['BOOL', 1, 'true'],
    ['INT', -7, '-7'],
    ['LONG', 12n, '12'],
    ['DOUBLE', 2.5, '2.5'],
    ['DOUBLE', NULL_DOUBLE, 'null'],
    ['SYMBOL', 'AAPL', '"AAPL"'],
    ['STRING', '', 'null'],
  ] as const)('%s %s prints %s', (type: ColumnType, value: CellValue, text: string) => {
    expect(formatCell(type, value)).toBe(text);
  });
});

describe('formatCellCompact', () => {
  it.each([
    ['TIME', -1, '-000000001'],
    ['TIME', 90_000_000, '250000000'],
    ['MINUTE', -1, '-0001m'],
    ['MONTH', -1, '-000112M'],
    ['SYMBOL', 'a b', 'a b'],
  ] as const)('%s %s prints %s', (type: ColumnType, value: CellValue, text: string) => {
    expect(formatCellCompact(type, value)).toBe(text);
  });
});
