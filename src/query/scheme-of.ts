// Partition schemes from DolphinDB's arguments, shared by `create database … partitioned by`
// and `database(path, kind, scheme)`: VALUE(values), RANGE(boundaries), HASH([type, buckets]),
// LIST([values, values, …]) and COMPO([handle, handle]) of two level databases.

import type { LevelScheme, PartitionScheme } from '../core/partition/index.ts';
import { isColumnType } from '../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import { columnValues } from '../core/types/column-ops.ts';
import type { Position } from './ast.ts';
import { queryError } from './query-error.ts';
import { textArg } from './value-access.ts';
import { describeValue } from './value.ts';
import type { Value } from './value.ts';

const KINDS = ['VALUE', 'RANGE', 'HASH', 'LIST', 'COMPO'] as const;

/** The scheme of `kind` over `arg`; INVALID_PARTITION_SCHEME naming what is wrong. */
export function schemeOf(
  kindValue: Value | undefined,
  arg: Value | undefined,
  position: Position,
): PartitionScheme {
  const kind = textArg(kindValue, 'the partition type', position);
  switch (kind) {
    case 'VALUE': {
      const { type, values } = valuesOf(arg, 'VALUE', position);
      return { kind, type, values };
    }
    case 'RANGE': {
      const { type, values } = valuesOf(arg, 'RANGE', position);
      return { kind, type, boundaries: values };
    }
    case 'HASH':
      return hashScheme(arg, position);
    case 'LIST':
      return listScheme(arg, position);
    case 'COMPO':
      return compoScheme(arg, position);
    default:
      return queryError(
        'INVALID_PARTITION_SCHEME',
        position,
        `the partition type must be one of ${KINDS.join(', ')}, not ${kind}`,
      );
  }
}

function valuesOf(
  arg: Value | undefined,
  kind: string,
  position: Position,
): { type: ColumnType; values: CellValue[] } {
  if (arg?.kind === 'vector') return { type: arg.column.type, values: columnValues(arg.column) };
  if (arg?.kind === 'scalar') return { type: arg.type, values: [arg.value] };
  return invalid(kind, 'a vector of values (e.g. 2023.01.01..2023.12.31)', arg, position);
}

/** HASH([SYMBOL, 10]): a column type and a bucket count. */
function hashScheme(arg: Value | undefined, position: Position): PartitionScheme {
  const [typeValue, bucketsValue] = arg?.kind === 'tuple' ? arg.elements : [];
  const type = typeValue?.kind === 'name' ? typeValue.name : '';
  const buckets = bucketsValue?.kind === 'scalar' ? Number(bucketsValue.value) : NaN;
  if (!isColumnType(type) || !Number.isInteger(buckets)) {
    return invalid('HASH', '[type, buckets] such as [SYMBOL, 10]', arg, position);
  }
  return { kind: 'HASH', type, buckets };
}

/** LIST([[`A, `B], `C]): each element (a vector or a scalar) is one partition's values. */
function listScheme(arg: Value | undefined, position: Position): PartitionScheme {
  const elements = arg?.kind === 'tuple' ? arg.elements : arg?.kind === 'vector' ? [arg] : [];
  const lists = elements.map((e) => valuesOf(e, 'LIST', position));
  const [first] = lists;
  if (first === undefined) return invalid('LIST', 'a list of value vectors', arg, position);
  const values = lists.map((l) =>
    l.type === first.type
      ? l.values
      : invalid('LIST', `values all of type ${first.type}`, arg, position),
  );
  return { kind: 'LIST', type: first.type, lists: values };
}

/** COMPO([db1, db2]): two level databases made with database("", kind, scheme). */
function compoScheme(arg: Value | undefined, position: Position): PartitionScheme {
  const levels = (arg?.kind === 'tuple' ? arg.elements : []).map((e) =>
    e.kind === 'database' && e.scheme !== null && e.scheme.kind !== 'COMPO' ? e.scheme : undefined,
  );
  const [first, second, extra] = levels;
  if (first === undefined || second === undefined || extra !== undefined) {
    return invalid(
      'COMPO',
      'two level databases, [database("", VALUE, …), database("", HASH, …)]',
      arg,
      position,
    );
  }
  return {
    kind: 'COMPO',
    levels: [first, second] as const satisfies readonly [LevelScheme, LevelScheme],
  };
}

function invalid(kind: string, wanted: string, arg: Value | undefined, position: Position): never {
  const given = arg === undefined ? 'nothing' : describeValue(arg);
  return queryError(
    'INVALID_PARTITION_SCHEME',
    position,
    `${kind} partitioning needs ${wanted}, not ${given}`,
  );
}
