// Splits statement text into tokens for the parser: identifiers, keywords, DolphinDB literals
// (already turned into values by parseLiteral), operators and punctuation, each with its
// 1-based line and column and its offset. A literal range `a..b`, pair `a:b` or symbol vector
// `` `a`b `` is one token when both sides are literals.

import { ShoalError, isShoalError } from '../core/errors.ts';
import { parseLiteral } from '../core/types/literal.ts';
import type { Literal } from '../core/types/literal.ts';
import type { Position } from './ast.ts';

/** Where a token starts: line and column (1-based) and the offset into the text. */
export interface TokenPosition extends Position {
  readonly offset: number;
}

/** One token. Keywords keep their source spelling in `text`; `word` is it in lower case. */
export type Token =
  | { readonly kind: 'identifier'; readonly text: string; readonly position: TokenPosition }
  | {
      readonly kind: 'keyword';
      readonly text: string;
      readonly word: string;
      readonly position: TokenPosition;
    }
  | {
      readonly kind: 'literal';
      readonly text: string;
      readonly literal: Literal;
      readonly position: TokenPosition;
    }
  | { readonly kind: 'operator'; readonly text: string; readonly position: TokenPosition }
  | { readonly kind: 'end'; readonly text: ''; readonly position: TokenPosition };

/** The reserved words of the SQL dialect, matched case-insensitively. */
export const KEYWORDS: ReadonlySet<string> = new Set(
  (
    'select exec from where group by having order asc desc limit top distinct insert into ' +
    'values update set delete create database table partitioned drop alter add rename ' +
    'column to and or not in between like is null as'
  ).split(' '),
);

/** Operators and punctuation, longest first so `<=` wins over `<`. */
const OPERATORS: readonly string[] = [
  '..',
  '==',
  '!=',
  '<>',
  '<=',
  '>=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
  '!',
  ':',
  '(',
  ')',
  ',',
  ';',
  '.',
  '[',
  ']',
];

