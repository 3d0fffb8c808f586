// Table references: a plain name, `loadTable("dfs://db", "t")`, or `"dfs://db"."t"`.

import type { Position, TableRef } from './ast.ts';
import {
  acceptOperator,
  advance,
  expectOperator,
  expectString,
  fail,
  here,
  peek,
} from './token-cursor.ts';
import type { Cursor } from './token-cursor.ts';

const EXPECTED_TABLE = 'a table name, loadTable("dfs://db", "t") or "dfs://db"."t"';

/** Parses a table reference in any of its three forms. */
export function parseTableRef(c: Cursor): TableRef {
  const token = peek(c);
  const position = here(c);
  if (token.kind === 'literal') return parseDfsTarget(c);
  if (token.kind !== 'identifier') return fail(c, EXPECTED_TABLE);
  advance(c);
  if (token.text !== 'loadTable' || !acceptOperator(c, '(')) {
    return { kind: 'tableName', name: token.text, position };
  }
  return parseLoadTableArgs(c, position);
}

/** Parses `"dfs://db"."t"` (a quoted database path, a dot and a quoted table name). */
export function parseDfsTarget(c: Cursor): TableRef & { readonly kind: 'dfsTable' } {
  const position = here(c);
  const database = expectString(c, 'a quoted database path such as "dfs://db"');
  expectOperator(c, '.');
  const table = expectString(c, 'a quoted table name');
  return { kind: 'dfsTable', database, table, position };
}

function parseLoadTableArgs(c: Cursor, position: Position): TableRef {
  const database = expectString(c, 'a quoted database path such as "dfs://db"');
  expectOperator(c, ',');
  const table = expectString(c, 'a quoted table name');
  expectOperator(c, ')');
  return { kind: 'dfsTable', database, table, position };
}
