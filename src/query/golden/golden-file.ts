// The golden case file format: a setup block of statements, then named cases, each a statement
// text and the output it must print (showValue of each result) or the error it must raise.

import { unreachable } from '../../core/assert.ts';

/** What a case must produce: printed output lines, or an error code and message fragments. */
export type GoldenExpectation =
  | { readonly kind: 'output'; readonly lines: readonly string[] }
  | { readonly kind: 'error'; readonly code: string; readonly fragments: readonly string[] };

/** One case: statements run in one go and what they must produce. */
export interface GoldenCase {
  readonly name: string;
  /** 1-based line of the `-- case:` header, for messages. */
  readonly line: number;
  readonly statements: string;
  readonly expectation: GoldenExpectation;
  /** Why the case shows a known engine bug (its test must then fail), or null. */
  readonly bug: string | null;
}

/** A parsed case file: setup statements (may be empty) and cases in file order. */
export interface GoldenFile {
  readonly setup: string;
  readonly cases: readonly GoldenCase[];
}

/** A case file that does not follow the format: names the file and line. */
export class GoldenFormatError extends Error {
  override readonly name = 'GoldenFormatError';
}

type Directive =
  | { readonly kind: 'setup' }
  | { readonly kind: 'case'; readonly name: string }
  | { readonly kind: 'bug'; readonly reason: string }
  | { readonly kind: 'expect' }
  | { readonly kind: 'expectError'; readonly code: string };

/** A line that looks like a directive (`--` then a word); rules such as `--- ---` are not. */
const DIRECTIVE_LIKE = /^--\s*[A-Za-z]/;
const ERROR_CODE = /^S\d{5}$/;

/** The directive on `text`, undefined for an ordinary line; throws for a malformed one. */
function directiveOf(text: string, where: () => string): Directive | undefined {
  if (!DIRECTIVE_LIKE.test(text)) return undefined;
  const body = text.replace(/^--\s*/, '').trimEnd();
  if (body === 'setup') return { kind: 'setup' };
  if (body === 'expect') return { kind: 'expect' };
  const caseName = /^case:\s*(.*)$/.exec(body)?.[1];
  if (caseName !== undefined) {
    if (caseName === '') fail(`${where()}: a case needs a name after "-- case:"`);
    return { kind: 'case', name: caseName };
  }
  const bug = /^bug:\s*(.*)$/.exec(body)?.[1];
  if (bug !== undefined) {
    if (bug === '') fail(`${where()}: say what the bug is after "-- bug:"`);
    return { kind: 'bug', reason: bug };
  }
  const code = /^expect error\s+(\S+)$/.exec(body)?.[1];
  if (code !== undefined) {
    if (!ERROR_CODE.test(code)) fail(`${where()}: error codes look like S00105, not ${code}`);
    return { kind: 'expectError', code };
  }
  return fail(
    `${where()}: unknown directive "${text}"; use -- setup, -- case: NAME, -- bug: WHY, ` +
      '-- expect or -- expect error CODE',
  );
}

function fail(message: string): never {
  throw new GoldenFormatError(message);
}

/** A case being read: its header, then statement lines, then expectation lines. */
interface OpenCase {
  readonly name: string;
  readonly line: number;
  bug: string | null;
  readonly statements: string[];
  expectation:
    { readonly kind: 'output' } | { readonly kind: 'error'; readonly code: string } | null;
  readonly body: string[];
}

/** The reader's state: where it is in the file and what it has read so far. */
interface Reader {
  readonly fileName: string;
  section: 'header' | 'setup' | 'cases';
  readonly setup: string[];
  readonly cases: GoldenCase[];
  open: OpenCase | null;
}

/**
 * Parses a case file; `fileName` only labels messages. Throws GoldenFormatError. The format:
 * optional `//` comment lines; `-- setup` and statements; then per case `-- case: NAME`,
 * optionally `-- bug: WHY` (a known engine bug: the case must fail until it is fixed), the
 * statements, and either `-- expect` and the printed output, or `-- expect error CODE` and
 * lines each of which the error message must contain. Blank lines around blocks are layout.
 */
