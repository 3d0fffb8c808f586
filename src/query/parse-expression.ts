// Expressions by precedence climbing, loosest first: or < and < not < comparison, in,
// between, like, is null < additive < multiplicative < unary minus < primary (literal, name,
// call, parenthesised expression, vector). Spellings are normalised: `=` is `==`, `<>` is
// `!=`, `&&` is `and`, `||` is `or`, `!` is `not`.

import type { BinaryOperator, Expression, Position } from './ast.ts';
import {
  acceptKeyword,
  acceptOperator,
  advance,
  atKeyword,
  atOperator,
  expectIdentifier,
  expectKeyword,
  expectOperator,
  fail,
  here,
  nested,
  peek,
} from './token-cursor.ts';
import type { Cursor } from './token-cursor.ts';

const COMPARISONS: ReadonlyMap<string, BinaryOperator> = new Map([
  ['==', '=='],
  ['=', '=='],
  ['!=', '!='],
  ['<>', '!='],
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
]);
const ADDITIVE: ReadonlyMap<string, BinaryOperator> = new Map([
  ['+', '+'],
  ['-', '-'],
]);
const MULTIPLICATIVE: ReadonlyMap<string, BinaryOperator> = new Map([
  ['*', '*'],
  ['/', '/'],
  ['%', '%'],
]);

/** Parses one expression at the loosest precedence (`or`). */
export function parseExpression(c: Cursor): Expression {
  return nested(c, () => parseOr(c));
}

/** An argument or select-list entry: `*` (as in count(*)) or an expression. */
export function parseExpressionOrStar(c: Cursor): Expression {
  const position = here(c);
  if (acceptOperator(c, '*')) return { kind: 'star', position };
  return parseExpression(c);
}

/** Parses `expression (, expression)*`, allowing `*` entries when `star` is set. */
export function parseExpressionList(c: Cursor, star: boolean): Expression[] {
  const items = [star ? parseExpressionOrStar(c) : parseExpression(c)];
  while (acceptOperator(c, ',')) items.push(star ? parseExpressionOrStar(c) : parseExpression(c));
  return items;
}

function binary(
  operator: BinaryOperator,
  left: Expression,
  right: Expression,
  position: Position,
): Expression {
  return { kind: 'binary', operator, left, right, position };
}

function parseOr(c: Cursor): Expression {
  let left = parseAnd(c);
  while (atKeyword(c, 'or') || atOperator(c, '||')) {
    advance(c);
    left = binary('or', left, parseAnd(c), left.position);
  }
  return left;
}

function parseAnd(c: Cursor): Expression {
  let left = parseNot(c);
  while (atKeyword(c, 'and') || atOperator(c, '&&')) {
    advance(c);
    left = binary('and', left, parseNot(c), left.position);
  }
  return left;
}

function parseNot(c: Cursor): Expression {
  const position = here(c);
  if (!atKeyword(c, 'not') && !atOperator(c, '!')) return parsePredicate(c);
  advance(c);
  const operand = nested(c, () => parseNot(c));
  return { kind: 'unary', operator: 'not', operand, position };
}

/** A comparison, `[not] in`, `[not] between … and …`, `[not] like`, `is [not] null`. */
function parsePredicate(c: Cursor): Expression {
  const left = parseAdditive(c);
  const token = peek(c);
  const comparison = token.kind === 'operator' ? COMPARISONS.get(token.text) : undefined;
  if (comparison !== undefined) {
    advance(c);
    return binary(comparison, left, parseAdditive(c), left.position);
  }
  if (acceptKeyword(c, 'is')) return parseIsNull(c, left);
  const negated = atKeyword(c, 'not') && isPredicateWord(peek(c, 1).text);
  if (negated) advance(c);
  if (acceptKeyword(c, 'in')) return parseIn(c, left, negated);
  if (acceptKeyword(c, 'between')) return parseBetween(c, left, negated);
  if (acceptKeyword(c, 'like')) {
    return {
      kind: 'like',
      operand: left,
      pattern: parseAdditive(c),
      negated,
      position: left.position,
    };
  }
  return left;
}

function isPredicateWord(text: string): boolean {
  return ['in', 'between', 'like'].includes(text.toLowerCase());
}

