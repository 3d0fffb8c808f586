// What a statement needs in a cluster: where it runs (a distributed query, this node with
// cluster appends, or prepared on every data node) and the privilege it takes on which
// database (DolphinDB's DB_READ / DB_WRITE / DB_DDL).

import type { Expression, Statement, TableRef } from '../../query/ast.ts';
import type { FunctionRegistry } from '../../query/functions/registry.ts';

export interface Access {
  readonly route: 'query' | 'local' | 'broadcast';
  /** Null when the statement reads no database (e.g. `select 1 + 2`). */
  readonly privilege: 'DB_READ' | 'DB_WRITE' | 'DB_DDL' | null;
  readonly object: string;
}

/** Route and privilege of `statement`. */
export function statementAccess(
  statement: Statement,
  functions: FunctionRegistry,
  localCommands: ReadonlySet<string>,
): Access {
  switch (statement.kind) {
    case 'select':
      return statement.from === null
        ? { route: 'local', privilege: null, object: '' }
        : { route: 'query', privilege: 'DB_READ', object: tableDatabase(statement.from) };
    case 'insert':
      return { route: 'local', privilege: 'DB_WRITE', object: tableDatabase(statement.table) };
    case 'update':
    case 'delete':
      return { route: 'broadcast', privilege: 'DB_WRITE', object: tableDatabase(statement.table) };
    case 'createDatabase':
    case 'dropDatabase':
      return { route: 'broadcast', privilege: 'DB_DDL', object: statement.path };
    case 'createTable':
    case 'dropTable':
      return { route: 'broadcast', privilege: 'DB_DDL', object: statement.database };
    case 'alterTable':
      return { route: 'broadcast', privilege: 'DB_DDL', object: tableDatabase(statement.table) };
    case 'expression':
      return expressionAccess(statement.expression, functions, localCommands);
  }
}

function expressionAccess(
  expression: Expression,
  functions: FunctionRegistry,
  localCommands: ReadonlySet<string>,
): Access {
  const database = firstDatabasePath(expression) ?? '';
  const privilege = database === '' ? null : 'DB_READ';
  if (expression.kind !== 'call' || !functions.has(expression.name)) {
    return { route: 'local', privilege, object: database };
  }
  const definition = functions.require(expression.name, expression.position);
  if (definition.kind !== 'command') return { route: 'local', privilege, object: database };
  if (localCommands.has(expression.name)) {
    // tableInsert appends (DB_WRITE), schema reads (DB_READ); the others check their caller
    // themselves.
    if (database === '') return { route: 'local', privilege: null, object: database };
    const own =
      expression.name === 'tableInsert'
        ? 'DB_WRITE'
        : expression.name === 'schema'
          ? 'DB_READ'
          : null;
    return { route: 'local', privilege: own, object: database };
  }
  return { route: 'broadcast', privilege: 'DB_DDL', object: database || '*' };
}

function tableDatabase(ref: TableRef): string {
  return ref.kind === 'dfsTable' ? ref.database : '*';
}

/** The first "dfs://…" string literal in the expression, if any. */
function firstDatabasePath(expression: Expression): string | undefined {
  if (expression.kind === 'literal') {
    const literal = expression.literal;
    if (literal.kind === 'scalar' && typeof literal.scalar.value === 'string') {
      return literal.scalar.value.startsWith('dfs://') ? literal.scalar.value : undefined;
    }
    return undefined;
  }
  const children =
    expression.kind === 'call'
      ? expression.args
      : expression.kind === 'vector'
        ? expression.elements
        : expression.kind === 'member'
          ? [expression.object]
          : [];
  for (const child of children) {
    const found = firstDatabasePath(child);
    if (found !== undefined) return found;
  }
  return undefined;
}
