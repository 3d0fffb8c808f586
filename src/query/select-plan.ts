// Planning a select/exec query: expand `*`, pull the aggregates out of the select list,
// HAVING and ORDER BY into slots (named columns of the aggregation's result), replace
// GROUP BY expressions by their key slots, and list the table columns the scan must read.

import type { AggregateSpec } from './aggregate/index.ts';
import { isAggregateName } from './aggregate/index.ts';
import type { Expression, OrderKey, Position, SelectStatement } from './ast.ts';
import { expressionKey, expressionName } from './expression-key.ts';
import { queryError } from './query-error.ts';

/** A result column: its name and the expression computing it (aggregates already slots). */
export interface OutputColumn {
  readonly name: string;
  readonly expression: Expression;
}

/** The aggregation step: key expressions over scanned rows, aggregates and their inputs. */
export interface AggregationPlan {
  readonly keys: readonly Expression[];
  readonly specs: readonly Omit<AggregateSpec, 'inputType'>[];
  /** inputs[a]: the expression aggregate a folds; null for count(*). */
  readonly inputs: readonly (Expression | null)[];
}

export interface SelectPlan {
  readonly outputs: readonly OutputColumn[];
  /** Null for a plain (row-wise) query. */
  readonly aggregation: AggregationPlan | null;
  readonly having: Expression | null;
  readonly orderBy: readonly OrderKey[];
  /** Table columns the scan reads (all of them for `*`). */
  readonly scanColumns: readonly string[];
}

/** The name of aggregate slot i and key slot i; no statement can spell them. */
export const aggregateSlot = (i: number): string => `\u0000agg${i}`;
export const keySlot = (i: number): string => `\u0000key${i}`;

/** Plans `statement` over a table with `tableColumns` (empty without FROM). */
export function planSelect(
  statement: SelectStatement,
  tableColumns: readonly string[],
): SelectPlan {
  if (statement.top !== null && statement.limit !== null) {
    queryError('INVALID_ARGUMENT', statement.limit.position, 'use TOP or LIMIT, not both');
  }
  const outputs = expandOutputs(statement, tableColumns);
  const isAggregate =
    statement.groupBy.length > 0 ||
    outputs.some((o) => hasAggregate(o.expression)) ||
    (statement.having !== null && hasAggregate(statement.having));
  if (!isAggregate) {
    if (statement.having !== null) {
      queryError(
        'INVALID_ARGUMENT',
        statement.having.position,
        'HAVING needs GROUP BY or an aggregate',
      );
    }
    return {
      outputs,
      aggregation: null,
      having: null,
      orderBy: statement.orderBy,
      scanColumns: referencedColumns(
        [
          ...outputs.map((o) => o.expression),
          ...orderExpressions(statement),
          ...whereOf(statement),
        ],
        tableColumns,
      ),
    };
  }
  return planAggregate(statement, outputs, tableColumns);
}

function orderExpressions(statement: SelectStatement): Expression[] {
  return statement.orderBy.map((k) => k.expression);
}

function whereOf(statement: SelectStatement): Expression[] {
  return statement.where === null ? [] : [statement.where];
}

function expandOutputs(
  statement: SelectStatement,
  tableColumns: readonly string[],
): OutputColumn[] {
  const outputs: OutputColumn[] = [];
  for (const [i, item] of statement.columns.entries()) {
    if (item.expression.kind === 'star') {
      if (statement.from === null) {
        queryError('INVALID_ARGUMENT', item.expression.position, 'select * needs FROM');
      }
      for (const name of tableColumns) {
        outputs.push({
          name,
          expression: { kind: 'name', name, position: item.expression.position },
        });
      }
      continue;
    }
    const name = item.alias ?? expressionName(item.expression, `col${i + 1}`);
    outputs.push({ name, expression: item.expression });
  }
  return uniqueNames(outputs);
}

/** Repeated result names get `_1`, `_2`… as DolphinDB does. */
function uniqueNames(outputs: readonly OutputColumn[]): OutputColumn[] {
  const seen = new Map<string, number>();
  return outputs.map((output) => {
    const count = seen.get(output.name) ?? 0;
    seen.set(output.name, count + 1);
    return count === 0 ? output : { ...output, name: `${output.name}_${count}` };
  });
}

/** True when an aggregate call appears anywhere in `expression`. */
export function hasAggregate(expression: Expression): boolean {
  let found = false;
  visit(expression, (e) => {
    if (e.kind === 'call' && isAggregateName(e.name)) found = true;
  });
  return found;
}

/** Calls `f` on every node of `expression`, parents first. */
function visit(expression: Expression, f: (e: Expression) => void): void {
  f(expression);
  for (const child of children(expression)) visit(child, f);
}

function children(e: Expression): readonly Expression[] {
  switch (e.kind) {
    case 'literal':
    case 'name':
    case 'star':
      return [];
    case 'unary':
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
    case 'isNull':
      return [e.operand];
    case 'member':
      return [e.object];
  }
}

