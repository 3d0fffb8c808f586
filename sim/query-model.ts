// A deliberately simple reference evaluator of the SELECT subset the query property test uses:
// plain JS rows (null is JS null), one row at a time, from the parser's syntax tree. Written
// apart from the engine (nothing from src/query/operators or aggregate) so the two can disagree.
//
// Semantics are the engine's decided ones (docs/sql.md): nulls are the smallest values and equal
// to each other; arithmetic with a null is null; `and`/`or`/`not` read a null as false; INT
// arithmetic wraps at 32 bits (a result landing on the INT sentinel reads as null), integer `/`
// floors and `/` or `%` by zero is null; aggregates skip nulls except count(*), first, last.
// Static errors come from a probe: each expression is first evaluated over an all-null row (or
// an empty group), so a bad query fails whatever the data, as the engine checks types first.

import { assert, unreachable } from '../src/core/assert.ts';
import { ShoalError } from '../src/core/errors.ts';
import type { ErrorCodeName } from '../src/core/errors.ts';
import { isNullValue } from '../src/core/types/column-type.ts';
import type { CellValue, ColumnType } from '../src/core/types/column-type.ts';
import type { Literal } from '../src/core/types/literal.ts';
import type { BinaryOperator, Expression, SelectStatement, Statement } from '../src/query/ast.ts';
import { parseStatement } from '../src/query/parser.ts';

/** One cell: a number (INT, DOUBLE, DATE days, BOOL 0/1), a bigint (LONG), text, or null. */
export type ModelCell = number | bigint | string | null;

/** One table row by column name. */
export type ModelRow = Readonly<Record<string, ModelCell>>;

/** The column types the model knows. */
export type ModelType = 'BOOL' | 'INT' | 'LONG' | 'DOUBLE' | 'DATE' | 'SYMBOL' | 'STRING';

export interface ModelColumn {
  readonly name: string;
  readonly type: ModelType;
}

/** A table: its schema and its rows in scan order (partition order, then write order). */
export interface ModelTable {
  readonly columns: readonly ModelColumn[];
  readonly rows: readonly ModelRow[];
}

/** What a select returns: column names and types, and rows of cells. */
export interface ModelResult {
  readonly names: readonly string[];
  readonly types: readonly ModelType[];
  readonly rows: readonly (readonly ModelCell[])[];
}

/** A value with its type; every evaluation step returns one. */
interface Typed {
  readonly type: ModelType;
  readonly value: ModelCell;
}

/** What names and aggregate calls mean where an expression is evaluated. */
interface Scope {
  /** The value a name stands for; undefined when nothing has that name. */
  name(name: string): Typed | undefined;
  /** The value of an aggregate call here (an error outside an aggregation). */
  aggregate(call: Call): Typed;
}

type Call = Extract<Expression, { kind: 'call' }>;

const AGGREGATES = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'first',
  'last',
  'std',
  'var',
  'nunique',
] as const;
type AggregateName = (typeof AGGREGATES)[number];

const INT_MIN = -2147483648;
const LONG_MIN = -9223372036854775808n;

/** Parses `text` (one select) and runs it over `table`; ShoalError for a query the engine rejects. */
export function runModelQuery(text: string, table: ModelTable): ModelResult {
  const statement = parseStatement(text);
  assert(statement.kind === 'select', `the model runs select only, not ${statement.kind}`);
  return runModelSelect(statement, table);
}

/** Runs a parsed select over `table`. */
export function runModelSelect(statement: SelectStatement, table: ModelTable): ModelResult {
  assert(statement.from !== null && statement.mode === 'select', 'the model runs select … from');
  const outputs = expandOutputs(statement, table);
  const grouped =
    statement.groupBy.length > 0 ||
    outputs.some((o) => hasAggregate(o.expression)) ||
    (statement.having !== null && hasAggregate(statement.having));
  if (!grouped && statement.having !== null) fail('INVALID_ARGUMENT', 'HAVING needs GROUP BY');
  const set = grouped
    ? groupedRows(statement, outputs, table)
    : plainRows(statement, outputs, table);
  return finish(statement, outputs, set);
}