export function parseGoldenFile(text: string, fileName: string): GoldenFile {
  const reader: Reader = { fileName, section: 'header', setup: [], cases: [], open: null };
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const where = (): string => `${fileName}:${index + 1}`;
    const directive = directiveOf(line, where);
    if (directive === undefined) ordinaryLine(reader, line, where);
    else applyDirective(reader, directive, index + 1, where);
  }
  if (reader.open !== null) reader.cases.push(closeCase(reader.open, fileName));
  return { setup: trimBlankLines(reader.setup).join('\n'), cases: reader.cases };
}

/** A statement, output or fragment line goes to the block being read. */
function ordinaryLine(reader: Reader, line: string, where: () => string): void {
  const { open } = reader;
  if (open !== null) (open.expectation === null ? open.statements : open.body).push(line);
  else if (reader.section === 'setup') reader.setup.push(line);
  else if (line.trim() !== '' && !line.trimStart().startsWith('//'))
    fail(`${where()}: only // comments may come before "-- setup" or the first case`);
}

function applyDirective(
  reader: Reader,
  directive: Directive,
  line: number,
  where: () => string,
): void {
  const { open } = reader;
  switch (directive.kind) {
    case 'setup':
      if (reader.section !== 'header') fail(`${where()}: "-- setup" must come first, and once`);
      reader.section = 'setup';
      return;
    case 'case':
      if (open !== null) reader.cases.push(closeCase(open, reader.fileName));
      if (reader.cases.some((c) => c.name === directive.name))
        fail(`${where()}: a second case named "${directive.name}"`);
      reader.section = 'cases';
      reader.open = {
        name: directive.name,
        line,
        bug: null,
        statements: [],
        expectation: null,
        body: [],
      };
      return;
    case 'bug':
      if (
        open === null ||
        open.expectation !== null ||
        open.bug !== null ||
        hasText(open.statements)
      )
        fail(`${where()}: "-- bug:" goes once, right after its "-- case:" line`);
      open.bug = directive.reason;
      return;
    case 'expect':
    case 'expectError':
      if (open === null || open.expectation !== null)
        fail(`${where()}: "-- expect" must follow the statements of a case`);
      if (!hasText(open.statements)) fail(`${where()}: case "${open.name}" has no statements`);
      open.expectation =
        directive.kind === 'expect' ? { kind: 'output' } : { kind: 'error', code: directive.code };
      return;
    default:
      return unreachable(directive);
  }
}

function closeCase(open: OpenCase, fileName: string): GoldenCase {
  const { expectation } = open;
  if (expectation === null)
    fail(`${fileName}:${open.line}: case "${open.name}" has no "-- expect" line`);
  return {
    name: open.name,
    line: open.line,
    statements: trimBlankLines(open.statements).join('\n'),
    expectation:
      expectation.kind === 'output'
        ? { kind: 'output', lines: trimBlankLines(open.body) }
        : {
            kind: 'error',
            code: expectation.code,
            fragments: open.body.map((l) => l.trim()).filter((l) => l !== ''),
          },
    bug: open.bug,
  };
}

function hasText(lines: readonly string[]): boolean {
  return lines.some((l) => l.trim() !== '');
}

/**
 * `lines` without leading and trailing blank lines: output may not start or end with one (the
 * blank line after a case is layout), so an all-null last table row is compared as absent.
 */
export function trimBlankLines(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end);
}

/** The file text of `file`: parseGoldenFile reads it back to the same setup and cases. */
export function renderGoldenFile(file: GoldenFile): string {
  const parts: string[] = [];
  if (file.setup !== '') parts.push(`-- setup\n${file.setup}\n`);
  for (const c of file.cases) {
    const header = [`-- case: ${c.name}`, ...(c.bug === null ? [] : [`-- bug: ${c.bug}`])];
    const expectation =
      c.expectation.kind === 'output'
        ? ['-- expect', ...c.expectation.lines]
        : [`-- expect error ${c.expectation.code}`, ...c.expectation.fragments];
    parts.push([...header, c.statements, ...expectation].join('\n') + '\n');
  }
  return parts.join('\n');
}
