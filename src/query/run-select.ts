// Running a select/exec query: resolve the table, plan, prune partitions from WHERE, run the
// fragment that scans (select-fragment.ts), merge fragments (rows, or partial aggregates in
// partition order), then HAVING, DISTINCT, ORDER BY and LIMIT over the result.

import type { Column } from '../core/types/column.ts';
import { concatColumnSets } from '../core/types/column-ops.ts';
import { mergePartials, PartialAggregator } from './aggregate/index.ts';
import type { SelectStatement, TableRef } from './ast.ts';
import { evaluate } from './evaluate.ts';
import type { RowSource } from './evaluate.ts';
import { expressionName } from './expression-key.ts';
import { toColumn, truthMask } from './operators/index.ts';
import { prunedPartitions } from './prune-where.ts';
import { queryError } from './query-error.ts';
import { distinctRows, maskIndices, sortedIndices, takeAll, windowRows } from './result-rows.ts';
import type { SortKey } from './result-rows.ts';
import { rowSourceOf, rowsOf } from './row-source.ts';
import { aggregateSlot, keySlot, planSelect } from './select-plan.ts';
import type { AggregationPlan, SelectPlan } from './select-plan.ts';
import {
  aggregationTypes,
  checkResultSize,
  columnOf,
  rowTypes,
  runFragment,
} from './select-fragment.ts';
import type { Fragment } from './select-fragment.ts';
import { envOf } from './statement-context.ts';
import type { StatementContext } from './statement-context.ts';
import { partitionRank, resolveTable } from './table-source.ts';
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
  const { source, plan, partitions } = planQuery(statement, statement.from, context);
  const fragment = await runFragment(statement, plan, source, partitions, context);
  return finishSelect(statement, plan, source, [fragment], context);
}

/** A query's table, plan and pruned partitions (undefined: all of them). */
export interface PlannedQuery {
  readonly source: TableSource;
  readonly plan: SelectPlan;
  readonly partitions: readonly string[] | undefined;
}

/** Resolves the FROM table, plans the query over it and prunes partitions from WHERE. */
export function planQuery(
  statement: SelectStatement,
  from: TableRef,
  context: StatementContext,
): PlannedQuery {
  const source = resolveTable(from, context);
  const plan = planSelect(
    statement,
    source.table.meta.columns.map((c) => c.name),
  );
  const { scheme, table } = source;
  const partitions = prunedPartitions(scheme, table.meta.partitionColumns, statement.where);
  return { source, plan, partitions };
}

/**
 * Merges the fragments of a query (any split of its partitions) and finishes it: partials
 * merge in the table's partition order, whatever order the fragments came in.
 */
export function finishSelect(
  statement: SelectStatement,
  plan: SelectPlan,
  source: TableSource,
  fragments: readonly Fragment[],
  context: StatementContext,
): Value {
  const rowSet =
    plan.aggregation === null
      ? mergeRows(plan, source, fragments, context)
      : mergeAggregate(statement, plan, plan.aggregation, source, fragments, context);
  return shapeResult(statement, plan, finishRows(statement, rowSet));
}

function mergeRows(
  plan: SelectPlan,
  source: TableSource,
  fragments: readonly Fragment[],
  context: StatementContext,
): RowSet {
  const types = rowTypes(plan, source, context);
  const columns = concatColumnSets(
    types,
    fragments.flatMap((f) => (f.kind === 'rows' ? [f.columns] : [])),
  );
  const names = plan.outputs.map((o) => o.name);
  return {
    names,
    columns: columns.slice(0, names.length),
    sortKeys: columns.slice(names.length).map((column, i) => ({
      column,
      descending: plan.orderBy[i]?.direction === 'desc',
    })),
    rows: rowsOf(columns, 0),
  };
}

function mergeAggregate(
  statement: SelectStatement,
  plan: SelectPlan,
  aggregation: AggregationPlan,
  source: TableSource,
  fragments: readonly Fragment[],
  context: StatementContext,
): RowSet {
  const { keyTypes, specs } = aggregationTypes(aggregation, plan, source, context);
  const rank = partitionRank(source);
  const partials = fragments
    .flatMap((f) => (f.kind === 'partials' ? f.partials : []))
    .sort((a, b) => (rank.get(a.partition) ?? 0) - (rank.get(b.partition) ?? 0))
    .map((p) => p.partial);
  if (partials.length === 0) partials.push(new PartialAggregator(keyTypes, specs).finishPartial());
  const merged = mergePartials(keyTypes, specs, partials);
  const tableColumns = source.table.meta.columns.map((c) => c.name);
  return groupRows(statement, plan, merged.keys, merged.values, tableColumns, context);
}

/** Evaluates outputs, HAVING and order keys over one row per group. */
function groupRows(
  statement: SelectStatement,
  plan: SelectPlan,
  keys: readonly Column[],
  values: readonly Column[],
  tableColumns: readonly string[],
  context: StatementContext,
): RowSet {
  const slotNames = [...keys.map((_, i) => keySlot(i)), ...values.map((_, i) => aggregateSlot(i))];
  // Messages about an unknown name list the table's columns, not the hidden slots.
  const named = (source: RowSource): RowSource => ({
    ...source,
    names: [...slotNames, ...tableColumns],
  });
  let groups = named(rowSourceOf(slotNames, [...keys, ...values], rowsOf([...keys, ...values], 1)));
  if (plan.having !== null) {
    const mask = truthMask(
      evaluate(plan.having, envOf(context, groups)),
      groups.rows,
      plan.having.position,
    );
    const kept = maskIndices(mask);
    const columns = takeAll([...keys, ...values], kept);
    groups = named(rowSourceOf(slotNames, columns, kept === null ? groups.rows : kept.length));
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
