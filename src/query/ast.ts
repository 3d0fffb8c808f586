// The syntax tree of DolphinDB's SQL dialect as the parser produces it: expressions and
// statements, each node carrying the line and column where it starts. Absent optional parts
// are `null` (not missing), so trees compare structurally in tests.

import type { ColumnType } from '../core/types/column-type.ts';
import type { Literal } from '../core/types/literal.ts';

/** Where a node starts in the statement text: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Binary operators after normalising spellings (`=` → `==`, `<>` → `!=`, `&&` → `and`). */
export type BinaryOperator =
  'or' | 'and' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** An expression. `name` is a column, or a function passed as a value (resolved later). */
export type Expression =
  | { readonly kind: 'literal'; readonly literal: Literal; readonly position: Position }
  | { readonly kind: 'name'; readonly name: string; readonly position: Position }
  | { readonly kind: 'star'; readonly position: Position }
  | {
      readonly kind: 'unary';
      readonly operator: '-' | 'not';
      readonly operand: Expression;
      readonly position: Position;
    }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: Expression;
      readonly right: Expression;
      readonly position: Position;
    }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly Expression[];
      readonly position: Position;
    }
  | {
      readonly kind: 'vector';
      readonly elements: readonly Expression[];
      readonly position: Position;
    }
  | {
      readonly kind: 'in';
      readonly operand: Expression;
      readonly list: Expression;
      readonly negated: boolean;
      readonly position: Position;
    }
  | {
      readonly kind: 'between';
      readonly operand: Expression;
      readonly low: Expression;
      readonly high: Expression;
      readonly negated: boolean;
      readonly position: Position;
    }
  | {
      readonly kind: 'like';
      readonly operand: Expression;
      readonly pattern: Expression;
      readonly negated: boolean;
      readonly position: Position;
    }
  | {
      readonly kind: 'isNull';
      readonly operand: Expression;
      readonly negated: boolean;
      readonly position: Position;
    }
  /** `object.name`: an entry of a dictionary, e.g. `schema(db).clusterReplicationEnabled`. */
  | {
      readonly kind: 'member';
      readonly object: Expression;
      readonly name: string;
      readonly position: Position;
    };

/** A table: a plain name, or a DFS table (`loadTable("dfs://db", "t")` or `"dfs://db"."t"`). */
export type TableRef =
  | { readonly kind: 'tableName'; readonly name: string; readonly position: Position }
  | {
      readonly kind: 'dfsTable';
      readonly database: string;
      readonly table: string;
      readonly position: Position;
    };

/** One entry of a select list, with its `as` alias or null. */
export interface SelectItem {
  readonly expression: Expression;
  readonly alias: string | null;
}

/** One `order by` key. */
export interface OrderKey {
  readonly expression: Expression;
  readonly direction: 'asc' | 'desc';
}

/** `limit count` or `limit offset, count`; offset is 0 when not given. */
export interface Limit {
  readonly offset: number;
  readonly count: number;
  readonly position: Position;
}

/** One `update` assignment `column = value`. */
export interface Assignment {
  readonly column: string;
  readonly value: Expression;
  readonly position: Position;
}

/** One partitioning of `create database … partitioned by`: VALUE/RANGE/HASH/LIST/COMPO(args). */
export interface PartitionSpec {
  readonly scheme: 'VALUE' | 'RANGE' | 'HASH' | 'LIST' | 'COMPO';
  readonly args: readonly Expression[];
  readonly position: Position;
}

/** A column of `create table`. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  readonly position: Position;
}

/** What `alter table` does; `position` is where its ADD, DROP or RENAME starts. */
export type AlterAction =
  | {
      readonly kind: 'addColumn';
      readonly column: string;
      readonly type: ColumnType;
      readonly position: Position;
    }
  | { readonly kind: 'dropColumn'; readonly column: string; readonly position: Position }
  | {
      readonly kind: 'renameColumn';
      readonly from: string;
      readonly to: string;
      readonly position: Position;
    };

/** A `select` or `exec` query (exec returns a vector or scalar instead of a table). */
export interface SelectStatement {
  readonly kind: 'select';
  readonly mode: 'select' | 'exec';
  readonly distinct: boolean;
  readonly top: number | null;
  readonly columns: readonly SelectItem[];
  readonly from: TableRef | null;
  readonly where: Expression | null;
  readonly groupBy: readonly Expression[];
  readonly having: Expression | null;
  readonly orderBy: readonly OrderKey[];
  readonly limit: Limit | null;
  readonly position: Position;
}

/** One statement. A dimension table is a `createTable` with no partition columns. */
export type Statement =
  | SelectStatement
  | {
      readonly kind: 'insert';
      readonly table: TableRef;
      readonly columns: readonly string[] | null;
      readonly rows: readonly (readonly Expression[])[];
      readonly position: Position;
    }
  | {
      readonly kind: 'update';
      readonly table: TableRef;
      readonly assignments: readonly Assignment[];
      readonly where: Expression | null;
      readonly position: Position;
    }
  | {
      readonly kind: 'delete';
      readonly table: TableRef;
      readonly where: Expression | null;
      readonly position: Position;
    }
  | {
      readonly kind: 'createDatabase';
      readonly path: string;
      readonly partitions: readonly PartitionSpec[];
      readonly position: Position;
    }
  | {
      readonly kind: 'createTable';
      readonly database: string;
      readonly table: string;
      readonly columns: readonly ColumnDefinition[];
      readonly partitionColumns: readonly string[];
      readonly position: Position;
    }
  | { readonly kind: 'dropDatabase'; readonly path: string; readonly position: Position }
  | {
      readonly kind: 'dropTable';
      readonly database: string;
      readonly table: string;
      readonly position: Position;
    }
  | {
      readonly kind: 'alterTable';
      readonly table: TableRef;
      readonly action: AlterAction;
      readonly position: Position;
    }
  | { readonly kind: 'expression'; readonly expression: Expression; readonly position: Position };
