// Proves parseGoldenFile reads setup, cases, outputs (dash rules included), errors and bug marks,
// and rejects malformed files with file and line; fast-check round-trips rendered files.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GoldenFormatError, parseGoldenFile, renderGoldenFile } from './golden-file.ts';
import type { GoldenCase, GoldenFile } from './golden-file.ts';

const SAMPLE = [
  '// A sample file.',
  '',
  '-- setup',
  'create database "dfs://g" partitioned by VALUE(1..3)',
  '',
  '-- case: a table',
  'select a',
  'from t',
  '-- expect',
  'a b',
  '- --',
  '1',
  '',
  '-- case: nothing printed',
  'drop table "dfs://g"."t"',
  '-- expect',
  '',
  '-- case: an error',
  '-- bug: says nothing useful',
  'select pz from t',
  '-- expect error S00303',
  'line 1, column 8',
  '  Did you mean px?  ',
  '',
].join('\n');

describe('parseGoldenFile', () => {
  it('reads the setup and each case with its expectation', () => {
    const file = parseGoldenFile(SAMPLE, 'sample.sql');
    expect(file.setup).toBe('create database "dfs://g" partitioned by VALUE(1..3)');
    expect(file.cases).toEqual([
      {
        name: 'a table',
        line: 6,
        statements: 'select a\nfrom t',
        expectation: { kind: 'output', lines: ['a b', '- --', '1'] },
        bug: null,
      },
      {
        name: 'nothing printed',
        line: 14,
        statements: 'drop table "dfs://g"."t"',
        expectation: { kind: 'output', lines: [] },
        bug: null,
      },
      {
        name: 'an error',
        line: 18,
        statements: 'select pz from t',
        expectation: {
          kind: 'error',
          code: 'S00303',
          fragments: ['line 1, column 8', 'Did you mean px?'],
        },
        bug: 'says nothing useful',
      },
    ]);
  });

  it('keeps blank lines inside an output and reads CRLF files', () => {
    const text = '-- case: x\r\nselect 1\r\n-- expect\r\na\r\n\r\nb\r\n';
    expect(parseGoldenFile(text, 'x.sql').cases[0]?.expectation).toEqual({
      kind: 'output',
      lines: ['a', '', 'b'],
    });
  });

  it.each([
    ['select 1\n-- case: x\nselect 1\n-- expect\n', 'x.sql:1', 'only // comments'],
    ['-- case: x\nselect 1\n', 'x.sql:1', 'has no "-- expect" line'],
    ['-- case: x\n-- expect\n1\n', 'x.sql:2', 'has no statements'],
    ['-- case: x\nselect 1\n-- expect\n-- expect\n', 'x.sql:4', 'must follow the statements'],
    ['-- setup\n-- setup\n', 'x.sql:2', 'must come first, and once'],
    ['-- case: x\nselect 1\n-- expext\n', 'x.sql:3', 'unknown directive'],
    ['-- case: x\nselect 1\n-- expect error 303\n', 'x.sql:3', 'error codes look like S00105'],
    ['-- case: x\nselect 1\n-- bug: late\n-- expect\n', 'x.sql:3', 'right after its "-- case:"'],
    ['-- case:\nselect 1\n-- expect\n', 'x.sql:1', 'needs a name'],
    ['-- case: x\n-- bug:\nselect 1\n-- expect\n', 'x.sql:2', 'say what the bug is'],
    [
      '-- case: x\nselect 1\n-- expect\n-- case: x\nselect 2\n-- expect\n',
      'x.sql:4',
      'a second case named "x"',
    ],
  ])('rejects %j', (text, where, message) => {
    const parse = (): unknown => parseGoldenFile(text, 'x.sql');
    expect(parse).toThrow(GoldenFormatError);
    expect(parse).toThrow(where);
    expect(parse).toThrow(message);
  });
});

/** Statement and fragment lines: not blank, not directive-like, no line breaks. */
const textLine = fc
  .stringMatching(/^[A-Za-z0-9`"(),.*=<>:_/-][A-Za-z0-9 `"(),.*=<>:_/-]{0,30}$/)
  .filter((line) => !/^--\s*[A-Za-z]/.test(line) && line.trim() === line);

/** Output lines: text, dash rules and row counts, blank ones only inside. */
const outputLines = fc
  .array(
    fc.oneof(
      textLine,
      fc.constant(''),
      fc.constant('--- ----'),
      fc.constant('-'),
      fc.constant('[0 rows]'),
    ),
    { maxLength: 6 },
  )
  .map((lines) => {
    const first = lines.findIndex((l) => l !== '');
    const last = lines.findLastIndex((l) => l !== '');
    return first < 0 ? [] : lines.slice(first, last + 1);
  });

const goldenCase = fc.record({
  name: fc.stringMatching(/^[A-Za-z0-9(),*_][A-Za-z0-9 (),*_]{0,20}$/).map((n) => n.trimEnd()),
  line: fc.constant(0),
  statements: fc.array(textLine, { minLength: 1, maxLength: 3 }).map((l) => l.join('\n')),
  expectation: fc.oneof(
    outputLines.map((lines) => ({ kind: 'output' as const, lines })),
    fc.record({
      kind: fc.constant('error' as const),
      code: fc.stringMatching(/^S\d{5}$/),
      fragments: fc.array(textLine, { maxLength: 3 }),
    }),
  ),
  bug: fc.option(textLine, { nil: null }),
});

const goldenFile = fc.record({
  setup: fc.array(textLine, { maxLength: 3 }).map((l) => l.join('\n')),
  cases: fc.uniqueArray(goldenCase, { selector: (c) => c.name, maxLength: 5 }),
});

function withoutLines(file: GoldenFile): unknown {
  return { ...file, cases: file.cases.map((c: GoldenCase) => ({ ...c, line: 0 })) };
}

describe('renderGoldenFile', () => {
  it('renders what parseGoldenFile reads back, with each case line on its header (property)', () => {
    fc.assert(
      fc.property(goldenFile, (file) => {
        const text = renderGoldenFile(file);
        const parsed = parseGoldenFile(text, 'generated.sql');
        expect(withoutLines(parsed)).toEqual(withoutLines(file));
        const lines = text.split('\n');
        for (const c of parsed.cases) expect(lines[c.line - 1]).toBe(`-- case: ${c.name}`);
      }),
      { numRuns: 500 },
    );
  });

  it('renders the sample back to an equivalent file', () => {
    const file = parseGoldenFile(SAMPLE, 'sample.sql');
    const again = parseGoldenFile(renderGoldenFile(file), 'again.sql');
    expect(withoutLines(again)).toEqual(withoutLines(file));
    expect(again.cases.map((c) => c.line)).toEqual([4, 12, 16]);
  });
});
