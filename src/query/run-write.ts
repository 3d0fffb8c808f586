// Statements that change data: insert (values evaluated once, here, never re-evaluated by a
// replica), update and delete (WHERE and SET evaluated vectorised over each segment inside
// the storage transaction, with partitions pruned from WHERE).

import type { Column } from '../core/types/column.ts';
import { concatColumnSets, nullColumn } from '../core/types/column-ops.ts';
import * as storage from '../storage/index.ts';
import type { ColumnMeta, RowBatch, TableMeta } from '../storage/index.ts';
import type { Expression, Statement, TableRef } from './ast.ts';
import { conformToTable } from './conform-rows.ts';
import { evaluate } from './evaluate.ts';
import type { RowSource } from './evaluate.ts';
import { toColumn, truthMask } from './operators/index.ts';
import { prunedPartitions } from './prune-where.ts';
import { suggestion } from './near-miss.ts';
import { queryError, withPosition } from './query-error.ts';
import { rowsOf } from './row-source.ts';
import { envOf } from './statement-context.ts';
import type { StatementContext } from './statement-context.ts';
import { resolveTable } from './table-source.ts';
import type { TableSource } from './table-source.ts';
import type { Value } from './value.ts';

type Insert = Extract<Statement, { kind: 'insert' }>;
type Update = Extract<Statement, { kind: 'update' }>;
type Delete = Extract<Statement, { kind: 'delete' }>;

const rowsChanged = (effects: storage.CommitEffects): Value => ({
  kind: 'scalar',
  type: 'LONG',
  value: BigInt(effects.rowsWritten),
});

/** `insert into t [(columns)] values (…), (…)`: the number of rows inserted. */
export async function runInsert(statement: Insert, context: StatementContext): Promise<Value> {
  const source = resolveTable(statement.table, context);
  const meta = source.table.meta;
  const targets = statement.columns ?? meta.columns.map((c) => c.name);
  for (const name of targets) checkColumn(meta, name, statement.table.position);
  const env = envOf(context, null);
  const rowParts = statement.rows.map((row) => {
    if (row.length !== targets.length) {
      queryError(
        'COLUMN_MISMATCH',
        row[0]?.position ?? statement.position,
        `${targets.length} values needed (${targets.join(', ')}), ${row.length} given`,
      );
    }
    const values = row.map((e) => evaluate(e, env));
    const rows = Math.max(
      1,
      ...values.map((v) => (v.kind === 'vector' ? rowsOf([v.column], 0) : 1)),
    );
    const columns = values.map((v, i) =>
      v.kind === 'null'
        ? nullColumn(columnType(meta, targets[i]), rows)
        : toColumn(v, rows, row[i]?.position ?? statement.position),
    );
    return fullRow(meta, targets, columns, rows, statement.position);
  });
  const columns = concatColumnSets(
    meta.columns.map((c) => c.type),
    rowParts,
  );
  try {
    const rows = await context.append(source.database, source.name, columns);
    return { kind: 'scalar', type: 'LONG', value: BigInt(rows) };
  } catch (error) {
    return withPosition(error, statement.table.position);
  }
}

/** The type of column `name` (checked to exist). */
function columnType(meta: TableMeta, name: string | undefined): ColumnMeta['type'] {
  return meta.columns.find((c) => c.name === name)?.type ?? 'DOUBLE';
}

/** The column `name` of the table, or COLUMN_NOT_FOUND with a near miss. */
function checkColumn(meta: TableMeta, name: string, position: Expression['position']): ColumnMeta {
  const column = meta.columns.find((c) => c.name === name);
  if (column !== undefined) return column;
  const names = meta.columns.map((c) => c.name);
  return queryError(
    'COLUMN_NOT_FOUND',
    position,
    `${meta.name} has no column ${name}; its columns are ${names.join(', ')}.${suggestion(name, names)}`,
  );
}

/** The given columns in schema order, the others null, converted to the table's types. */
function fullRow(
  meta: TableMeta,
  targets: readonly string[],
  columns: readonly Column[],
  rows: number,
  position: Expression['position'],
): Column[] {
  const ordered = meta.columns.map((c) => {
    const given = targets.indexOf(c.name);
    return given < 0 ? nullColumn(c.type, rows) : (columns[given] as Column);
  });
  return conformToTable(meta, ordered, position);
}

/** `update t set c = e, … [where p]`: the number of rows updated. */
export async function runUpdate(statement: Update, context: StatementContext): Promise<Value> {
  const source = resolveTable(statement.table, context);
  const set: Record<string, storage.RowExpression> = {};
  for (const assignment of statement.assignments) {
    const column = checkColumn(source.table.meta, assignment.column, assignment.position);

    set[assignment.column] = (batch) => {
      const value = toColumn(
        evaluate(assignment.value, envOf(context, sourceOf(batch))),
        batch.rows,
        assignment.value.position,
      );
      return conformToTable(
        { ...source.table.meta, columns: [column] },
        [value],
        assignment.position,
      )[0] as Column;
    };
  }
  return write(statement.table, () =>
    storage.updateRows(
      context.writer,
      source.database,
      source.name,
      selection(statement.where, source, context),
      set,
    ),
  );
}

/** `delete from t [where p]`: the number of rows deleted. */
export async function runDelete(statement: Delete, context: StatementContext): Promise<Value> {
  const source = resolveTable(statement.table, context);
  return write(statement.table, () =>
    storage.deleteRows(
      context.writer,
      source.database,
      source.name,
      selection(statement.where, source, context),
    ),
  );
}

/** The storage row selection of a WHERE clause: a vectorised filter and pruned partitions. */
function selection(
  where: Expression | null,
  source: TableSource,
  context: StatementContext,
): storage.RowSelection {
  const partitions = prunedPartitions(source.scheme, source.table.meta.partitionColumns, where);
  return {
    ...(partitions === undefined ? {} : { partitions }),
    ...(where === null
      ? {}
      : {
          where: (batch: RowBatch) =>
            truthMask(evaluate(where, envOf(context, sourceOf(batch))), batch.rows, where.position),
        }),
  };
}

function sourceOf(batch: RowBatch): RowSource {
  return {
    rows: batch.rows,
    names: [...batch.columns.keys()],
    column: (name) => batch.columns.get(name),
  };
}

/** Runs a storage write; its errors carry the statement's table position. */
async function write(table: TableRef, run: () => Promise<storage.CommitEffects>): Promise<Value> {
  try {
    return rowsChanged(await run());
  } catch (error) {
    return withPosition(error, table.position);
  }
}
