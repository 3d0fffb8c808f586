// Data changes: `insert into t [(c, …)] values (…), (…)`, `update t set c = e, … [where e]`,
// `delete from t [where e]`.

import type { Assignment, Expression, Statement } from './ast.ts';
import { parseExpression, parseExpressionList } from './parse-expression.ts';
import { parseTableRef } from './parse-table-ref.ts';
import {
  acceptKeyword,
  acceptOperator,
  advance,
  expectIdentifier,
  expectKeyword,
  expectOperator,
  fail,
  here,
} from './token-cursor.ts';
import type { Cursor } from './token-cursor.ts';

/** Parses an insert starting at its `insert` keyword. */
export function parseInsert(c: Cursor): Statement {
  const position = here(c);
  advance(c);
  expectKeyword(c, 'into');
  const table = parseTableRef(c);
  const columns = acceptOperator(c, '(') ? parseColumnNames(c) : null;
  expectKeyword(c, 'values');
  const rows = [parseRow(c)];
  while (acceptOperator(c, ',')) rows.push(parseRow(c));
  return { kind: 'insert', table, columns, rows, position };
}

function parseColumnNames(c: Cursor): string[] {
  const names = [expectIdentifier(c, 'a column name')];
  while (acceptOperator(c, ',')) names.push(expectIdentifier(c, 'a column name'));
  expectOperator(c, ')');
  return names;
}

function parseRow(c: Cursor): Expression[] {
  expectOperator(c, '(');
  const values = parseExpressionList(c, false);
  expectOperator(c, ')');
  return values;
}

/** Parses an update starting at its `update` keyword. */
export function parseUpdate(c: Cursor): Statement {
  const position = here(c);
  advance(c);
  const table = parseTableRef(c);
  expectKeyword(c, 'set');
  const assignments = [parseAssignment(c)];
  while (acceptOperator(c, ',')) assignments.push(parseAssignment(c));
  const where = acceptKeyword(c, 'where') ? parseExpression(c) : null;
  return { kind: 'update', table, assignments, where, position };
}

function parseAssignment(c: Cursor): Assignment {
  const position = here(c);
  const column = expectIdentifier(c, 'a column name');
  if (!acceptOperator(c, '=') && !acceptOperator(c, '==')) fail(c, '"="');
  return { column, value: parseExpression(c), position };
}

/** Parses a delete starting at its `delete` keyword. */
export function parseDelete(c: Cursor): Statement {
  const position = here(c);
  advance(c);
  expectKeyword(c, 'from');
  const table = parseTableRef(c);
  const where = acceptKeyword(c, 'where') ? parseExpression(c) : null;
  return { kind: 'delete', table, where, position };
}