// ---- select list and names --------------------------------------------------------------

/** The result column names of `statement` over a table with `columns` (for ORDER BY). */
export function outputNames(statement: Statement, columns: readonly ModelColumn[]): string[] {
  assert(statement.kind === 'select', `names of a select, not of ${statement.kind}`);
  return expandOutputs(statement, { columns, rows: [] }).map((o) => o.name);
}

interface Output {
  readonly name: string;
  readonly expression: Expression;
}

function expandOutputs(statement: SelectStatement, table: ModelTable): Output[] {
  const outputs: Output[] = [];
  statement.columns.forEach((item, i) => {
    if (item.expression.kind === 'star') {
      for (const c of table.columns) {
        const position = item.expression.position;
        outputs.push({ name: c.name, expression: { kind: 'name', name: c.name, position } });
      }
      return;
    }
    const name = item.alias ?? (defaultName(item.expression) || `col${i + 1}`);
    outputs.push({ name, expression: item.expression });
  });
  const seen = new Map<string, number>();
  return outputs.map((o) => {
    const count = seen.get(o.name) ?? 0;
    seen.set(o.name, count + 1);
    return count === 0 ? o : { ...o, name: `${o.name}_${count}` };
  });
}

const OPERATOR_WORDS: Readonly<Record<BinaryOperator, string>> = {
  or: 'or',
  and: 'and',
  '==': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
};

/** DolphinDB's column name for an expression; '' when a part (a literal) has none. */
function defaultName(e: Expression): string {
  const all = (head: string, parts: readonly Expression[]): string => {
    const names = parts.map(defaultName);
    return names.includes('') ? '' : [head, ...names].join('_');
  };
  switch (e.kind) {
    case 'name':
      return e.name;
    case 'call':
      return [e.name, ...e.args.map(defaultName).filter((n) => n !== '')].join('_');
    case 'binary':
      return all(OPERATOR_WORDS[e.operator], [e.left, e.right]);
    case 'unary':
      return all(e.operator === '-' ? 'neg' : 'not', [e.operand]);
    case 'isNull':
      return all(e.negated ? 'isValid' : 'isNull', [e.operand]);
    case 'in':
    case 'between':
    case 'like':
      return all(e.kind, [e.operand]);
    case 'member':
      return e.name;
    case 'literal':
    case 'star':
    case 'vector':
      return '';
    default:
      return unreachable(e);
  }
}

function hasAggregate(e: Expression): boolean {
  if (e.kind === 'call' && isAggregate(e.name)) return true;
  return children(e).some(hasAggregate);
}

function isAggregate(name: string): name is AggregateName {
  return (AGGREGATES as readonly string[]).includes(name);
}

function children(e: Expression): readonly Expression[] {
  switch (e.kind) {
    case 'literal':
    case 'name':
    case 'star':
      return [];
    case 'unary':
    case 'isNull':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'call':
      return e.args;
    case 'vector':
      return e.elements;
    case 'in':
      return [e.operand, e.list];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'like':
      return [e.operand, e.pattern];
    case 'member':
      return [e.object];
    default:
      return unreachable(e);
  }
}

// ---- plain and grouped rows ---------------------------------------------------------------

/** Result rows before DISTINCT/ORDER BY/LIMIT, each with its order keys. */
interface RowSet {
  readonly types: readonly ModelType[];
  readonly rows: readonly {
    readonly cells: readonly ModelCell[];
    readonly keys: readonly Typed[];
  }[];
}

function rowScope(table: ModelTable, row: ModelRow | null): Scope {
  return {
    name: (name) => {
      const column = table.columns.find((c) => c.name === name);
      if (column === undefined) return undefined;
      return { type: column.type, value: row === null ? null : (row[name] ?? null) };
    },
    aggregate: (call) => fail('INVALID_ARGUMENT', `${call.name} is an aggregate; not allowed here`),
  };
}