/** Table columns `expressions` name, in table order. */
function referencedColumns(
  expressions: readonly Expression[],
  tableColumns: readonly string[],
): string[] {
  const names = new Set<string>();
  for (const expression of expressions) {
    visit(expression, (e) => {
      if (e.kind === 'name') names.add(e.name);
    });
  }
  return tableColumns.filter((c) => names.has(c));
}

/** Rebuilds `e` bottom-up through `f`, which may replace a node (return it) or not (undefined). */
function rewrite(e: Expression, f: (e: Expression) => Expression | undefined): Expression {
  const replaced = f(e);
  if (replaced !== undefined) return replaced;
  const r = (x: Expression): Expression => rewrite(x, f);
  switch (e.kind) {
    case 'literal':
    case 'name':
    case 'star':
      return e;
    case 'unary':
      return { ...e, operand: r(e.operand) };
    case 'binary':
      return { ...e, left: r(e.left), right: r(e.right) };
    case 'call':
      return { ...e, args: e.args.map(r) };
    case 'vector':
      return { ...e, elements: e.elements.map(r) };
    case 'in':
      return { ...e, operand: r(e.operand), list: r(e.list) };
    case 'between':
      return { ...e, operand: r(e.operand), low: r(e.low), high: r(e.high) };
    case 'like':
      return { ...e, operand: r(e.operand), pattern: r(e.pattern) };
    case 'isNull':
      return { ...e, operand: r(e.operand) };
    case 'member':
      return { ...e, object: r(e.object) };
  }
}

function slotName(name: string, position: Position): Expression {
  return { kind: 'name', name, position };
}

function planAggregate(
  statement: SelectStatement,
  outputs: readonly OutputColumn[],
  tableColumns: readonly string[],
): SelectPlan {
  const keys = statement.groupBy;
  const keyIndex = new Map(keys.map((k, i) => [expressionKey(k), i]));
  const specs: Omit<AggregateSpec, 'inputType'>[] = [];
  const inputs: (Expression | null)[] = [];
  const slots = new Map<string, number>();
  const aliases = new Map(outputs.map((o, i) => [o.name, i]));

  const toSlots = (expression: Expression, where: string): Expression => {
    const rewritten = rewrite(expression, (e) => {
      const key = keyIndex.get(expressionKey(e));
      if (key !== undefined) return slotName(keySlot(key), e.position);
      if (e.kind !== 'call' || !isAggregateName(e.name)) return undefined;
      const signature = expressionKey(e);
      let slot = slots.get(signature);
      if (slot === undefined) {
        slot = specs.length;
        specs.push({ name: e.name, position: e.position });
        inputs.push(aggregateInput(e));
        slots.set(signature, slot);
      }
      return slotName(aggregateSlot(slot), e.position);
    });
    checkNoBareColumns(rewritten, tableColumns, where);
    return rewritten;
  };

  const planned = outputs.map((o) => ({
    name: o.name,
    expression: toSlots(o.expression, 'the select list'),
  }));
  const having = statement.having === null ? null : toSlots(statement.having, 'HAVING');
  const orderBy = statement.orderBy.map((k) => {
    const alias = k.expression.kind === 'name' ? aliases.get(k.expression.name) : undefined;
    if (alias !== undefined && keyIndex.get(expressionKey(k.expression)) === undefined) {
      return { ...k, expression: slotName(`\u0000out${alias}`, k.expression.position) };
    }
    return { ...k, expression: toSlots(k.expression, 'ORDER BY') };
  });
  const scanned = [
    ...keys,
    ...inputs.filter((i): i is Expression => i !== null),
    ...whereOf(statement),
  ];
  return {
    outputs: planned,
    aggregation: { keys, specs, inputs },
    having,
    orderBy,
    scanColumns: referencedColumns(scanned, tableColumns),
  };
}

/** The one argument of an aggregate call: an expression, or null for count(*). */
function aggregateInput(call: Extract<Expression, { kind: 'call' }>): Expression | null {
  const [arg, extra] = call.args;
  if (arg === undefined || extra !== undefined) {
    queryError(
      'INVALID_ARGUMENT',
      call.position,
      `${call.name} takes 1 argument, not ${call.args.length}`,
    );
  }
  if (arg.kind === 'star') {
    if (call.name !== 'count')
      queryError('INVALID_ARGUMENT', arg.position, `${call.name}(*) is not defined; only count(*)`);
    return null;
  }
  if (hasAggregate(arg)) {
    queryError(
      'INVALID_ARGUMENT',
      arg.position,
      `aggregates cannot nest: ${call.name} of an aggregate`,
    );
  }
  return arg;
}

/** After rewriting, a table column outside every aggregate and key is an error. */
function checkNoBareColumns(
  expression: Expression,
  tableColumns: readonly string[],
  where: string,
): void {
  visit(expression, (e) => {
    if (e.kind === 'name' && tableColumns.includes(e.name)) {
      queryError(
        'INVALID_ARGUMENT',
        e.position,
        `column ${e.name} in ${where} must be in GROUP BY or inside an aggregate`,
      );
    }
  });
}
