// Proves parseStatements reads every statement form and DolphinDB precedence into the expected
// tree, and fails bad input only as SYNTAX_ERROR with line and column: goldens plus fast-check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import type { ShoalError } from '../core/errors.ts';
import { parseLiteral } from '../core/types/literal.ts';
import type { SelectStatement, Statement } from './ast.ts';
import { tokenize } from './lexer.ts';
import { parseStatement, parseStatements } from './parser.ts';

/** The tree without positions, so goldens stay short. */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'position')
      .map(([key, inner]) => [key, strip(inner)]),
  );
}

function parse(text: string): unknown {
  return strip(parseStatement(text));
}

function expr(text: string): unknown {
  const statement = parseStatement(text);
  if (statement.kind !== 'expression') throw new Error(`not an expression: ${text}`);
  return strip(statement.expression);
}

const lit = (text: string): unknown => ({ kind: 'literal', literal: parseLiteral(text) });
const name = (n: string): unknown => ({ kind: 'name', name: n });
const bin = (operator: string, left: unknown, right: unknown): unknown => ({
  kind: 'binary',
  operator,
  left,
  right,
});
const call = (n: string, ...args: unknown[]): unknown => ({ kind: 'call', name: n, args });

const EMPTY_SELECT = {
  kind: 'select',
  mode: 'select',
  distinct: false,
  top: null,
  from: null,
  where: null,
  groupBy: [],
  having: null,
  orderBy: [],
  limit: null,
};

