// `[a, b, c]` and `(a, b, c)`: a vector from scalar elements, in the narrowest type that holds
// them all (DolphinDB widens numbers: INT and DOUBLE make DOUBLE). Type and scheme names
// (`[INT, DOUBLE]`) make a STRING vector of the names, which type-taking functions accept;
// elements of different forms (`[SYMBOL, 10]`, vectors of vectors) make a tuple.

import { isNullValue, nullOf, physicalKind } from '../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import { columnFromValues } from '../core/types/column-ops.ts';
import { MAX_VECTOR_LENGTH } from '../core/limits.ts';
import type { Position } from './ast.ts';
import { queryError } from './query-error.ts';
import type { Value } from './value.ts';

const NUMERIC_WIDENING: readonly ColumnType[] = [
  'BOOL',
  'CHAR',
  'SHORT',
  'INT',
  'LONG',
  'FLOAT',
  'DOUBLE',
];

/** A vector of `elements`, or a tuple when they are not all scalars (or all names). */
export function buildVector(elements: readonly Value[], position: Position): Value {
  if (elements.length > MAX_VECTOR_LENGTH) {
    queryError(
      'INVALID_ARGUMENT',
      position,
      `a vector holds at most ${MAX_VECTOR_LENGTH} elements`,
    );
  }
  if (elements.length > 0 && elements.every((e) => e.kind === 'name')) {
    return {
      kind: 'vector',
      column: columnFromValues(
        'STRING',
        elements.map((e) => (e.kind === 'name' ? e.name : '')),
      ),
    };
  }
  if (elements.some((e) => e.kind !== 'scalar' && e.kind !== 'null')) {
    return { kind: 'tuple', elements };
  }
  const scalars: { type: ColumnType; value: CellValue }[] = [];
  for (const element of elements) if (element.kind === 'scalar') scalars.push(element);
  const type = elementType(
    scalars.map((s) => s.type),
    position,
  );
  const values = elements.map((e) =>
    e.kind === 'scalar' ? convertScalar(e.type, e.value, type) : nullOf(type),
  );
  return { kind: 'vector', column: columnFromValues(type, values) };
}

/** The type every element fits: one type, widened numbers, or text. */
function elementType(types: readonly ColumnType[], position: Position): ColumnType {
  const [first] = types;
  if (first === undefined) return 'DOUBLE';
  if (types.every((t) => t === first)) return first;
  if (types.every((t) => NUMERIC_WIDENING.includes(t))) {
    return NUMERIC_WIDENING[Math.max(...types.map((t) => NUMERIC_WIDENING.indexOf(t)))] ?? 'DOUBLE';
  }
  if (types.every((t) => physicalKind(t) === 'text')) return 'STRING';
  return queryError(
    'TYPE_MISMATCH',
    position,
    `a vector cannot mix ${[...new Set(types)].join(' and ')} elements`,
  );
}

/** A numeric or text value of `from` as `to` (only widenings elementType chose). */
function convertScalar(from: ColumnType, value: CellValue, to: ColumnType): CellValue {
  if (from === to) return value;
  if (isNullValue(from, value)) return nullOf(to);
  const kind = physicalKind(to);
  if (kind === 'int64') return BigInt(value);
  if (kind === 'text') return String(value);
  return Number(value);
}
