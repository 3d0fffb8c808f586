// Checks of names and schemas shared by the operations; each failure is a typed error
// that names the offending thing.

import { ShoalError } from '../core/errors.ts';
import { MAX_NAME_LENGTH, MAX_TABLE_COLUMNS } from '../core/limits.ts';
import { isColumnType } from '../core/types/column-type.ts';
import type { ColumnType } from '../core/types/column-type.ts';
import type { ColumnMeta, TableState } from './catalog.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A column of a table definition. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly comment?: string;
}

/** A database path: `dfs://` and a name. */
export function checkDatabaseName(name: string): void {
  const rest = name.startsWith('dfs://') ? name.slice('dfs://'.length) : undefined;
  if (
    rest === undefined ||
    rest.length === 0 ||
    name.length > MAX_NAME_LENGTH ||
    hasControlCharacter(rest)
  ) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `database name ${JSON.stringify(name)} is invalid: use dfs:// followed by a name of at most ${MAX_NAME_LENGTH - 6} characters`,
    );
  }
}

/** A table or column name: a letter or _ then letters, digits, _. */
export function checkIdentifier(what: 'table' | 'column', name: string): void {
  if (!IDENTIFIER.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `${what} name ${JSON.stringify(name)} is invalid: start with a letter or _, then letters, digits or _ (at most ${MAX_NAME_LENGTH})`,
    );
  }
}

/** Column specs of a new table: valid names and types, no duplicates, within the limit. */
export function checkColumnSpecs(table: string, columns: readonly ColumnSpec[]): void {
  if (columns.length === 0)
    throw new ShoalError('INVALID_ARGUMENT', `table ${table} needs at least one column`);
  if (columns.length > MAX_TABLE_COLUMNS) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `table ${table} has ${columns.length} columns; at most ${MAX_TABLE_COLUMNS}`,
    );
  }
  const seen = new Set<string>();
  for (const column of columns) {
    checkIdentifier('column', column.name);
    if (!isColumnType(column.type)) {
      throw new ShoalError(
        'TYPE_MISMATCH',
        `column ${column.name} has unknown type ${String(column.type)}`,
      );
    }
    if (seen.has(column.name)) {
      throw new ShoalError(
        'COLUMN_EXISTS',
        `column ${column.name} appears twice in table ${table}`,
      );
    }
    seen.add(column.name);
  }
}

/** The column `name` of `table`, or COLUMN_NOT_FOUND with a near-miss hint. */
export function requireColumn(db: string, table: TableState, name: string): ColumnMeta {
  const column = table.meta.columns.find((c) => c.name === name);
  if (column !== undefined) return column;
  const near = table.meta.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  const hint = near === undefined ? '' : ` (did you mean ${near.name}?)`;
  throw new ShoalError(
    'COLUMN_NOT_FOUND',
    `column ${name} does not exist in ${db}/${table.meta.name}${hint}`,
  );
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}
