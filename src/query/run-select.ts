// Running a select/exec query: resolve the table, plan, prune partitions from WHERE, stream
// segments (filter, then evaluate the select list, or fold aggregates into one partial per
// partition and merge them), then HAVING, DISTINCT, ORDER BY and LIMIT over the result.

import { MAX_RESULT_ROWS } from '../core/limits.ts';
import type { Column } from '../core/types/column.ts';
import { concatColumns } from '../core/types/column-ops.ts';
import { aggregateResultType, mergePartials, PartialAggregator } from './aggregate/index.ts';
import type { AggregateSpec, PartialAggregate } from './aggregate/index.ts';
import type { Expression, SelectStatement } from './ast.ts';
import { evaluate } from './evaluate.ts';
import { expressionName } from './expression-key.ts';
import type { RowSource } from './evaluate.ts';
import { toColumn, truthMask } from './operators/index.ts';
import { prunedPartitions } from './prune-where.ts';
import { queryError } from './query-error.ts';
import { distinctRows, maskIndices, sortedIndices, takeAll, windowRows } from './result-rows.ts';
import type { SortKey } from './result-rows.ts';
import { rowSourceOf, rowsOf } from './row-source.ts';
import { aggregateSlot, keySlot, planSelect } from './select-plan.ts';
import type { AggregationPlan, SelectPlan } from './select-plan.ts';
import { envOf } from './statement-context.ts';
import type { StatementContext } from './statement-context.ts';
import { emptyRows, resolveTable, scanTable } from './table-source.ts';
import type { TableSource } from './table-source.ts';
import { scalarOf } from './value-access.ts';
import type { Value } from './value.ts';

/** Result columns before DISTINCT/ORDER BY/LIMIT, with the order keys evaluated beside them. */
interface RowSet {
  readonly names: readonly string[];
  readonly columns: readonly Column[];
  readonly sortKeys: readonly SortKey[];
  readonly rows: number;
}

/** Runs `statement` in `context`: a table for select, a vector or scalar for exec. */
export async function runSelect(
  statement: SelectStatement,
  context: StatementContext,
): Promise<Value> {
  if (statement.from === null) return selectWithoutTable(statement, context);
  const source = resolveTable(statement.from, context);
  const plan = planSelect(
    statement,
    source.table.meta.columns.map((c) => c.name),
  );
  const partitions = prunedPartitions(
    source.scheme,
    source.table.meta.partitionColumns,
    statement.where,
  );
  const rowSet =
    plan.aggregation === null
      ? await scanRows(statement, plan, source, partitions, context)
      : await scanAggregate(statement, plan, plan.aggregation, source, partitions, context);
  return shapeResult(statement, plan, finishRows(statement, rowSet));
}

/** Streams the rows WHERE keeps, evaluating outputs and order keys batch by batch. */
async function scanRows(
  statement: SelectStatement,
  plan: SelectPlan,
  source: TableSource,
  partitions: readonly string[] | undefined,
  context: StatementContext,
): Promise<RowSet> {
  const names = plan.outputs.map((o) => o.name);
  const orderExpressions = plan.orderBy.map((k) => orderExpression(k.expression, names, plan));
  const expressions = [...plan.outputs.map((o) => o.expression), ...orderExpressions];
  const types = expressions.map(
    (e) => columnOf(e, emptyRows(source, plan.scanColumns), context).type,
  );
  const parts: Column[][] = expressions.map(() => []);
  const stopAt =
    statement.orderBy.length === 0 && !statement.distinct ? windowEnd(statement) : Infinity;
  let total = 0;
  for await (const batch of scanTable(source, plan.scanColumns, partitions, context)) {
    const rows = filterRows(statement.where, batch.rows, context);
    if (rows.rows === 0) continue;
    expressions.forEach((e, i) => parts[i]?.push(columnOf(e, rows, context)));
    total += rows.rows;
    checkResultSize(total, statement);
    if (total >= stopAt) break;
  }
  const columns = types.map((type, i) => concatColumns(type, parts[i] ?? []));
  return {
    names,
    columns: columns.slice(0, names.length),
    sortKeys: columns.slice(names.length).map((column, i) => ({
      column,
      descending: plan.orderBy[i]?.direction === 'desc',
    })),
    rows: total,
  };
}

