// Proves like matches whole strings case-sensitively with % (any run) and _ (one character),
// the same through every fast path, the regular expression and SYMBOL dictionaries, and refuses
// non-text operands and patterns: goldens.

import { describe, expect, it } from 'vitest';
import { compileLike, applyLike } from './like.ts';
import { AT, NULL, errorOf, sc, show, vec } from './test-support.ts';

const TEXTS = ['', 'a', 'abc', 'ABC', 'xabcx', 'ab', 'a.c', 'a\nc', '😀c'];

function matching(pattern: string): readonly string[] {
  const matches = compileLike(pattern);
  return TEXTS.filter((text) => matches(text));
}

describe('compileLike', () => {
  it.each([
    ['abc', ['abc']],
    ['%', TEXTS],
    ['%%', TEXTS],
    ['a%', ['a', 'abc', 'ab', 'a.c', 'a\nc']],
    ['%c', ['abc', 'a.c', 'a\nc', '😀c']],
    ['%bc%', ['abc', 'xabcx']],
    ['a_c', ['abc', 'a.c', 'a\nc']],
    ['_c', ['😀c']],
    ['a.c', ['a.c']],
    ['a%c', ['abc', 'a.c', 'a\nc']],
    ['%b%c', ['abc', 'xabcx'].filter((t) => t.endsWith('c'))],
    ['_', ['a']],
    ['', ['']],
  ] as const)('%j matches %j', (pattern, expected) => {
    expect(matching(pattern)).toEqual(expected);
  });

  it('treats regular expression syntax as plain characters', () => {
    expect(compileLike('(a|b)*')('(a|b)*')).toBe(true);
    expect(compileLike('(a|b)*')('a')).toBe(false);
    expect(compileLike('[x]_\\%')('[x]y\\z')).toBe(true);
  });
});

describe('applyLike', () => {
  it('matches STRING and SYMBOL vectors and scalars', () => {
    expect(
      show(applyLike(vec('STRING', ['IBM', 'ibm', '']), sc('STRING', 'I%'), false, AT)),
    ).toEqual({
      kind: 'vector',
      type: 'BOOL',
      cells: [1, 0, 0],
    });
    const symbols = vec('SYMBOL', ['IBM', 'MSFT', 'IBM', '']);
    expect(show(applyLike(symbols, sc('SYMBOL', '%B%'), false, AT)).cells).toEqual([1, 0, 1, 0]);
    expect(show(applyLike(symbols, sc('STRING', '%B%'), true, AT)).cells).toEqual([0, 1, 0, 1]);
    expect(show(applyLike(sc('STRING', 'abc'), sc('STRING', 'a_c'), false, AT))).toEqual({
      kind: 'scalar',
      type: 'BOOL',
      cells: [1],
    });
    expect(show(applyLike(NULL, sc('STRING', '%'), false, AT)).cells).toEqual([1]);
  });

  it('matches a SYMBOL row by row when its dictionary outgrows the rows', () => {
    const wide = {
      kind: 'vector',
      column: { type: 'SYMBOL', data: { codes: Int32Array.of(1), dictionary: ['IBM', 'MSFT'] } },
    } as const;
    expect(show(applyLike(wide, sc('STRING', 'M%'), false, AT)).cells).toEqual([1]);
  });

  it('refuses non-text operands and patterns that are not text scalars', () => {
    const error = errorOf(() => applyLike(vec('INT', [1]), sc('STRING', '1%'), false, AT));
    expect(error.kind).toBe('TYPE_MISMATCH');
    expect(error.message).toMatch(/^line 3, column 7: cannot apply like to an INT vector: /);
    const pattern = errorOf(() => applyLike(sc('STRING', 'a'), vec('STRING', ['a']), true, AT));
    expect(pattern.kind).toBe('TYPE_MISMATCH');
    expect(pattern.message).toContain('not like needs a STRING or SYMBOL scalar as its pattern');
    expect(errorOf(() => applyLike(sc('STRING', 'a'), NULL, false, AT)).kind).toBe('TYPE_MISMATCH');
  });
});
