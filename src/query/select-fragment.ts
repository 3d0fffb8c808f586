// The part of a query that runs where the data is: scan the given partitions, filter, and
// either evaluate the select list (and order keys) or fold one partial aggregate per
// partition. In the cluster each owning data node runs this on its partitions and the
// coordinator merges the fragments (run-select.ts); embedded, one fragment covers all.

import { MAX_RESULT_ROWS } from '../core/limits.ts';
import type { Column } from '../core/types/column.ts';
import { concatColumns } from '../core/types/column-ops.ts';
import { aggregateResultType, PartialAggregator } from './aggregate/index.ts';
import type { AggregateSpec, PartialAggregate } from './aggregate/index.ts';
import type { Expression, SelectStatement } from './ast.ts';
import { evaluate } from './evaluate.ts';
import type { RowSource } from './evaluate.ts';
import { toColumn, truthMask } from './operators/index.ts';
import { queryError } from './query-error.ts';
import { maskIndices, takeAll } from './result-rows.ts';
import { rowSourceOf } from './row-source.ts';
import type { AggregationPlan, SelectPlan } from './select-plan.ts';
import { envOf } from './statement-context.ts';
import type { StatementContext } from './statement-context.ts';
import { emptyRows, scanTable } from './table-source.ts';
import type { TableSource } from './table-source.ts';

/** One partition's partial aggregate. */
export interface PartitionPartial {
  readonly partition: string;
  readonly partial: PartialAggregate;
}

/**
 * What a fragment returns. `rows`: the select list's columns then the order keys' columns
 * (`rowExpressions` order). `partials`: one per partition read, in scan order.
 */
export type Fragment =
  | { readonly kind: 'rows'; readonly columns: readonly Column[]; readonly rows: number }
  | { readonly kind: 'partials'; readonly partials: readonly PartitionPartial[] };

/** The key types and typed aggregate specs of an aggregation over `source`. */
export interface AggregationTypes {
  readonly keyTypes: readonly Column['type'][];
  readonly specs: readonly AggregateSpec[];
}

/** Runs the fragment of `plan` over `partitions` (all when undefined). */
export async function runFragment(
  statement: SelectStatement,
  plan: SelectPlan,
  source: TableSource,
  partitions: readonly string[] | undefined,
  context: StatementContext,
): Promise<Fragment> {
  return plan.aggregation === null
    ? scanRows(statement, plan, source, partitions, context)
    : scanAggregate(statement, plan, plan.aggregation, source, partitions, context);
}

/** The expressions a row fragment evaluates: the select list, then the order keys. */
export function rowExpressions(plan: SelectPlan): Expression[] {
  const names = plan.outputs.map((o) => o.name);
  return [
    ...plan.outputs.map((o) => o.expression),
    ...plan.orderBy.map((k) => orderExpression(k.expression, names, plan)),
  ];
}

/** Result types of the row expressions over `source` (from an empty batch). */
export function rowTypes(
  plan: SelectPlan,
  source: TableSource,
  context: StatementContext,
): Column['type'][] {
  const empty = emptyRows(source, plan.scanColumns);
  return rowExpressions(plan).map((e) => columnOf(e, empty, context).type);
}

/** Key and input types of `aggregation` over `source`; TYPE_MISMATCH for a bad aggregate. */
export function aggregationTypes(
  aggregation: AggregationPlan,
  plan: SelectPlan,
  source: TableSource,
  context: StatementContext,
): AggregationTypes {
  const empty = emptyRows(source, plan.scanColumns);
  const keyTypes = aggregation.keys.map((k) => columnOf(k, empty, context).type);
  const specs = aggregation.specs.map((spec, a): AggregateSpec => {
    const input = aggregation.inputs[a];
    const inputType =
      input === null || input === undefined ? null : columnOf(input, empty, context).type;
    return { ...spec, inputType };
  });
  specs.forEach((spec) => aggregateResultType(spec));
  return { keyTypes, specs };
}

/** Rows WHERE keeps, with the row expressions evaluated batch by batch. */
async function scanRows(
  statement: SelectStatement,
  plan: SelectPlan,
  source: TableSource,
  partitions: readonly string[] | undefined,
  context: StatementContext,
): Promise<Fragment> {
  const expressions = rowExpressions(plan);
  const types = rowTypes(plan, source, context);
  checkWhere(statement, plan, source, context);
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
  return { kind: 'rows', columns, rows: total };
}

/** One partial aggregate per partition that has rows. */
async function scanAggregate(
  statement: SelectStatement,
  plan: SelectPlan,
  aggregation: AggregationPlan,
  source: TableSource,
  partitions: readonly string[] | undefined,
  context: StatementContext,
): Promise<Fragment> {
  const { keyTypes, specs } = aggregationTypes(aggregation, plan, source, context);
  checkWhere(statement, plan, source, context);
  const partials: PartitionPartial[] = [];
  let aggregator: PartialAggregator | null = null;
  let partition = '';
  for await (const batch of scanTable(source, plan.scanColumns, partitions, context)) {
    if (aggregator === null || batch.partition !== partition) {
      if (aggregator !== null) partials.push({ partition, partial: aggregator.finishPartial() });
      aggregator = new PartialAggregator(keyTypes, specs);
      partition = batch.partition;
    }
    const rows = filterRows(statement.where, batch.rows, context);
    if (rows.rows === 0) continue;
    const keys = aggregation.keys.map((k) => columnOf(k, rows, context));
    const inputs = aggregation.inputs.map((i) => (i === null ? null : columnOf(i, rows, context)));
    aggregator.add(keys, inputs, rows.rows);
  }
  if (aggregator !== null) partials.push({ partition, partial: aggregator.finishPartial() });
  return { kind: 'partials', partials };
}

/** An order key naming a result column sorts by it (the alias wins over a table column). */
function orderExpression(
  expression: Expression,
  names: readonly string[],
  plan: SelectPlan,
): Expression {
  if (expression.kind !== 'name') return expression;
  const output = plan.outputs[names.indexOf(expression.name)];
  return output === undefined ? expression : output.expression;
}

/** Evaluates WHERE over no rows, so a bad WHERE fails whether or not any data is read. */
function checkWhere(
  statement: SelectStatement,
  plan: SelectPlan,
  source: TableSource,
  context: StatementContext,
): void {
  if (statement.where === null) return;
  filterRows(statement.where, emptyRows(source, plan.scanColumns), context);
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
export function columnOf(
  expression: Expression,
  rows: RowSource,
  context: StatementContext,
): Column {
  return toColumn(evaluate(expression, envOf(context, rows)), rows.rows, expression.position);
}

/** Rows needed before the window ends (a scan may stop there when nothing reorders rows). */
export function windowEnd(statement: SelectStatement): number {
  const offset = statement.limit?.offset ?? 0;
  const count = statement.limit?.count ?? statement.top ?? Infinity;
  return offset + count;
}

/** MAX_RESULT_ROWS bounds what a query may hold. */
export function checkResultSize(rows: number, statement: SelectStatement): void {
  if (rows <= MAX_RESULT_ROWS) return;
  queryError(
    'INVALID_ARGUMENT',
    statement.position,
    `the result exceeds ${MAX_RESULT_ROWS} rows: filter with WHERE, aggregate, or add LIMIT`,
  );
}
