// Proves describeScheme gives the short descriptions messages quote, for every scheme kind.
// Golden strings.

import { describe, expect, it } from 'vitest';
import { describeScheme } from './describe-scheme.ts';
import type { PartitionScheme } from './partition-scheme.ts';

const YEAR_2023 = Array.from({ length: 365 }, (_, i) => 19358 + i);

describe('describeScheme', () => {
  it.each<readonly [PartitionScheme, string]>([
    [{ kind: 'VALUE', type: 'DATE', values: YEAR_2023 }, 'VALUE over DATE 2023.01.01..2023.12.31'],
    [{ kind: 'VALUE', type: 'DATE', values: [19365] }, 'VALUE over DATE 2023.01.08'],
    [{ kind: 'VALUE', type: 'INT', values: [5, 1] }, 'VALUE over INT 1, 5'],
    [{ kind: 'VALUE', type: 'INT', values: [5, 1, 9] }, 'VALUE over INT 1..9 (3 values)'],
    [
      { kind: 'VALUE', type: 'SYMBOL', values: ['B', 'A', 'C'] },
      'VALUE over SYMBOL "A".."C" (3 values)',
    ],
    [{ kind: 'RANGE', type: 'INT', boundaries: [0, 10, 20] }, 'RANGE over INT [0, 20) in 2 ranges'],
    [
      { kind: 'RANGE', type: 'MONTH', boundaries: [24276, 24277] },
      'RANGE over MONTH [2023.01M, 2023.02M) in 1 range',
    ],
    [{ kind: 'HASH', type: 'SYMBOL', buckets: 10 }, 'HASH over SYMBOL into 10 buckets'],
    [{ kind: 'LIST', type: 'SYMBOL', lists: [['A'], ['B']] }, 'LIST over SYMBOL in 2 lists'],
    [
      {
        kind: 'COMPO',
        levels: [
          { kind: 'VALUE', type: 'DATE', values: YEAR_2023 },
          { kind: 'HASH', type: 'SYMBOL', buckets: 1 },
        ],
      },
      'COMPO of VALUE over DATE 2023.01.01..2023.12.31 and HASH over SYMBOL into 1 bucket',
    ],
  ])('%o', (scheme, text) => {
    expect(describeScheme(scheme)).toBe(text);
  });
});
