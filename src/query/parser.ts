// The front end of DolphinDB's SQL dialect: statement text to syntax trees (ast.ts).
// Statements are separated by `;` or by starting on a new line. Bad input fails with
// ShoalError SYNTAX_ERROR naming line, column, the token found and what was expected.

import type { Statement } from './ast.ts';
import { syntaxError, tokenize } from './lexer.ts';
import { parseAlter, parseCreate, parseDrop } from './parse-ddl.ts';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.ts';
import { parseExpression } from './parse-expression.ts';
import { parseSelect } from './parse-select.ts';
import { acceptOperator, cursorOver, fail, here, peek, previous } from './token-cursor.ts';
import type { Cursor } from './token-cursor.ts';

/** Parses every statement of `text`; throws ShoalError SYNTAX_ERROR on bad input. */
export function parseStatements(text: string): Statement[] {
  const c = cursorOver(tokenize(text));
  const statements: Statement[] = [];
  for (;;) {
    while (acceptOperator(c, ';'));
    if (peek(c).kind === 'end') return statements;
    statements.push(parseStatementAt(c));
    expectStatementEnd(c);
  }
}

/** Parses exactly one statement (a trailing `;` allowed); throws SYNTAX_ERROR otherwise. */
export function parseStatement(text: string): Statement {
  const [only, second] = parseStatements(text);
  if (only === undefined) return syntaxError({ line: 1, column: 1 }, 'expected a statement');
  if (second !== undefined) {
    return syntaxError(second.position, 'expected one statement, found a second one');
  }
  return only;
}

function parseStatementAt(c: Cursor): Statement {
  const token = peek(c);
  const word = token.kind === 'keyword' ? token.word : '';
  switch (word) {
    case 'select':
    case 'exec':
      return parseSelect(c);
    case 'insert':
      return parseInsert(c);
    case 'update':
      return parseUpdate(c);
    case 'delete':
      return parseDelete(c);
    case 'create':
      return parseCreate(c);
    case 'drop':
      return parseDrop(c);
    case 'alter':
      return parseAlter(c);
    default:
      return { kind: 'expression', position: here(c), expression: parseExpression(c) };
  }
}

/** After a statement: `;`, the end, or a token on a later line than the statement's last. */
function expectStatementEnd(c: Cursor): void {
  const token = peek(c);
  if (token.kind === 'end' || acceptOperator(c, ';')) return;
  if (token.position.line > (previous(c)?.position.line ?? 0)) return;
  fail(c, '";", a new line or the end of the input');
}
