// `select` / `exec` queries: [distinct] [top N] list [from table] [where e] [group by e, …]
// [having e] [order by e [asc|desc], …] [limit [offset,] count].

import type { Limit, OrderKey, SelectItem, SelectStatement } from './ast.ts';
import { parseExpression, parseExpressionList, parseExpressionOrStar } from './parse-expression.ts';
import { parseTableRef } from './parse-table-ref.ts';
import {
  acceptKeyword,
  acceptOperator,
  advance,
  expectCount,
  expectIdentifier,
  expectKeyword,
  fail,
  here,
  peek,
  previous,
} from './token-cursor.ts';
import type { Cursor } from './token-cursor.ts';

/** Parses a query starting at its `select` or `exec` keyword. */
export function parseSelect(c: Cursor): SelectStatement {
  const position = here(c);
  const mode = peek(c).text.toLowerCase() === 'exec' ? 'exec' : 'select';
  advance(c);
  const distinct = acceptKeyword(c, 'distinct');
  const top = acceptKeyword(c, 'top') ? expectCount(c, 'a row count after TOP') : null;
  const columns = parseSelectList(c);
  checkNoStray(c, 'FROM or "," and a column');
  const from = acceptKeyword(c, 'from') ? parseTableRef(c) : null;
  if (from !== null) {
    checkNoStray(c, 'WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement');
  }
  const where = acceptKeyword(c, 'where') ? parseExpression(c) : null;
  const groupBy = acceptClause(c, 'group') ? parseExpressionList(c, false) : [];
  const having = acceptKeyword(c, 'having') ? parseExpression(c) : null;
  const orderBy = acceptClause(c, 'order') ? parseOrderBy(c) : [];
  const limit = acceptKeyword(c, 'limit') ? parseLimit(c) : null;
  return {
    kind: 'select',
    mode,
    distinct,
    top,
    columns,
    from,
    where,
    groupBy,
    having,
    orderBy,
    limit,
    position,
  };
}

/** `group by` / `order by`: the keyword and then BY. */
function acceptClause(c: Cursor, word: string): boolean {
  if (!acceptKeyword(c, word)) return false;
  expectKeyword(c, 'by');
  return true;
}

function parseSelectList(c: Cursor): SelectItem[] {
  const items = [parseSelectItem(c)];
  while (acceptOperator(c, ',')) items.push(parseSelectItem(c));
  return items;
}

function parseSelectItem(c: Cursor): SelectItem {
  const expression = parseExpressionOrStar(c);
  const alias = acceptKeyword(c, 'as') ? expectIdentifier(c, 'an alias after AS') : null;
  return { expression, alias };
}

/** Fails expecting `expected` when a name or literal follows on the same line. */
function checkNoStray(c: Cursor, expected: string): void {
  const token = peek(c);
  const sameLine = token.position.line === (previous(c)?.position.line ?? 1);
  if (sameLine && (token.kind === 'identifier' || token.kind === 'literal')) fail(c, expected);
}

function parseOrderBy(c: Cursor): OrderKey[] {
  const keys = [parseOrderKey(c)];
  while (acceptOperator(c, ',')) keys.push(parseOrderKey(c));
  return keys;
}

function parseOrderKey(c: Cursor): OrderKey {
  const expression = parseExpression(c);
  if (acceptKeyword(c, 'desc')) return { expression, direction: 'desc' };
  acceptKeyword(c, 'asc');
  return { expression, direction: 'asc' };
}

function parseLimit(c: Cursor): Limit {
  const position = here(c);
  const first = expectCount(c, 'a row count after LIMIT');
  if (!acceptOperator(c, ',')) return { offset: 0, count: first, position };
  const count = expectCount(c, 'a row count after the LIMIT offset');
  return { offset: first, count, position };
}
