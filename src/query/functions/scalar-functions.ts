// Vectorised scalar functions: one call per batch over whole columns (or scalars).

import type { ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { canConvertTemporal, convertTemporalColumn } from '../../core/types/temporal-convert.ts';
import type { Position } from '../ast.ts';
import { applyIsNull, applyUnary, toColumn } from '../operators/index.ts';
import { queryError } from '../query-error.ts';
import { scalarOf } from '../value-access.ts';
import { describeValue } from '../value.ts';
import type { Value } from '../value.ts';
import type { FunctionDefinition } from './registry.ts';

function unary(
  name: string,
  summary: string,
  f: (x: Value, position: Position) => Value,
): FunctionDefinition {
  return {
    kind: 'scalar',
    name,
    summary,
    minArgs: 1,
    maxArgs: 1,
    call: ([x], { position }) => f(x ?? { kind: 'null' }, position),
  };
}

/** date(x), month(x), …: a temporal value as another temporal type, keeping its form. */
function temporalCast(type: ColumnType): FunctionDefinition {
  const name = type.toLowerCase();
  const convert = (column: Column, x: Value, position: Position): Column => {
    if (!canConvertTemporal(column.type, type)) {
      queryError(
        'TYPE_MISMATCH',
        position,
        `${name} needs a temporal value, not ${describeValue(x)}`,
      );
    }
    return convertTemporalColumn(column, type);
  };
  return unary(name, `${name}(x): x as ${type}`, (x, position) => {
    if (x.kind === 'vector') return { kind: 'vector', column: convert(x.column, x, position) };
    return scalarOf(convert(toColumn(x, 1, position), x, position), 0);
  });
}

export const SCALAR_FUNCTIONS: readonly FunctionDefinition[] = [
  unary('isNull', 'isNull(x): true where x is null', (x, p) => applyIsNull(x, false, p)),
  unary('isValid', 'isValid(x): true where x is not null', (x, p) => applyIsNull(x, true, p)),
  unary('neg', 'neg(x): -x', (x, p) => applyUnary('-', x, p)),
  ...(['DATE', 'MONTH', 'MINUTE', 'SECOND', 'DATETIME', 'TIMESTAMP'] as const).map(temporalCast),
];