/** An order key naming a result column that is not a table column sorts by that column. */
function orderExpression(
  expression: Expression,
  names: readonly string[],
  plan: SelectPlan,
): Expression {
  if (expression.kind !== 'name' || plan.scanColumns.includes(expression.name)) return expression;
  const index = names.indexOf(expression.name);
  const output = plan.outputs[index];
  return output === undefined ? expression : output.expression;
}

/** Folds each partition's rows into a partial aggregate, merges them, then evaluates outputs. */
async function scanAggregate(
  statement: SelectStatement,
  plan: SelectPlan,
  aggregation: AggregationPlan,
  source: TableSource,
  partitions: readonly string[] | undefined,
  context: StatementContext,
): Promise<RowSet> {
  const empty = emptyRows(source, plan.scanColumns);
  const keyTypes = aggregation.keys.map((k) => columnOf(k, empty, context).type);
  const specs: AggregateSpec[] = aggregation.specs.map((spec, a) => {
    const input = aggregation.inputs[a];
    const inputType =
      input === null || input === undefined ? null : columnOf(input, empty, context).type;
    return { ...spec, inputType };
  });
  specs.forEach((spec) => aggregateResultType(spec));
  const partials: PartialAggregate[] = [];
  let aggregator: PartialAggregator | null = null;
  let partition: string | null = null;
  for await (const batch of scanTable(source, plan.scanColumns, partitions, context)) {
    if (aggregator === null || batch.partition !== partition) {
      if (aggregator !== null) partials.push(aggregator.finishPartial());
      aggregator = new PartialAggregator(keyTypes, specs);
      partition = batch.partition;
    }
    const rows = filterRows(statement.where, batch.rows, context);
    if (rows.rows === 0) continue;
    const keys = aggregation.keys.map((k) => columnOf(k, rows, context));
    const inputs = aggregation.inputs.map((i) => (i === null ? null : columnOf(i, rows, context)));
    aggregator.add(keys, inputs, rows.rows);
  }
  partials.push((aggregator ?? new PartialAggregator(keyTypes, specs)).finishPartial());
  const merged = mergePartials(keyTypes, specs, partials);
  return groupRows(statement, plan, merged.keys, merged.values, context);
}

/** Evaluates outputs, HAVING and order keys over one row per group. */
function groupRows(
  statement: SelectStatement,
  plan: SelectPlan,
  keys: readonly Column[],
  values: readonly Column[],
  context: StatementContext,
): RowSet {
  const slotNames = [...keys.map((_, i) => keySlot(i)), ...values.map((_, i) => aggregateSlot(i))];
  let groups = rowSourceOf(slotNames, [...keys, ...values], rowsOf([...keys, ...values], 1));
  if (plan.having !== null) {
    const mask = truthMask(
      evaluate(plan.having, envOf(context, groups)),
      groups.rows,
      plan.having.position,
    );
    const kept = maskIndices(mask);
    const columns = takeAll([...keys, ...values], kept);
    groups = rowSourceOf(slotNames, columns, kept === null ? groups.rows : kept.length);
  }
  const names = plan.outputs.map((o) => o.name);
  const columns = plan.outputs.map((o) => columnOf(o.expression, groups, context));
  const withOutputs = rowSourceOf(
    [...slotNames, ...columns.map((_, i) => `\u0000out${i}`)],
    [...slotNames.map((n) => groups.column(n) as Column), ...columns],
    groups.rows,
  );
  const sortKeys = plan.orderBy.map((k) => ({
    column: columnOf(k.expression, withOutputs, context),
    descending: k.direction === 'desc',
  }));
  checkResultSize(groups.rows, statement);
  return { names, columns, sortKeys, rows: groups.rows };
}

