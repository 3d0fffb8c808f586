// Proves the type rules: what each operator accepts and the type it combines or compares in,
// and that refusals are TYPE_MISMATCH at the statement position: golden tables over type pairs.

import { describe, expect, it } from 'vitest';
import type { ColumnType } from '../../core/types/column-type.ts';
import type { BinaryOperator } from '../ast.ts';
import { commonType, domainOf, tryCommonType } from './promote-types.ts';
import { AT, errorOf } from './test-support.ts';

type Case = readonly [ColumnType, BinaryOperator, ColumnType, ColumnType | undefined];

const ARITHMETIC: readonly Case[] = [
  ['INT', '+', 'INT', 'INT'],
  ['BOOL', '+', 'BOOL', 'INT'],
  ['CHAR', '*', 'SHORT', 'INT'],
  ['INT', '-', 'LONG', 'LONG'],
  ['SHORT', '/', 'LONG', 'LONG'],
  ['INT', '%', 'DOUBLE', 'DOUBLE'],
  ['LONG', '+', 'FLOAT', 'DOUBLE'],
  ['FLOAT', '+', 'FLOAT', 'FLOAT'],
  ['FLOAT', '/', 'DOUBLE', 'DOUBLE'],
  ['DATE', '+', 'INT', 'DATE'],
  ['INT', '+', 'DATE', 'DATE'],
  ['DATE', '-', 'INT', 'DATE'],
  ['TIMESTAMP', '+', 'LONG', 'TIMESTAMP'],
  ['MONTH', '-', 'SHORT', 'MONTH'],
  ['DATE', '-', 'DATE', 'INT'],
  ['DATETIME', '-', 'DATETIME', 'INT'],
  ['TIMESTAMP', '-', 'TIMESTAMP', 'LONG'],
  ['NANOTIME', '-', 'NANOTIME', 'LONG'],
  ['INT', '-', 'DATE', undefined],
  ['DATE', '+', 'DATE', undefined],
  ['DATE', '-', 'DATETIME', undefined],
  ['DATE', '*', 'INT', undefined],
  ['DATE', '+', 'DOUBLE', undefined],
  ['STRING', '+', 'STRING', 'STRING'],
  ['SYMBOL', '+', 'STRING', 'STRING'],
  ['SYMBOL', '+', 'SYMBOL', 'STRING'],
  ['STRING', '-', 'STRING', undefined],
  ['STRING', '+', 'INT', undefined],
  ['INT', '*', 'SYMBOL', undefined],
  ['DATE', '+', 'STRING', undefined],
];

const COMPARISON: readonly Case[] = [
  ['INT', '<', 'INT', 'INT'],
  ['BOOL', '==', 'BOOL', 'BOOL'],
  ['CHAR', '<', 'SHORT', 'INT'],
  ['INT', '==', 'LONG', 'LONG'],
  ['INT', '>', 'DOUBLE', 'DOUBLE'],
  ['LONG', '>=', 'DOUBLE', 'DOUBLE'],
  ['FLOAT', '<', 'FLOAT', 'FLOAT'],
  ['DATETIME', '<', 'DATE', 'DATETIME'],
  ['DATE', '<', 'TIMESTAMP', 'TIMESTAMP'],
  ['MONTH', '==', 'DATE', 'DATE'],
  ['MINUTE', '<=', 'TIME', 'TIME'],
  ['DATETIME', '<', 'TIME', undefined],
  ['SECOND', '==', 'DATETIME', undefined],
  ['DATE', '<', 'SECOND', undefined],
  ['DATE', '>', 'INT', 'DATE'],
  ['SHORT', '>', 'DATE', 'DATE'],
  ['DATE', '>', 'LONG', 'LONG'],
  ['TIMESTAMP', '>', 'INT', 'TIMESTAMP'],
  ['DATE', '!=', 'DOUBLE', 'DOUBLE'],
  ['SYMBOL', '==', 'SYMBOL', 'SYMBOL'],
  ['SYMBOL', '==', 'STRING', 'STRING'],
  ['STRING', '<', 'INT', undefined],
  ['DATE', '==', 'STRING', undefined],
  ['INT', 'and', 'BOOL', 'BOOL'],
  ['DOUBLE', 'or', 'LONG', 'BOOL'],
  ['DATE', 'and', 'BOOL', undefined],
  ['STRING', 'or', 'BOOL', undefined],
];

describe('commonType', () => {
  it.each(ARITHMETIC)('%s %s %s is %s', (a, op, b, expected) => {
    expect(tryCommonType(a, b, op)).toBe(expected);
  });

  it.each(COMPARISON)('%s %s %s compares as %s', (a, op, b, expected) => {
    expect(tryCommonType(a, b, op)).toBe(expected);
  });

  it('is symmetric for comparisons', () => {
    for (const [a, op, b, expected] of COMPARISON) expect(tryCommonType(b, a, op)).toBe(expected);
  });

  it('refuses with TYPE_MISMATCH at the position, naming both types', () => {
    const error = errorOf(() => commonType('STRING', 'INT', '+', AT));
    expect(error.kind).toBe('TYPE_MISMATCH');
    expect(error.position).toEqual(AT);
    expect(error.message).toMatch(/^line 3, column 7: cannot apply \+ to STRING and INT: /);
    expect(commonType('DATE', 'INT', '+', AT)).toBe('DATE');
  });

  it('maps each type to the domain its loops run in', () => {
    expect(
      ['BOOL', 'CHAR', 'SHORT', 'INT', 'DATE', 'DATETIME'].map((t) => domainOf(t as ColumnType)),
    ).toEqual(Array(6).fill('int32'));
    expect(domainOf('TIMESTAMP')).toBe('int64');
    expect(domainOf('FLOAT')).toBe('float64');
    expect(domainOf('SYMBOL')).toBe('text');
  });
});