function parseIsNull(c: Cursor, operand: Expression): Expression {
  const negated = acceptKeyword(c, 'not');
  if (!acceptKeyword(c, 'null')) fail(c, negated ? 'NULL' : 'NULL or NOT NULL');
  return { kind: 'isNull', operand, negated, position: operand.position };
}

function parseIn(c: Cursor, operand: Expression, negated: boolean): Expression {
  return { kind: 'in', operand, list: parseAdditive(c), negated, position: operand.position };
}

function parseBetween(c: Cursor, operand: Expression, negated: boolean): Expression {
  const low = parseAdditive(c);
  expectKeyword(c, 'and');
  const high = parseAdditive(c);
  return { kind: 'between', operand, low, high, negated, position: operand.position };
}

/** Left-associative binary operators of one precedence level over `parseOperand`. */
function parseLevel(
  c: Cursor,
  operators: ReadonlyMap<string, BinaryOperator>,
  parseOperand: (c: Cursor) => Expression,
): Expression {
  let left = parseOperand(c);
  for (;;) {
    const token = peek(c);
    const operator = token.kind === 'operator' ? operators.get(token.text) : undefined;
    if (operator === undefined) return left;
    advance(c);
    left = binary(operator, left, parseOperand(c), left.position);
  }
}

function parseAdditive(c: Cursor): Expression {
  return parseLevel(c, ADDITIVE, parseMultiplicative);
}

function parseMultiplicative(c: Cursor): Expression {
  return parseLevel(c, MULTIPLICATIVE, parseUnary);
}

function parseUnary(c: Cursor): Expression {
  const position = here(c);
  if (!acceptOperator(c, '-')) return parsePrimary(c);
  const operand = nested(c, () => parseUnary(c));
  return { kind: 'unary', operator: '-', operand, position };
}

/** A primary followed by any `.name` members (`schema(db).clusterReplicationEnabled`). */
function parsePrimary(c: Cursor): Expression {
  let expression = parseAtom(c);
  while (atOperator(c, '.') && peek(c, 1).kind === 'identifier') {
    const position = here(c);
    advance(c);
    const name = expectIdentifier(c, 'a member name');
    expression = { kind: 'member', object: expression, name, position };
  }
  return expression;
}

function parseAtom(c: Cursor): Expression {
  const token = peek(c);
  const position = here(c);
  if (token.kind === 'literal') {
    advance(c);
    return { kind: 'literal', literal: token.literal, position };
  }
  if (acceptKeyword(c, 'null')) return { kind: 'literal', literal: { kind: 'null' }, position };
  if (token.kind === 'identifier') return parseNameOrCall(c, token.text, position);
  if (isFunctionKeyword(c)) return parseNameOrCall(c, token.text, position);
  if (acceptOperator(c, '(')) return parseParenthesised(c, position);
  if (acceptOperator(c, '[')) return parseVector(c, position);
  return fail(c, 'an expression');
}

/** Keywords that are also DolphinDB functions (`database(…)`, `table(…)`) when `(` follows. */
const FUNCTION_KEYWORDS: ReadonlySet<string> = new Set(['database', 'table']);

function isFunctionKeyword(c: Cursor): boolean {
  const token = peek(c);
  return (
    token.kind === 'keyword' &&
    FUNCTION_KEYWORDS.has(token.word) &&
    peek(c, 1).kind === 'operator' &&
    peek(c, 1).text === '('
  );
}

/** `name`, or `name(args…)` when a parenthesis follows (a call with no args is `f()`). */
function parseNameOrCall(c: Cursor, name: string, position: Position): Expression {
  advance(c);
  if (!acceptOperator(c, '(')) return { kind: 'name', name, position };
  const args = atOperator(c, ')') ? [] : parseExpressionList(c, true);
  expectOperator(c, ')');
  return { kind: 'call', name, args, position };
}

/** `(e)` is e; `(a, b, …)` is a vector. */
function parseParenthesised(c: Cursor, position: Position): Expression {
  const elements = parseExpressionList(c, false);
  expectOperator(c, ')');
  const [only] = elements;
  if (elements.length === 1 && only !== undefined) return only;
  return { kind: 'vector', elements, position };
}

/** `[a, b, …]`, possibly empty. */
function parseVector(c: Cursor, position: Position): Expression {
  const elements = atOperator(c, ']') ? [] : parseExpressionList(c, false);
  expectOperator(c, ']');
  return { kind: 'vector', elements, position };
}