/**
 * A scope that resolves output names to the outputs' values, for ORDER BY of a row query. A
 * table column wins over an output of the same name, as in the engine's row queries (grouped
 * queries let the output win instead: groupedRows).
 */
function withOutputs(scope: Scope, outputs: readonly Output[], values: readonly Typed[]): Scope {
  return {
    name: (name) => {
      const own = scope.name(name);
      if (own !== undefined) return own;
      const i = outputs.findIndex((o) => o.name === name);
      return i < 0 ? undefined : values[i];
    },
    aggregate: (call) => scope.aggregate(call),
  };
}

function plainRows(
  statement: SelectStatement,
  outputs: readonly Output[],
  table: ModelTable,
): RowSet {
  const evaluateRow = (row: ModelRow | null) => {
    const scope = rowScope(table, row);
    const values = outputs.map((o) => evaluate(o.expression, scope));
    const ordered = withOutputs(scope, outputs, values);
    // An order key naming a result column sorts by it, even over a table column of that name.
    const keys = statement.orderBy.map((k) => {
      const e = k.expression;
      const output = e.kind === 'name' ? outputs.findIndex((o) => o.name === e.name) : -1;
      return values[output] ?? evaluate(e, ordered);
    });
    return { values, keys };
  };
  const probe = evaluateRow(null);
  if (statement.where !== null) condition(statement.where, rowScope(table, null));
  const kept = table.rows.filter(
    (row) => statement.where === null || condition(statement.where, rowScope(table, row)),
  );
  return {
    types: probe.values.map((v) => v.type),
    rows: kept.map((row) => {
      const { values, keys } = evaluateRow(row);
      return { cells: values.map((v) => v.value), keys };
    }),
  };
}

function groupedRows(
  statement: SelectStatement,
  outputs: readonly Output[],
  table: ModelTable,
): RowSet {
  const keyNames = statement.groupBy.map((k) => {
    if (k.kind !== 'name') fail('INVALID_ARGUMENT', 'the model groups by columns only');
    return k.name;
  });
  if (statement.where !== null) condition(statement.where, rowScope(table, null));
  const kept = table.rows.filter(
    (row) => statement.where === null || condition(statement.where, rowScope(table, row)),
  );
  const groups = new Map<string, ModelRow[]>();
  for (const row of kept) {
    const key = JSON.stringify(keyNames.map((n) => String(row[n] ?? null)));
    const members = groups.get(key) ?? [];
    members.push(row);
    groups.set(key, members);
  }
  const evaluateGroup = (members: readonly ModelRow[]) => {
    const scope = groupScope(table, keyNames, members);
    const values = outputs.map((o) => evaluate(o.expression, scope));
    const keep = statement.having === null || condition(statement.having, scope);
    const keys = statement.orderBy.map((k) => {
      const e = k.expression;
      // A name that is an output and not a key sorts by that output (even over a column).
      const alias =
        e.kind === 'name' && !keyNames.includes(e.name)
          ? outputs.findIndex((o) => o.name === e.name)
          : -1;
      return values[alias] ?? evaluate(e, scope);
    });
    return { values, keep, keys };
  };
  const probe = evaluateGroup([]);
  const lists = keyNames.length === 0 ? [kept] : [...groups.values()];
  return {
    types: probe.values.map((v) => v.type),
    rows: lists.flatMap((members) => {
      const { values, keep, keys } = evaluateGroup(members);
      return keep ? [{ cells: values.map((v) => v.value), keys }] : [];
    }),
  };
}

/** One group: key columns read from its first row, other columns only inside aggregates. */
function groupScope(
  table: ModelTable,
  keyNames: readonly string[],
  members: readonly ModelRow[],
): Scope {
  const first = members[0] ?? null;
  const rows = rowScope(table, first);
  return {
    name: (name) => {
      const value = rows.name(name);
      if (value === undefined || keyNames.includes(name)) return value;
      return fail('INVALID_ARGUMENT', `column ${name} must be in GROUP BY or an aggregate`);
    },
    aggregate: (call) => aggregate(call, table, members),
  };
}

