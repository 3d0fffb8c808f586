// DolphinDB's SQL DDL: `create database "dfs://db" partitioned by VALUE(…)[, HASH(…)…]`,
// `create table "dfs://db"."t"(c TYPE, …) [partitioned by c, …]`, `drop database "…"`,
// `drop table "dfs://db"."t"`, `alter table t add|drop|rename [column] …`.

import { isColumnType } from '../core/types/column-type.ts';
import type { ColumnType } from '../core/types/column-type.ts';
import type { AlterAction, ColumnDefinition, PartitionSpec, Statement } from './ast.ts';
import { parseExpressionList } from './parse-expression.ts';
import { parseDfsTarget, parseTableRef } from './parse-table-ref.ts';
import {
  acceptKeyword,
  acceptOperator,
  advance,
  atKeyword,
  atOperator,
  expectIdentifier,
  expectKeyword,
  expectOperator,
  expectString,
  fail,
  here,
  peek,
} from './token-cursor.ts';
import type { Cursor } from './token-cursor.ts';

const SCHEMES: readonly PartitionSpec['scheme'][] = ['VALUE', 'RANGE', 'HASH', 'LIST', 'COMPO'];
const EXPECTED_SCHEME = 'a partition scheme VALUE, RANGE, HASH, LIST or COMPO';
const DATABASE_PATH = 'a quoted database path such as "dfs://db"';

/** Parses `create database …` or `create table …` starting at `create`. */
export function parseCreate(c: Cursor): Statement {
  const position = here(c);
  advance(c);
  if (acceptKeyword(c, 'database')) {
    const path = expectString(c, DATABASE_PATH);
    expectPartitionedBy(c);
    const partitions = [parsePartitionSpec(c)];
    while (acceptOperator(c, ',')) partitions.push(parsePartitionSpec(c));
    return { kind: 'createDatabase', path, partitions, position };
  }
  if (!acceptKeyword(c, 'table')) fail(c, 'DATABASE or TABLE');
  const { database, table } = parseDfsTarget(c);
  const columns = parseColumnDefinitions(c);
  const partitionColumns = atKeyword(c, 'partitioned') ? parsePartitionColumns(c) : [];
  return { kind: 'createTable', database, table, columns, partitionColumns, position };
}

function expectPartitionedBy(c: Cursor): void {
  expectKeyword(c, 'partitioned');
  expectKeyword(c, 'by');
}

function parsePartitionSpec(c: Cursor): PartitionSpec {
  const position = here(c);
  const token = peek(c);
  const scheme = SCHEMES.find((s) => token.kind === 'identifier' && token.text.toUpperCase() === s);
  if (scheme === undefined) return fail(c, EXPECTED_SCHEME);
  advance(c);
  expectOperator(c, '(');
  const args = atOperator(c, ')') ? [] : parseExpressionList(c, false);
  expectOperator(c, ')');
  return { scheme, args, position };
}

function parseColumnDefinitions(c: Cursor): ColumnDefinition[] {
  expectOperator(c, '(');
  const columns = [parseColumnDefinition(c)];
  while (acceptOperator(c, ',')) columns.push(parseColumnDefinition(c));
  expectOperator(c, ')');
  return columns;
}

function parseColumnDefinition(c: Cursor): ColumnDefinition {
  const position = here(c);
  const name = expectIdentifier(c, 'a column name');
  return { name, type: expectColumnType(c), position };
}

/** A column type name such as SYMBOL or DATETIME, in any letter case. */
function expectColumnType(c: Cursor): ColumnType {
  const token = peek(c);
  const upper = token.text.toUpperCase();
  if (token.kind !== 'identifier' || !isColumnType(upper)) {
    return fail(c, 'a column type such as INT, DOUBLE, SYMBOL or DATETIME');
  }
  advance(c);
  return upper;
}

function parsePartitionColumns(c: Cursor): string[] {
  expectPartitionedBy(c);
  const names = [expectIdentifier(c, 'a partition column name')];
  while (acceptOperator(c, ',')) names.push(expectIdentifier(c, 'a partition column name'));
  return names;
}

/** Parses `drop database …` or `drop table …` starting at `drop`. */
export function parseDrop(c: Cursor): Statement {
  const position = here(c);
  advance(c);
  if (acceptKeyword(c, 'database')) {
    return { kind: 'dropDatabase', path: expectString(c, DATABASE_PATH), position };
  }
  if (!acceptKeyword(c, 'table')) fail(c, 'DATABASE or TABLE');
  const { database, table } = parseDfsTarget(c);
  return { kind: 'dropTable', database, table, position };
}

/** Parses `alter table t add|drop|rename …` starting at `alter`. */
export function parseAlter(c: Cursor): Statement {
  const position = here(c);
  advance(c);
  expectKeyword(c, 'table');
  const table = parseTableRef(c);
  return { kind: 'alterTable', table, action: parseAlterAction(c), position };
}

function parseAlterAction(c: Cursor): AlterAction {
  const position = here(c);
  if (acceptKeyword(c, 'add')) {
    acceptKeyword(c, 'column');
    const column = expectIdentifier(c, 'a column name');
    return { kind: 'addColumn', column, type: expectColumnType(c), position };
  }
  if (acceptKeyword(c, 'drop')) {
    acceptKeyword(c, 'column');
    return { kind: 'dropColumn', column: expectIdentifier(c, 'a column name'), position };
  }
  if (!acceptKeyword(c, 'rename')) return fail(c, 'ADD, DROP or RENAME');
  acceptKeyword(c, 'column');
  const from = expectIdentifier(c, 'a column name');
  expectKeyword(c, 'to');
  const to = expectIdentifier(c, 'the new column name');
  return { kind: 'renameColumn', from, to, position };
}
