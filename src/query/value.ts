// The values statements and expressions produce: DolphinDB's forms (scalar, vector, pair,
// table, dictionary) plus handles to databases and tables. A vector is one Column, so
// expression evaluation stays vectorised over typed arrays.

import type { CellValue, ColumnType, Scalar } from '../core/types/column-type.ts';
import type { Column } from '../core/types/column.ts';
import type { PartitionScheme } from '../core/partition/index.ts';

/** A result table: names and columns of equal length, in order. */
export interface Table {
  readonly names: readonly string[];
  readonly columns: readonly Column[];
}

/**
 * A value. `null` is DolphinDB's untyped NULL (it takes the type of what it meets); a typed
 * null is a scalar holding its type's sentinel. A `name` is a word that is not a column: a
 * type or scheme constant (INT, VALUE) or a function passed as a value; functions decide.
 * A `tuple` is DolphinDB's ANY vector: elements of different forms (`[SYMBOL, 10]`).
 */
export type Value =
  | { readonly kind: 'null' }
  | { readonly kind: 'scalar'; readonly type: ColumnType; readonly value: CellValue }
  | { readonly kind: 'vector'; readonly column: Column }
  | { readonly kind: 'pair'; readonly first: Scalar; readonly second: Scalar }
  | { readonly kind: 'table'; readonly table: Table }
  | {
      readonly kind: 'dictionary';
      readonly keys: readonly string[];
      readonly values: readonly Value[];
    }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'tuple'; readonly elements: readonly Value[] }
  | {
      readonly kind: 'database';
      readonly path: string;
      /** The scheme given to database(…), null for a handle of an existing database. */
      readonly scheme: PartitionScheme | null;
    }
  | { readonly kind: 'tableHandle'; readonly database: string; readonly table: string }
  | { readonly kind: 'void' };

export const VOID: Value = { kind: 'void' };

/** A scalar value of `type`. */
export function scalarValue(type: ColumnType, value: CellValue): Value {
  return { kind: 'scalar', type, value };
}

/** A vector value over `column`. */
export function vectorValue(column: Column): Value {
  return { kind: 'vector', column };
}

/** DolphinDB's name for a value's form, for error messages ("a table", "a scalar"). */
export function describeValue(value: Value): string {
  switch (value.kind) {
    case 'null':
      return 'NULL';
    case 'scalar':
      return `${article(value.type)} ${value.type} scalar`;
    case 'vector':
      return `${article(value.column.type)} ${value.column.type} vector`;
    case 'pair':
      return `${article(value.first.type)} ${value.first.type} pair`;
    case 'table':
      return 'a table';
    case 'dictionary':
      return 'a dictionary';
    case 'name':
      return `the name ${value.name}`;
    case 'tuple':
      return `a tuple of ${value.elements.length}`;
    case 'database':
      return `the database handle ${value.path}`;
    case 'tableHandle':
      return `the table handle ${value.database}/${value.table}`;
    case 'void':
      return 'nothing';
  }
}

/** The article before a type name as spoken: an INT, a DOUBLE. */
function article(type: ColumnType): string {
  return /^[AEIOU]/.test(type) ? 'an' : 'a';
}
