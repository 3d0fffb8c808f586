// Values written back as statement text, so a function called through the SDK with values
// (`call("database", "dfs://db", VALUE, 2023.01.01..2023.12.31)`) runs exactly as the same
// call typed as a statement: the same routing, transaction and privilege checks.

import { ShoalError } from '../../core/errors.ts';
import { cellAt } from '../../core/types/column-ops.ts';
import { columnLength } from '../../core/types/column.ts';
import { formatLiteral } from '../../core/types/format.ts';
import type { Value } from '../../query/value.ts';
import { describeValue } from '../../query/value.ts';

/** Source text that evaluates to `value`; INVALID_ARGUMENT for tables and dictionaries. */
export function valueSource(value: Value): string {
  switch (value.kind) {
    case 'null':
      return 'NULL';
    case 'scalar':
      return formatLiteral(value.type, value.value);
    case 'vector': {
      const { column } = value;
      const cells = Array.from({ length: columnLength(column) }, (_, i) =>
        formatLiteral(column.type, cellAt(column, i)),
      );
      return `[${cells.join(', ')}]`;
    }
    case 'pair':
      return `${formatLiteral(value.first.type, value.first.value)}:${formatLiteral(value.second.type, value.second.value)}`;
    case 'tuple':
      return `[${value.elements.map(valueSource).join(', ')}]`;
    case 'name':
      return value.name;
    case 'database':
      return JSON.stringify(value.path);
    case 'tableHandle':
      return `loadTable(${JSON.stringify(value.database)}, ${JSON.stringify(value.table)})`;
    case 'table':
    case 'dictionary':
    case 'void':
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `${describeValue(value)} cannot be passed to call(); append tables with append()`,
      );
  }
}

/** `name(arg, …)` as statement text. */
export function callSource(name: string, args: readonly Value[]): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ShoalError('INVALID_ARGUMENT', `${JSON.stringify(name)} is not a function name`);
  }
  return `${name}(${args.map(valueSource).join(', ')})`;
}