/** DISTINCT, ORDER BY (stable), then LIMIT/TOP. */
function finish(statement: SelectStatement, outputs: readonly Output[], set: RowSet): ModelResult {
  let rows = [...set.rows];
  if (statement.distinct) {
    const seen = new Set<string>();
    rows = rows.filter((r) => {
      const key = r.cells.map((c) => String(c)).join('\u0001');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const directions = statement.orderBy.map((k) => (k.direction === 'desc' ? -1 : 1));
  rows = rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      for (const [k, sign] of directions.entries()) {
        const c = compare(a.r.keys[k] as Typed, b.r.keys[k] as Typed);
        if (c !== 0) return sign * c;
      }
      return a.i - b.i;
    })
    .map(({ r }) => r);
  const offset = statement.limit?.offset ?? 0;
  const count = statement.limit?.count ?? statement.top ?? Infinity;
  return {
    names: outputs.map((o) => o.name),
    types: set.types,
    rows: rows.slice(offset, offset + count).map((r) => r.cells),
  };
}

// ---- expressions --------------------------------------------------------------------------

function evaluate(e: Expression, scope: Scope): Typed {
  switch (e.kind) {
    case 'literal':
      return literalValue(e.literal);
    case 'name':
      return scope.name(e.name) ?? fail('COLUMN_NOT_FOUND', `there is no column ${e.name}`);
    case 'star':
      return fail('INVALID_ARGUMENT', '* is only for count(*) and select *');
    case 'unary':
      return e.operator === '-'
        ? negate(evaluate(e.operand, scope))
        : { type: 'BOOL', value: truth(logical(evaluate(e.operand, scope))) ? 0 : 1 };
    case 'binary':
      return binary(e.operator, evaluate(e.left, scope), evaluate(e.right, scope));
    case 'call':
      return call(e, scope);
    case 'vector':
      return fail('INVALID_ARGUMENT', 'the model takes vectors only as `in` lists');
    case 'in':
      return membership(evaluate(e.operand, scope), listOf(e.list, scope), e.negated);
    case 'between':
      return between(
        evaluate(e.operand, scope),
        evaluate(e.low, scope),
        evaluate(e.high, scope),
        e.negated,
      );
    case 'like':
      return like(evaluate(e.operand, scope), evaluate(e.pattern, scope), e.negated);
    case 'isNull':
      return {
        type: 'BOOL',
        value: (evaluate(e.operand, scope).value === null) !== e.negated ? 1 : 0,
      };
    case 'member':
      return fail('INVALID_ARGUMENT', 'the model has no dictionaries');
    default:
      return unreachable(e);
  }
}

/** WHERE / HAVING: a logical value, true only when non-null and non-zero. */
function condition(e: Expression, scope: Scope): boolean {
  return truth(logical(evaluate(e, scope)));
}

function literalValue(literal: Literal): Typed {
  if (literal.kind !== 'scalar')
    return fail('INVALID_ARGUMENT', `the model has no ${literal.kind} literals`);
  const { type, value } = literal.scalar;
  return { type: modelType(type), value: fromPhysical(type, value) };
}

/** A physical cell (null sentinel) as a model cell (JS null). */
export function fromPhysical(type: ColumnType, value: CellValue): ModelCell {
  return isNullValue(type, value) ? null : value;
}

/** `type` as a model type; an assertion failure for a type the model does not know. */
export function modelType(type: ColumnType): ModelType {
  switch (type) {
    case 'BOOL':
    case 'INT':
    case 'LONG':
    case 'DOUBLE':
    case 'DATE':
    case 'SYMBOL':
    case 'STRING':
      return type;
    default:
      return fail('INVALID_ARGUMENT', `the model has no ${type} values`);
  }
}

function call(e: Call, scope: Scope): Typed {
  if (isAggregate(e.name)) return scope.aggregate(e);
  const [arg, extra] = e.args;
  if ((e.name === 'isNull' || e.name === 'isValid') && arg !== undefined && extra === undefined) {
    const isNull = evaluate(arg, scope).value === null;
    return { type: 'BOOL', value: isNull === (e.name === 'isNull') ? 1 : 0 };
  }
  return fail('UNKNOWN_FUNCTION', `the model has no function ${e.name}`);
}

function listOf(list: Expression, scope: Scope): Typed[] {
  if (list.kind === 'vector') return list.elements.map((e) => evaluate(e, scope));
  if (list.kind === 'literal' && list.literal.kind === 'vector') {
    const { type, values } = list.literal;
    return values.map((v) => ({ type: modelType(type), value: fromPhysical(type, v) }));
  }
  return [evaluate(list, scope)];
}

// ---- types --------------------------------------------------------------------------------

const isNumeric = (t: ModelType): boolean =>
  t === 'BOOL' || t === 'INT' || t === 'LONG' || t === 'DOUBLE';
const isInteger = (t: ModelType): boolean => t === 'BOOL' || t === 'INT' || t === 'LONG';
const isText = (t: ModelType): boolean => t === 'SYMBOL' || t === 'STRING';

/** The arithmetic type of two numbers: DOUBLE beats LONG beats INT (BOOL counts as INT). */
function numberType(a: ModelType, b: ModelType): 'INT' | 'LONG' | 'DOUBLE' {
  if (a === 'DOUBLE' || b === 'DOUBLE') return 'DOUBLE';
  return a === 'LONG' || b === 'LONG' ? 'LONG' : 'INT';
}

/** How two types compare: as numbers of a type, as text, or not at all (undefined). */
function comparisonKind(
  a: ModelType,
  b: ModelType,
): 'INT' | 'LONG' | 'DOUBLE' | 'text' | undefined {
  if (isText(a) && isText(b)) return 'text';
  const number = (t: ModelType) => isNumeric(t) || t === 'DATE';
  if (!number(a) || !number(b)) return undefined;
  return numberType(a === 'DATE' ? 'INT' : a, b === 'DATE' ? 'INT' : b);
}

function fail(kind: ErrorCodeName, message: string): never {
  throw new ShoalError(kind, `model: ${message}`);
}

function mismatch(what: string, ...values: readonly Typed[]): never {
  return fail(
    'TYPE_MISMATCH',
    `cannot apply ${what} to ${values.map((v) => v.type).join(' and ')}`,
  );
}

// ---- operators ----------------------------------------------------------------------------

/** Orders two values: null first (and equal to null), then by value in their comparison type. */
function compare(a: Typed, b: Typed): number {
  const kind = comparisonKind(a.type, b.type) ?? mismatch('a comparison', a, b);
  if (a.value === null || b.value === null)
    return (a.value === null ? 0 : 1) - (b.value === null ? 0 : 1);
  const x = inKind(a.value, kind);
  const y = inKind(b.value, kind);
  return x < y ? -1 : x > y ? 1 : 0;
}

function inKind(
  value: Exclude<ModelCell, null>,
  kind: 'INT' | 'LONG' | 'DOUBLE' | 'text',
): Exclude<ModelCell, null> {
  switch (kind) {
    case 'text':
      return value;
    case 'LONG':
      return BigInt(value);
    case 'INT':
    case 'DOUBLE':
      return Number(value);
    default:
      return unreachable(kind);
  }
}

function binary(op: BinaryOperator, a: Typed, b: Typed): Typed {
  switch (op) {
    case 'and':
      return { type: 'BOOL', value: truth(logical(a)) && truth(logical(b)) ? 1 : 0 };
    case 'or':
      return { type: 'BOOL', value: truth(logical(a)) || truth(logical(b)) ? 1 : 0 };
    case '==':
      return bool(compare(a, b) === 0);
    case '!=':
      return bool(compare(a, b) !== 0);
    case '<':
      return bool(compare(a, b) < 0);
    case '<=':
      return bool(compare(a, b) <= 0);
    case '>':
      return bool(compare(a, b) > 0);
    case '>=':
      return bool(compare(a, b) >= 0);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return arithmetic(op, a, b);
    default:
      return unreachable(op);
  }
}

const bool = (b: boolean): Typed => ({ type: 'BOOL', value: b ? 1 : 0 });

function logical(v: Typed): Typed {
  return isNumeric(v.type) ? v : mismatch('and/or/not', v);
}

function truth(v: Typed): boolean {
  return v.value !== null && v.value !== 0 && v.value !== 0n;
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', a: Typed, b: Typed): Typed {
  if (isText(a.type) && isText(b.type) && op === '+') {
    const text = String(a.value ?? '') + String(b.value ?? '');
    return { type: 'STRING', value: text === '' ? null : text };
  }
  if (isNumeric(a.type) && isNumeric(b.type)) {
    const type = numberType(a.type, b.type);
    return { type, value: numberOp(op, type, a.value, b.value) };
  }
  // A DATE moves by whole days; an integer may come first only for +.
  if (a.type === 'DATE' && isInteger(b.type) && (op === '+' || op === '-')) {
    return { type: 'DATE', value: numberOp(op, 'INT', a.value, b.value) };
  }
  if (b.type === 'DATE' && isInteger(a.type) && op === '+') {
    return { type: 'DATE', value: numberOp(op, 'INT', a.value, b.value) };
  }
  if (a.type === 'DATE' && b.type === 'DATE' && op === '-') {
    return { type: 'INT', value: numberOp(op, 'INT', a.value, b.value) };
  }
  return mismatch(op, a, b);
}

function numberOp(
  op: '+' | '-' | '*' | '/' | '%',
  type: 'INT' | 'LONG' | 'DOUBLE',
  x: ModelCell,
  y: ModelCell,
): ModelCell {
  if (x === null || y === null) return null;
  if (type === 'DOUBLE') return doubleOp(op, Number(x), Number(y));
  const bits = type === 'INT' ? 32 : 64;
  const r = integerOp(op, BigInt(x), BigInt(y));
  if (r === null) return null;
  const wrapped = BigInt.asIntN(bits, r);
  // The minimum of each integer type is its null sentinel: a result landing there is null.
  if (type === 'INT') return Number(wrapped) === INT_MIN ? null : Number(wrapped);
  return wrapped === LONG_MIN ? null : wrapped;
}

function integerOp(op: '+' | '-' | '*' | '/' | '%', x: bigint, y: bigint): bigint | null {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0n ? null : floorDiv(x, y);
    case '%':
      return y === 0n ? null : x - y * floorDiv(x, y);
    default:
      return unreachable(op);
  }
}

