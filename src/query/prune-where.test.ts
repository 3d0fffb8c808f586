import { describe, expect, it } from 'vitest';
import type { PartitionScheme } from '../core/partition/index.ts';
import { daysFromCivil } from '../core/types/calendar.ts';
import type { SelectStatement } from './ast.ts';
import { parseStatement } from './parser.ts';
import { prunedPartitions } from './prune-where.ts';

const day = (d: number): number => daysFromCivil(2023, 1, d);
const DATES: PartitionScheme = {
  kind: 'VALUE',
  type: 'DATE',
  values: [day(1), day(2), day(3), day(4), day(5)],
};

function whereOf(text: string): SelectStatement['where'] {
  const statement = parseStatement(`select * from t where ${text}`);
  if (statement.kind !== 'select') throw new Error('not a select');
  return statement.where;
}

function keys(
  text: string,
  scheme: PartitionScheme = DATES,
  columns = ['d'],
): string[] | undefined {
  return prunedPartitions(scheme, columns, whereOf(text));
}

describe('prunedPartitions', () => {
  it('keeps one partition for an equality on the partition column', () => {
    expect(keys('d == 2023.01.03')).toEqual(['20230103']);
    expect(keys('2023.01.03 = d')).toEqual(['20230103']);
  });

  it('intersects AND terms and widens other temporal types to whole days', () => {
    expect(keys('d >= 2023.01.02 and d < 2023.01.04')).toEqual(['20230102', '20230103']);
    expect(keys('d between 2023.01.02T12:00:00 and 2023.01.03T01:00:00 and x > 1')).toEqual([
      '20230102',
      '20230103',
    ]);
    expect(keys('d > 2023.01.05T00:00:00')).toEqual(['20230105']);
  });

  it('handles in-lists of literals', () => {
    expect(keys('d in [2023.01.01, 2023.01.05]')).toEqual(['20230101', '20230105']);
    expect(keys('d in (2023.01.02, 2023.01.09)')).toEqual(['20230102']);
  });

  it('reads everything when a term cannot be translated', () => {
    expect(keys('x > 1')).toBeUndefined();
    expect(keys('d + 0 == 2023.01.03')).toBeUndefined();
    expect(keys('d == 2023.01.03 or d == 2023.01.04')).toBeUndefined();
    expect(keys('not d in [2023.01.01]')).toBeUndefined();
    expect(keys('d != 2023.01.01')).toBeUndefined();
    expect(keys('d == "abc"')).toHaveLength(5);
    expect(prunedPartitions(DATES, ['d'], null)).toBeUndefined();
    expect(prunedPartitions(DATES, [], whereOf('d == 2023.01.03'))).toBeUndefined();
  });

  it('prunes either level of a COMPO scheme', () => {
    const compo: PartitionScheme = {
      kind: 'COMPO',
      levels: [DATES, { kind: 'VALUE', type: 'SYMBOL', values: ['A', 'B'] }],
    };
    expect(keys('d == 2023.01.02 and s == `B', compo, ['d', 's'])).toEqual(['20230102/B']);
    expect(keys('s == `A', compo, ['d', 's'])?.length).toBe(5);
  });

  it('keeps nothing when terms contradict', () => {
    expect(keys('d == 2023.01.01 and d == 2023.01.02')).toEqual([]);
  });
});
