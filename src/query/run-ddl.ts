// DolphinDB's SQL DDL: create/drop database, create/drop table, alter table add/drop/rename
// column. Each is one storage transaction; errors carry the statement's position.

import { unreachable } from '../core/assert.ts';
import type { PartitionScheme, LevelScheme } from '../core/partition/index.ts';
import * as storage from '../storage/index.ts';
import type { PartitionSpec, Statement } from './ast.ts';
import { evaluate } from './evaluate.ts';
import { queryError, withPosition } from './query-error.ts';
import { schemeOf } from './scheme-of.ts';
import { envOf } from './statement-context.ts';
import type { StatementContext } from './statement-context.ts';
import { resolveTable } from './table-source.ts';
import { VOID } from './value.ts';
import type { Value } from './value.ts';

/** A DDL statement. */
export type DdlStatement = Extract<
  Statement,
  { kind: 'createDatabase' | 'createTable' | 'dropDatabase' | 'dropTable' | 'alterTable' }
>;

/** Runs `statement`; the result is void. */
export async function runDdl(statement: DdlStatement, context: StatementContext): Promise<Value> {
  try {
    await apply(statement, context);
    return VOID;
  } catch (error) {
    return withPosition(error, statement.position);
  }
}

async function apply(statement: DdlStatement, context: StatementContext): Promise<unknown> {
  const store = context.writer;
  switch (statement.kind) {
    case 'createDatabase':
      return storage.createDatabase(
        store,
        statement.path,
        schemeOfSpecs(statement.partitions, context),
      );
    case 'createTable':
      return statement.partitionColumns.length === 0
        ? storage.createDimensionTable(
            store,
            statement.database,
            statement.table,
            statement.columns,
          )
        : storage.createPartitionedTable(
            store,
            statement.database,
            statement.table,
            statement.columns,
            statement.partitionColumns,
          );
    case 'dropDatabase':
      return storage.dropDatabase(store, statement.path);
    case 'dropTable':
      return storage.dropTable(store, statement.database, statement.table);
    case 'alterTable':
      return alter(statement, context);
    default:
      return unreachable(statement);
  }
}

async function alter(
  statement: Extract<DdlStatement, { kind: 'alterTable' }>,
  context: StatementContext,
): Promise<unknown> {
  const { database, name } = resolveTable(statement.table, context);
  const action = statement.action;
  switch (action.kind) {
    case 'addColumn':
      return storage.addColumn(context.writer, database, name, {
        name: action.column,
        type: action.type,
      });
    case 'dropColumn':
      return storage.dropColumns(context.writer, database, name, [action.column]);
    case 'renameColumn':
      return storage.renameColumn(context.writer, database, name, action.from, action.to);
    default:
      return unreachable(action);
  }
}

/** One spec is the scheme; two are the levels of a COMPO scheme. */
function schemeOfSpecs(
  specs: readonly PartitionSpec[],
  context: StatementContext,
): PartitionScheme {
  const env = envOf(context, null);
  const schemes = specs.map((spec) => {
    const [arg, extra] = spec.args;
    if (arg === undefined || extra !== undefined) {
      queryError('INVALID_PARTITION_SCHEME', spec.position, `${spec.scheme}(…) takes one argument`);
    }
    return schemeOf({ kind: 'name', name: spec.scheme }, evaluate(arg, env), spec.position);
  });
  const [first, second, third] = schemes;
  if (first !== undefined && second === undefined) return first;
  if (
    first === undefined ||
    second === undefined ||
    third !== undefined ||
    first.kind === 'COMPO' ||
    second.kind === 'COMPO'
  ) {
    return queryError(
      'INVALID_PARTITION_SCHEME',
      specs[0]?.position ?? { line: 1, column: 1 },
      'partitioned by takes one scheme, or two for a composite (COMPO) scheme',
    );
  }
  return { kind: 'COMPO', levels: [first, second] as readonly [LevelScheme, LevelScheme] };
}