function floorDiv(x: bigint, y: bigint): bigint {
  const q = x / y;
  return x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q;
}

function doubleOp(op: '+' | '-' | '*' | '/' | '%', x: number, y: number): number | null {
  let r: number;
  switch (op) {
    case '+':
      r = x + y;
      break;
    case '-':
      r = x - y;
      break;
    case '*':
      r = x * y;
      break;
    case '/':
      r = y === 0 ? NaN : x / y;
      break;
    case '%': {
      const m = y === 0 ? NaN : x % y;
      r = m !== 0 && m < 0 !== y < 0 ? m + y : m;
      break;
    }
    default:
      return unreachable(op);
  }
  return Number.isNaN(r) ? null : r;
}

function negate(v: Typed): Typed {
  if (!isNumeric(v.type)) return mismatch('-', v);
  const type = v.type === 'BOOL' ? 'INT' : v.type;
  if (v.value === null) return { type, value: null };
  return { type, value: typeof v.value === 'bigint' ? -v.value : -Number(v.value) };
}

function membership(x: Typed, list: readonly Typed[], negated: boolean): Typed {
  const found = list.some((element) => compare(x, element) === 0);
  return bool(found !== negated);
}

function between(x: Typed, low: Typed, high: Typed, negated: boolean): Typed {
  return bool((compare(low, x) <= 0 && compare(x, high) <= 0) !== negated);
}

