// The TypeScript SDK: connect() to any node, run statements, call functions and append bulk
// columns (plain typed columns or Apache Arrow tables). Results are Values (SPEC §4.5).

export { connect, Connection, RunError } from './connection.ts';
export type { ConnectOptions } from './connection.ts';
export { toValue } from './client-args.ts';
export type { ClientArg, PlainCell, TypedVector } from './client-args.ts';
export { columnsFromArrow, toArrowTable } from './arrow-columns.ts';
export { ERROR_CODES, ShoalError, isShoalError } from '../core/errors.ts';
export type { ErrorCodeName, TextPosition } from '../core/errors.ts';
export { COLUMN_TYPES, isNullValue, nullOf } from '../core/types/column-type.ts';
export { cellAt, columnValues } from '../core/types/column-ops.ts';
export type { CellValue, ColumnType, Scalar } from '../core/types/column-type.ts';
export type { Column, NamedColumn, SymbolData } from '../core/types/column.ts';
export { showValue } from '../query/show-value.ts';
export { valueToJson } from '../query/value-json.ts';
export type { Table, Value } from '../query/value.ts';
