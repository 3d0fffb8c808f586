// A position in a token list and the small steps the parser takes over it: look, accept,
// expect (failing with ShoalError SYNTAX_ERROR naming the line, column, what was found and
// what was expected), plus a nesting guard so deep input fails instead of overflowing.

import { assert } from '../core/assert.ts';
import type { Position } from './ast.ts';
import { syntaxError } from './lexer.ts';
import type { Token } from './lexer.ts';

/** Deepest nesting of expressions accepted before failing with SYNTAX_ERROR. */
export const MAX_NESTING = 200;

/** The tokens (ending with an `end` token), the index of the next one, the nesting depth. */
export interface Cursor {
  readonly tokens: readonly Token[];
  index: number;
  depth: number;
}

/** A cursor at the first of `tokens`, which must end with an `end` token. */
export function cursorOver(tokens: readonly Token[]): Cursor {
  assert(tokens.at(-1)?.kind === 'end', 'token list must end with an end token');
  return { tokens, index: 0, depth: 0 };
}

/** The token `ahead` places after the next one (the end token past the end). */
export function peek(c: Cursor, ahead = 0): Token {
  const token = c.tokens[Math.min(c.index + ahead, c.tokens.length - 1)];
  assert(token !== undefined, 'cursor over an empty token list');
  return token;
}

/** The token just consumed, or undefined at the start. */
export function previous(c: Cursor): Token | undefined {
  return c.index > 0 ? c.tokens[c.index - 1] : undefined;
}

/** Consumes and returns the next token (never moving past the end token). */
export function advance(c: Cursor): Token {
  const token = peek(c);
  if (token.kind !== 'end') c.index++;
  return token;
}

/** Where the next token starts, as a node position. */
export function here(c: Cursor): Position {
  const { line, column } = peek(c).position;
  return { line, column };
}

/** True when the next token is the keyword `word` (lower case). */
export function atKeyword(c: Cursor, word: string): boolean {
  const token = peek(c);
  return token.kind === 'keyword' && token.word === word;
}

/** True when the next token is the operator or punctuation `op`. */
export function atOperator(c: Cursor, op: string): boolean {
  const token = peek(c);
  return token.kind === 'operator' && token.text === op;
}

/** Consumes the keyword `word` if it is next; says whether it did. */
export function acceptKeyword(c: Cursor, word: string): boolean {
  if (!atKeyword(c, word)) return false;
  advance(c);
  return true;
}

/** Consumes the operator `op` if it is next; says whether it did. */
export function acceptOperator(c: Cursor, op: string): boolean {
  if (!atOperator(c, op)) return false;
  advance(c);
  return true;
}

/** Consumes the keyword `word` or fails naming it. */
export function expectKeyword(c: Cursor, word: string): void {
  if (!acceptKeyword(c, word)) fail(c, word.toUpperCase());
}

/** Consumes the operator `op` or fails naming it. */
export function expectOperator(c: Cursor, op: string): void {
  if (!acceptOperator(c, op)) fail(c, JSON.stringify(op));
}

/** Consumes an identifier and returns its text, or fails expecting `what`. */
export function expectIdentifier(c: Cursor, what: string): string {
  const token = peek(c);
  if (token.kind !== 'identifier') fail(c, what);
  advance(c);
  return token.text;
}

/** Consumes a string literal ("…" or '…') and returns its text, or fails expecting `what`. */
export function expectString(c: Cursor, what: string): string {
  const token = peek(c);
  if (token.kind !== 'literal' || token.literal.kind !== 'scalar') fail(c, what);
  const { type, value } = token.literal.scalar;
  if (type !== 'STRING' && type !== 'CHAR') fail(c, what);
  advance(c);
  return typeof value === 'number' ? String.fromCharCode(value) : String(value);
}

/** Consumes a non-negative integer literal and returns it, or fails expecting `what`. */
export function expectCount(c: Cursor, what: string): number {
  const token = peek(c);
  if (token.kind !== 'literal' || token.literal.kind !== 'scalar') fail(c, what);
  const { type, value } = token.literal.scalar;
  if ((type !== 'INT' && type !== 'LONG') || BigInt(value) < 0n) fail(c, what);
  advance(c);
  return Number(value);
}

/** Runs `parse` one nesting level deeper, failing when the input nests too deeply. */
export function nested<T>(c: Cursor, parse: () => T): T {
  if (c.depth >= MAX_NESTING) {
    syntaxError(here(c), `the statement nests more than ${MAX_NESTING} levels deep`);
  }
  c.depth++;
  try {
    return parse();
  } finally {
    c.depth--;
  }
}

/** Fails at the next token: `expected <expected>, found "<token>"`. */
export function fail(c: Cursor, expected: string): never {
  const token = peek(c);
  return syntaxError(token.position, `expected ${expected}, found ${describe(token)}`);
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the input' : JSON.stringify(token.text);
}