function like(x: Typed, pattern: Typed, negated: boolean): Typed {
  if (!isText(x.type) || !isText(pattern.type)) return mismatch('like', x, pattern);
  return bool(matches([...String(x.value ?? '')], [...String(pattern.value ?? '')]) !== negated);
}

/** Whole-text match: `%` any run (also none), `_` one character, others themselves. */
function matches(text: readonly string[], pattern: readonly string[]): boolean {
  // can[i][j]: text from i matches pattern from j; filled from the ends backwards.
  const can = Array.from({ length: text.length + 1 }, () =>
    new Array<boolean>(pattern.length + 1).fill(false),
  );
  const at = (i: number, j: number): boolean => can[i]?.[j] ?? false;
  for (let i = text.length; i >= 0; i--) {
    for (let j = pattern.length; j >= 0; j--) {
      const row = can[i] as boolean[];
      const p = pattern[j];
      if (p === undefined) row[j] = i === text.length;
      else if (p === '%') row[j] = at(i, j + 1) || (i < text.length && at(i + 1, j));
      else row[j] = i < text.length && (p === '_' || p === text[i]) && at(i + 1, j + 1);
    }
  }
  return at(0, 0);
}

// ---- aggregates ---------------------------------------------------------------------------

function aggregate(e: Call, table: ModelTable, rows: readonly ModelRow[]): Typed {
  const name = e.name as AggregateName;
  const [arg, extra] = e.args;
  if (arg === undefined || extra !== undefined)
    return fail('INVALID_ARGUMENT', `${name} takes 1 argument`);
  if (arg.kind === 'star') {
    if (name !== 'count') fail('INVALID_ARGUMENT', `${name}(*) is not defined`);
    return { type: 'LONG', value: BigInt(rows.length) };
  }
  if (hasAggregate(arg)) fail('INVALID_ARGUMENT', 'aggregates cannot nest');
  const type = evaluate(arg, rowScope(table, null)).type;
  const values = rows.map((row) => evaluate(arg, rowScope(table, row)).value);
  const present = values.filter((v): v is Exclude<ModelCell, null> => v !== null);
  switch (name) {
    case 'count':
      return { type: 'LONG', value: BigInt(present.length) };
    case 'nunique':
      return { type: 'LONG', value: BigInt(new Set(present.map((v) => String(v))).size) };
    case 'first':
      return { type, value: values[0] ?? null };
    case 'last':
      return { type, value: values[values.length - 1] ?? null };
    case 'min':
    case 'max':
      return { type, value: extreme(name, type, present) };
    case 'sum':
      return sum(arithmeticInput(name, type), present);
    case 'avg':
      arithmeticInput(name, type);
      return {
        type: 'DOUBLE',
        value:
          present.length === 0
            ? null
            : present.reduce<number>((s, v) => s + Number(v), 0) / present.length,
      };
    case 'std':
    case 'var':
      arithmeticInput(name, type);
      return { type: 'DOUBLE', value: moment(name, present.map(Number)) };
    default:
      return unreachable(name);
  }
}

function arithmeticInput(name: string, type: ModelType): ModelType {
  return isNumeric(type) ? type : fail('TYPE_MISMATCH', `${name} does not take ${type}`);
}

function sum(type: ModelType, present: readonly Exclude<ModelCell, null>[]): Typed {
  if (type === 'DOUBLE') {
    return {
      type,
      value: present.length === 0 ? null : present.reduce<number>((s, v) => s + Number(v), 0),
    };
  }
  const total = present.reduce<bigint>((s, v) => s + BigInt(v), 0n);
  return { type: 'LONG', value: present.length === 0 ? null : BigInt.asIntN(64, total) };
}

function extreme(
  name: 'min' | 'max',
  type: ModelType,
  present: readonly Exclude<ModelCell, null>[],
): ModelCell {
  let best: ModelCell = null;
  for (const v of present) {
    if (best === null) best = v;
    const c = compare({ type, value: v }, { type, value: best });
    if (name === 'min' ? c < 0 : c > 0) best = v;
  }
  return best;
}

/** Sample variance (two passes) or its square root; null below two values. */
function moment(name: 'std' | 'var', values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return name === 'std' ? Math.sqrt(variance) : variance;
}