/** The error `text` fails with; fails the test when it parses. */
function errorOf(text: string): ShoalError {
  try {
    parseStatements(text);
  } catch (error) {
    if (isShoalError(error)) return error;
    throw error;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('lexer', () => {
  it('records line, column and offset, and skips comments', () => {
    const tokens = tokenize('select a // note\n /* block */ from t');
    expect(tokens.map((t) => [t.kind, t.text, t.position])).toEqual([
      ['keyword', 'select', { line: 1, column: 1, offset: 0 }],
      ['identifier', 'a', { line: 1, column: 8, offset: 7 }],
      ['keyword', 'from', { line: 2, column: 14, offset: 30 }],
      ['identifier', 't', { line: 2, column: 19, offset: 35 }],
      ['end', '', { line: 2, column: 20, offset: 36 }],
    ]);
  });

  it('reads keywords case-insensitively', () => {
    const [token] = tokenize('SeLeCt');
    expect(token).toMatchObject({ kind: 'keyword', word: 'select', text: 'SeLeCt' });
  });

  it.each([
    ['2023.01.08'],
    ['2023.01.08T09:30:00.123'],
    ['09:30:00'],
    ['2023.01M'],
    ['09:30m'],
    ['00i'],
    ['1:0'],
    ['2023.01.01..2023.01.05'],
    ['`a`b`c'],
    ['`a'],
    ['"text"'],
    ["'c'"],
    ["'two'"],
    ['1.5f'],
    ['42l'],
    ['1e3'],
    ['true'],
  ])('reads %s as one literal token', (text) => {
    const tokens = tokenize(text);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatchObject({ kind: 'literal', literal: parseLiteral(text) });
  });

  it('splits operators longest first', () => {
    const texts = tokenize('a<=b<>c!=d==e&&f||!g').map((t) => t.text);
    expect(texts).toEqual([
      'a',
      '<=',
      'b',
      '<>',
      'c',
      '!=',
      'd',
      '==',
      'e',
      '&&',
      'f',
      '||',
      '!',
      'g',
      '',
    ]);
  });
});

describe('expressions', () => {
  it.each([
    ['1 + 2 * 3', bin('+', lit('1'), bin('*', lit('2'), lit('3')))],
    ['(1 + 2) * 3', bin('*', bin('+', lit('1'), lit('2')), lit('3'))],
    ['1 - 2 - 3', bin('-', bin('-', lit('1'), lit('2')), lit('3'))],
    ['a or b and c', bin('or', name('a'), bin('and', name('b'), name('c')))],
    ['a and b or c', bin('or', bin('and', name('a'), name('b')), name('c'))],
    [
      'not a == 1 and b',
      bin(
        'and',
        { kind: 'unary', operator: 'not', operand: bin('==', name('a'), lit('1')) },
        name('b'),
      ),
    ],
    ['a + 1 > b * 2', bin('>', bin('+', name('a'), lit('1')), bin('*', name('b'), lit('2')))],
    ['-a * b', bin('*', { kind: 'unary', operator: '-', operand: name('a') }, name('b'))],
    ['a = 1', bin('==', name('a'), lit('1'))],
    ['a <> 1', bin('!=', name('a'), lit('1'))],
    ['a && b || c', bin('or', bin('and', name('a'), name('b')), name('c'))],
    ['a % 2 / 3', bin('/', bin('%', name('a'), lit('2')), lit('3'))],
  ])('%s', (text, expected) => {
    expect(expr(text)).toEqual(expected);
  });

  it('reads in, not in, between, like and is [not] null', () => {
    expect(expr('a in `x`y')).toEqual({
      kind: 'in',
      operand: name('a'),
      list: lit('`x`y'),
      negated: false,
    });
    expect(expr('a not in (1, 2)')).toEqual({
      kind: 'in',
      operand: name('a'),
      list: { kind: 'vector', elements: [lit('1'), lit('2')] },
      negated: true,
    });
    expect(expr('a between 1 and 2 and b')).toEqual(
      bin(
        'and',
        { kind: 'between', operand: name('a'), low: lit('1'), high: lit('2'), negated: false },
        name('b'),
      ),
    );
    expect(expr('s not like "A%"')).toEqual({
      kind: 'like',
      operand: name('s'),
      pattern: lit('"A%"'),
      negated: true,
    });
    expect(expr('a is null')).toEqual({ kind: 'isNull', operand: name('a'), negated: false });
    expect(expr('a is not null')).toEqual({ kind: 'isNull', operand: name('a'), negated: true });
  });

  it('reads calls, calls with no args, function names as values and vectors', () => {
    expect(expr('rpc(getControllerAlias(), getMasterReplicationStatus)')).toEqual(
      call('rpc', call('getControllerAlias'), name('getMasterReplicationStatus')),
    );
    expect(expr('getMasterReplicationStatus()')).toEqual(call('getMasterReplicationStatus'));
    expect(expr('[1, 2, 3]')).toEqual({ kind: 'vector', elements: [lit('1'), lit('2'), lit('3')] });
    expect(expr('[]')).toEqual({ kind: 'vector', elements: [] });
    expect(expr('NULL')).toEqual({ kind: 'literal', literal: { kind: 'null' } });
  });

  it('records where each node starts', () => {
    const statement = parseStatement('f(a,\n  b + 1)');
    expect(statement).toMatchObject({
      position: { line: 1, column: 1 },
      expression: {
        position: { line: 1, column: 1 },
        args: [{ position: { line: 1, column: 3 } }, { position: { line: 2, column: 3 } }],
      },
    });
  });
});

describe('select and exec', () => {
  it('reads the tutorial count', () => {
    expect(parse('select count(*) from loadTable("dfs://testDB", "testTB")')).toEqual({
      ...EMPTY_SELECT,
      columns: [{ expression: call('count', { kind: 'star' }), alias: null }],
      from: { kind: 'dfsTable', database: 'dfs://testDB', table: 'testTB' },
    });
  });

  it('reads every clause', () => {
    const text =
      'select distinct top 10 SecurityID as id, avg(LastPx) as px from t ' +
      'where DateTime >= 2023.01.08T09:30:00 and Volume > 0 group by SecurityID, Date ' +
      'having sum(Volume) > 100 order by px desc, id asc, Date limit 5, 20';
    expect(parse(text)).toEqual({
      ...EMPTY_SELECT,
      distinct: true,
      top: 10,
      columns: [
        { expression: name('SecurityID'), alias: 'id' },
        { expression: call('avg', name('LastPx')), alias: 'px' },
      ],
      from: { kind: 'tableName', name: 't' },
      where: bin(
        'and',
        bin('>=', name('DateTime'), lit('2023.01.08T09:30:00')),
        bin('>', name('Volume'), lit('0')),
      ),
      groupBy: [name('SecurityID'), name('Date')],
      having: bin('>', call('sum', name('Volume')), lit('100')),
      orderBy: [
        { expression: name('px'), direction: 'desc' },
        { expression: name('id'), direction: 'asc' },
        { expression: name('Date'), direction: 'asc' },
      ],
      limit: { offset: 5, count: 20 },
    });
  });

  it('reads exec, select *, limit N and a select without from', () => {
    expect(parse('exec x from t limit 3')).toMatchObject({
      mode: 'exec',
      columns: [{ expression: name('x') }],
      limit: { offset: 0, count: 3 },
    });
    expect(parse('select * from t')).toMatchObject({
      columns: [{ expression: { kind: 'star' }, alias: null }],
    });
    expect(parse('select 1 + 2')).toMatchObject({
      ...EMPTY_SELECT,
      columns: [{ expression: bin('+', lit('1'), lit('2')) }],
    });
  });
});

describe('insert, update, delete', () => {
  it('reads insert with and without column names', () => {
    expect(parse('insert into t values (1, `a, 2023.01.08)')).toEqual({
      kind: 'insert',
      table: { kind: 'tableName', name: 't' },
      columns: null,
      rows: [[lit('1'), lit('`a'), lit('2023.01.08')]],
    });
    expect(parse('insert into t (c1, c2) values (1, 2), (3, -4)')).toEqual({
      kind: 'insert',
      table: { kind: 'tableName', name: 't' },
      columns: ['c1', 'c2'],
      rows: [
        [lit('1'), lit('2')],
        [lit('3'), { kind: 'unary', operator: '-', operand: lit('4') }],
      ],
    });
  });

  it('reads update', () => {
    expect(parse('update t set a = a + 1, b = 0 where c == `x')).toEqual({
      kind: 'update',
      table: { kind: 'tableName', name: 't' },
      assignments: [
        { column: 'a', value: bin('+', name('a'), lit('1')) },
        { column: 'b', value: lit('0') },
      ],
      where: bin('==', name('c'), lit('`x')),
    });
  });

  it('reads delete, with and without where', () => {
    expect(parse('delete from loadTable("dfs://db", "t") where a < 0')).toEqual({
      kind: 'delete',
      table: { kind: 'dfsTable', database: 'dfs://db', table: 't' },
      where: bin('<', name('a'), lit('0')),
    });
    expect(parse('delete from t')).toMatchObject({ kind: 'delete', where: null });
  });
});

describe('DDL', () => {
  it('reads create database with each scheme', () => {
    expect(
      parse('create database "dfs://testDB" partitioned by VALUE(2023.01.01..2023.12.31)'),
    ).toEqual({
      kind: 'createDatabase',
      path: 'dfs://testDB',
      partitions: [{ scheme: 'VALUE', args: [lit('2023.01.01..2023.12.31')] }],
    });
    expect(parse('create database "dfs://h" partitioned by HASH([SYMBOL, 10])')).toMatchObject({
      partitions: [
        { scheme: 'HASH', args: [{ kind: 'vector', elements: [name('SYMBOL'), lit('10')] }] },
      ],
    });
    expect(
      parse('create database "dfs://c" partitioned by VALUE(1..3), RANGE([0, 5, 10])'),
    ).toMatchObject({
      partitions: [
        { scheme: 'VALUE' },
        { scheme: 'RANGE', args: [{ kind: 'vector', elements: [lit('0'), lit('5'), lit('10')] }] },
      ],
    });
    expect(parse('create database "dfs://l" partitioned by LIST([`a`b, `c])')).toMatchObject({
      partitions: [{ scheme: 'LIST' }],
    });
    expect(parse('create database "dfs://x" partitioned by COMPO(a, b)')).toMatchObject({
      partitions: [{ scheme: 'COMPO', args: [name('a'), name('b')] }],
    });
  });

  it('reads create table, partitioned and dimension', () => {
    const text =
      'create table "dfs://testDB"."testTB"(SecurityID SYMBOL, DateTime DATETIME, LastPx double) ' +
      'partitioned by DateTime';
    expect(parse(text)).toEqual({
      kind: 'createTable',
      database: 'dfs://testDB',
      table: 'testTB',
      columns: [
        { name: 'SecurityID', type: 'SYMBOL' },
        { name: 'DateTime', type: 'DATETIME' },
        { name: 'LastPx', type: 'DOUBLE' },
      ],
      partitionColumns: ['DateTime'],
    });
    expect(parse('create table "dfs://db"."dim"(id INT)')).toMatchObject({ partitionColumns: [] });
  });

  it('reads drop database and drop table', () => {
    expect(parse('drop database "dfs://testDB"')).toEqual({
      kind: 'dropDatabase',
      path: 'dfs://testDB',
    });
    expect(parse('drop table "dfs://db"."t"')).toEqual({
      kind: 'dropTable',
      database: 'dfs://db',
      table: 't',
    });
  });

  it('reads alter table add, drop and rename', () => {
    const table = { kind: 'tableName', name: 't' };
    expect(parse('alter table t add c INT')).toEqual({
      kind: 'alterTable',
      table,
      action: { kind: 'addColumn', column: 'c', type: 'INT' },
    });
    expect(parse('alter table t drop column c')).toMatchObject({
      action: { kind: 'dropColumn', column: 'c' },
    });
    expect(parse('alter table t drop c')).toMatchObject({
      action: { kind: 'dropColumn', column: 'c' },
    });
    expect(parse('alter table "dfs://db"."t" rename column a to b')).toEqual({
      kind: 'alterTable',
      table: { kind: 'dfsTable', database: 'dfs://db', table: 't' },
      action: { kind: 'renameColumn', from: 'a', to: 'b' },
    });
  });
});

describe('statement sequences', () => {
  it('splits on semicolons and new lines', () => {
    const statements = parseStatements(
      'select a from t; getMasterReplicationStatus();;\nselect b\nfrom u\ndrop database "dfs://x"',
    );
    expect(statements.map((s: Statement) => s.kind)).toEqual([
      'select',
      'expression',
      'select',
      'dropDatabase',
    ]);
    const third = statements[2] as SelectStatement;
    expect(third.position).toEqual({ line: 2, column: 1 });
    expect(third.from).toMatchObject({ name: 'u', position: { line: 3, column: 6 } });
  });

  it('reads empty input as no statements', () => {
    expect(parseStatements('  // nothing\n ; ')).toEqual([]);
  });
});

describe('syntax errors', () => {
  it.each([
    ['select count(*) wher x', 1, 17, 'expected FROM or "," and a column, found "wher"'],
    [
      'select a from t wher x',
      1,
      17,
      'expected WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement, found "wher"',
    ],
    ['select a from', 1, 14, 'found the end of the input'],
    ['select a,\n  from t', 2, 3, 'expected an expression, found "from"'],
    ['insert t values (1)', 1, 8, 'expected INTO, found "t"'],
    ['update t a = 1', 1, 10, 'expected SET'],
    ['create table "dfs://db"."t"(a NUMBER)', 1, 31, 'expected a column type'],
    ['create database "dfs://db" partitioned by FOO(1)', 1, 43, 'expected a partition scheme'],
    ['alter table t move a', 1, 15, 'expected ADD, DROP or RENAME'],
    ['f(1, 2', 1, 7, 'expected ")"'],
    ['select "abc from t', 1, 8, 'not closed'],
    ['a /* open', 1, 3, 'not closed'],
    ['select a # b', 1, 10, 'unexpected character "#"'],
    ['select 12abc from t', 1, 8, 'expected a literal, found "12abc"'],
    ['select 2023.13.01', 1, 8, 'month 13 is out of range'],
    ['select top x a from t', 1, 12, 'expected a row count after TOP'],
    ['a is 3', 1, 6, 'expected NULL or NOT NULL'],
  ])('%s', (text, line, column, message) => {
    const error = errorOf(text);
    expect(error.kind).toBe('SYNTAX_ERROR');
    expect(error.message).toContain(`line ${line}, column ${column}:`);
    expect(error.message).toContain(message);
  });

  it('fails deep nesting instead of overflowing the stack', () => {
    expect(errorOf('('.repeat(5000) + '1' + ')'.repeat(5000)).message).toContain('nests more than');
    expect(errorOf('-'.repeat(5000) + '1').kind).toBe('SYNTAX_ERROR');
  });

  it('records positions of statements, tables, limits and alter actions', () => {
    expect(parseStatement('select a\nfrom t\nlimit 3')).toMatchObject({
      position: { line: 1, column: 1 },
      from: { position: { line: 2, column: 6 } },
      limit: { position: { line: 3, column: 7 } },
    });
    expect(parseStatement('alter table t\n  rename a to b')).toMatchObject({
      action: { position: { line: 2, column: 3 } },
    });
  });

  it('parseStatement wants exactly one statement', () => {
    expect(() => parseStatement('')).toThrow(/line 1, column 1: expected a statement/);
    expect(() => parseStatement('f(); g()')).toThrow(/line 1, column 6: expected one statement/);
  });
});

describe('property: bad input fails only as SYNTAX_ERROR', () => {
  const pieces = [
    'select',
    'exec',
    'from',
    'where',
    'group',
    'by',
    'having',
    'order',
    'limit',
    'top',
    'distinct',
    'insert',
    'into',
    'values',
    'update',
    'set',
    'delete',
    'create',
    'database',
    'table',
    'partitioned',
    'drop',
    'alter',
    'add',
    'rename',
    'column',
    'to',
    'and',
    'or',
    'not',
    'in',
    'between',
    'like',
    'is',
    'null',
    'as',
    'asc',
    'desc',
    'a',
    'b',
    'f',
    'loadTable',
    'VALUE',
    'INT',
    '1',
    '2.5',
    '"s"',
    "'c'",
    '`x`y',
    '2023.01.08',
    '09:30m',
    '00i',
    '1..3',
    '1:0',
    '..',
    '(',
    ')',
    '[',
    ']',
    ',',
    ';',
    '.',
    '+',
    '-',
    '*',
    '/',
    '%',
    '=',
    '==',
    '!=',
    '<>',
    '<',
    '<=',
    '>',
    '>=',
    '&&',
    '||',
    '!',
    ':',
    '\n',
    '//',
    '/*',
    '*/',
    '"',
    '#',
    '1..99999999',
  ];

  it('never throws anything but ShoalError SYNTAX_ERROR', () => {
    const soup = fc.array(fc.constantFrom(...pieces), { maxLength: 30 });
    const separator = fc.constantFrom(' ', '', '\n');
    fc.assert(
      fc.property(soup, separator, (tokens, sep) => {
        try {
          parseStatements(tokens.join(sep));
        } catch (error) {
          expect(isShoalError(error, 'SYNTAX_ERROR')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but ShoalError SYNTAX_ERROR on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseStatements(text);
        } catch (error) {
          expect(isShoalError(error, 'SYNTAX_ERROR')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