/** The rows of `rows` that WHERE keeps (all without WHERE). */
function filterRows(
  where: Expression | null,
  rows: RowSource,
  context: StatementContext,
): RowSource {
  if (where === null) return rows;
  const mask = truthMask(evaluate(where, envOf(context, rows)), rows.rows, where.position);
  const kept = maskIndices(mask);
  if (kept === null) return rows;
  const names = rows.names.filter((name) => rows.column(name) !== undefined);
  const columns = names.map((name) => rows.column(name) as Column);
  return { ...rowSourceOf(names, takeAll(columns, kept), kept.length), names: rows.names };
}

/** `expression` over `rows` as a column of their length (scalars broadcast). */
function columnOf(expression: Expression, rows: RowSource, context: StatementContext): Column {
  return toColumn(evaluate(expression, envOf(context, rows)), rows.rows, expression.position);
}

/** DISTINCT, ORDER BY, then LIMIT/TOP. */
function finishRows(statement: SelectStatement, set: RowSet): RowSet {
  let current = set;
  if (statement.distinct) current = pick(current, distinctRows(current.columns, current.rows));
  if (current.sortKeys.length > 0)
    current = pick(current, sortedIndices(current.sortKeys, current.rows));
  const offset = statement.limit?.offset ?? 0;
  const count = statement.limit?.count ?? statement.top ?? Infinity;
  const columns = windowRows(current.columns, offset, count);
  return { ...current, columns, rows: rowsOf(columns, 0), sortKeys: [] };
}

function pick(set: RowSet, indices: Int32Array): RowSet {
  return {
    names: set.names,
    columns: takeAll(set.columns, indices),
    sortKeys: set.sortKeys.map((k) => ({
      ...k,
      column: takeAll([k.column], indices)[0] as Column,
    })),
    rows: indices.length,
  };
}

/** Rows needed before the window ends (a scan may stop there when nothing reorders rows). */
function windowEnd(statement: SelectStatement): number {
  const offset = statement.limit?.offset ?? 0;
  const count = statement.limit?.count ?? statement.top ?? Infinity;
  return offset + count;
}

function checkResultSize(rows: number, statement: SelectStatement): void {
  if (rows <= MAX_RESULT_ROWS) return;
  queryError(
    'INVALID_ARGUMENT',
    statement.position,
    `the result exceeds ${MAX_RESULT_ROWS} rows: filter with WHERE, aggregate, or add LIMIT`,
  );
}

/** select → table; exec of one column → vector (a scalar for one global aggregate). */
function shapeResult(statement: SelectStatement, plan: SelectPlan, set: RowSet): Value {
  const [only, second] = set.columns;
  if (statement.mode === 'exec' && only !== undefined && second === undefined) {
    const scalarResult = plan.aggregation !== null && plan.aggregation.keys.length === 0;
    if (scalarResult && set.rows === 1) return scalarOf(only, 0);
    return { kind: 'vector', column: only };
  }
  return { kind: 'table', table: { names: set.names, columns: set.columns } };
}

/** `select 1 + 2`, `exec now()`: the list evaluated once, with no rows. */
function selectWithoutTable(statement: SelectStatement, context: StatementContext): Value {
  const clause =
    statement.where ?? statement.having ?? statement.groupBy[0] ?? statement.orderBy[0]?.expression;
  if (clause !== undefined) {
    queryError(
      'INVALID_ARGUMENT',
      clause.position,
      'WHERE, GROUP BY, HAVING and ORDER BY need FROM',
    );
  }
  const env = envOf(context, null);
  const values = statement.columns.map((item) => evaluate(item.expression, env));
  const [first, second] = values;
  if (statement.mode === 'exec' && first !== undefined && second === undefined) return first;
  const rows = Math.max(1, ...values.map((v) => (v.kind === 'vector' ? rowsOf([v.column], 0) : 1)));
  const columns = values.map((v, i) =>
    toColumn(v, rows, statement.columns[i]?.expression.position ?? statement.position),
  );
  const names = statement.columns.map(
    (item, i) => item.alias ?? expressionName(item.expression, `col${i + 1}`),
  );
  return { kind: 'table', table: { names, columns } };
}