/** Scalar literal forms, most specific first (as in parseLiteral); all sticky. */
const SCALAR_PATTERNS: readonly RegExp[] = [
  /\d{4}\.\d{2}\.\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?!\w)/y,
  /\d{4}\.\d{2}M(?!\w)/y,
  /\d{4}\.\d{2}\.\d{2}(?![\w])/y,
  /\d{2}:\d{2}:\d{2}(?:\.\d+)?(?!\w)/y,
  /\d{2}:\d{2}m(?!\w)/y,
  /00[bchilfFdMtmsDTnN](?!\w)/y,
  /(?:\d+(?:\.(?!\.)\d*)?|\.\d+)(?:[eE][+-]?\d+)?[lhcf]?(?!\w)/y,
  /(?:`[\w.]*)+/y,
];

// DolphinDB names its mutating functions with a trailing "!" (append!, replaceColumn!): a "!"
// right before "(" belongs to the name; elsewhere it stays an operator (a!=b).
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*(?:!(?=\())?/y;
const WHITESPACE = /\s+/y;
/** A malformed literal such as 12abc, reported whole. */
const WORD_RUN = /\d[\w.:]*/y;

/** The text being scanned and a table of line starts for positions. */
interface Scan {
  readonly text: string;
  readonly lineStarts: readonly number[];
}

/** Tokenises `text`, ending with an `end` token; throws ShoalError SYNTAX_ERROR on bad input. */
export function tokenize(text: string): Token[] {
  const scan: Scan = { text, lineStarts: lineStartsOf(text) };
  const tokens: Token[] = [];
  let pos = skipTrivia(scan, 0);
  while (pos < text.length) {
    const token = scanToken(scan, pos);
    tokens.push(token);
    pos = skipTrivia(scan, pos + token.text.length);
  }
  tokens.push({ kind: 'end', text: '', position: positionAt(scan, text.length) });
  return tokens;
}

/** Throws ShoalError SYNTAX_ERROR prefixed with the line and column of `position`. */
export function syntaxError(position: Position, message: string): never {
  throw new ShoalError(
    'SYNTAX_ERROR',
    `line ${position.line}, column ${position.column}: ${message}`,
    { position: { line: position.line, column: position.column } },
  );
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** The line and column of `offset`, by binary search over the line starts. */
function positionAt(scan: Scan, offset: number): TokenPosition {
  let low = 0;
  let high = scan.lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((scan.lineStarts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - (scan.lineStarts[low] ?? 0) + 1, offset };
}

/** Skips whitespace and comments from `pos`; fails on an unclosed block comment. */
function skipTrivia(scan: Scan, pos: number): number {
  const { text } = scan;
  while (pos < text.length) {
    WHITESPACE.lastIndex = pos;
    if (WHITESPACE.test(text)) {
      pos = WHITESPACE.lastIndex;
    } else if (text.startsWith('//', pos)) {
      const end = text.indexOf('\n', pos);
      pos = end < 0 ? text.length : end;
    } else if (text.startsWith('/*', pos)) {
      const end = text.indexOf('*/', pos + 2);
      if (end < 0) syntaxError(positionAt(scan, pos), 'the comment is not closed; expected "*/"');
      pos = end + 2;
    } else {
      return pos;
    }
  }
  return pos;
}

function scanToken(scan: Scan, pos: number): Token {
  const literal = scanLiteralText(scan, pos);
  if (literal !== undefined) return literalToken(scan, pos, literal);
  const word = matchAt(IDENTIFIER, scan.text, pos);
  if (word !== undefined) return wordToken(scan, pos, word);
  const operator = OPERATORS.find((op) => scan.text.startsWith(op, pos));
  if (operator !== undefined) {
    return { kind: 'operator', text: operator, position: positionAt(scan, pos) };
  }
  const position = positionAt(scan, pos);
  const run = matchAt(WORD_RUN, scan.text, pos);
  if (run !== undefined) syntaxError(position, `expected a literal, found ${JSON.stringify(run)}`);
  return syntaxError(position, `unexpected character ${JSON.stringify(scan.text.charAt(pos))}`);
}

function wordToken(scan: Scan, pos: number, word: string): Token {
  const position = positionAt(scan, pos);
  const lower = word.toLowerCase();
  if (word === 'true' || word === 'false') {
    return { kind: 'literal', text: word, literal: parseLiteral(word), position };
  }
  if (KEYWORDS.has(lower)) return { kind: 'keyword', text: word, word: lower, position };
  return { kind: 'identifier', text: word, position };
}

function literalToken(scan: Scan, pos: number, text: string): Token {
  const position = positionAt(scan, pos);
  try {
    return { kind: 'literal', text, literal: parseLiteral(text), position };
  } catch (error) {
    if (!isShoalError(error, 'INVALID_LITERAL')) throw error;
    return syntaxError(position, error.message);
  }
}

/** The source text of the literal at `pos` (with a range or pair tail), if one starts there. */
function scanLiteralText(scan: Scan, pos: number): string | undefined {
  const first = scanScalarText(scan, pos);
  if (first === undefined) return undefined;
  const after = pos + first.length;
  for (const joiner of ['..', ':']) {
    if (!scan.text.startsWith(joiner, after)) continue;
    const second = scanScalarText(scan, after + joiner.length);
    if (second !== undefined && !second.startsWith('`')) return first + joiner + second;
  }
  return first;
}

function scanScalarText(scan: Scan, pos: number): string | undefined {
  const char = scan.text.charAt(pos);
  if (char === '"' || char === "'") return scanQuotedText(scan, pos, char);
  for (const pattern of SCALAR_PATTERNS) {
    const match = matchAt(pattern, scan.text, pos);
    if (match !== undefined) return match;
  }
  return undefined;
}

/** The quoted text from `pos` through its closing quote, skipping backslash escapes. */
function scanQuotedText(scan: Scan, pos: number, quote: string): string {
  for (let i = pos + 1; i < scan.text.length; i++) {
    const char = scan.text.charAt(i);
    if (char === '\\') i++;
    else if (char === quote) return scan.text.slice(pos, i + 1);
  }
  return syntaxError(positionAt(scan, pos), `the quoted text is not closed; expected ${quote}`);
}

function matchAt(pattern: RegExp, text: string, pos: number): string | undefined {
  pattern.lastIndex = pos;
  const match = pattern.exec(text);
  return match === null ? undefined : match[0];
}
