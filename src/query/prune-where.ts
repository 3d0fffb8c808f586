// Partition pruning from a WHERE clause: its top-level AND terms that compare a partitioning
// column with literals become partition predicates; each term prunes on its own and the
// partitions every term keeps are read. A term that cannot be translated (or fails to) keeps
// everything, so pruning can only ever skip partitions no row of the answer is in.

import { isShoalError } from '../core/errors.ts';
import { prunePartitions } from '../core/partition/index.ts';
import type { PartitionPredicate, PartitionScheme } from '../core/partition/index.ts';
import type { Expression } from './ast.ts';

/** The partition keys the WHERE clause can match, or undefined to read every partition. */
export function prunedPartitions(
  scheme: PartitionScheme,
  partitionColumns: readonly string[],
  where: Expression | null,
): string[] | undefined {
  if (where === null || partitionColumns.length === 0) return undefined;
  let kept: Set<string> | undefined;
  for (const term of conjuncts(where)) {
    const level = partitionColumns.findIndex((column) => mentionsOnly(term, column));
    const predicate = level < 0 ? undefined : predicateOf(term);
    if (predicate === undefined) continue;
    const predicates: PartitionPredicate[] = partitionColumns.map(() => ({ kind: 'all' }));
    predicates[level] = predicate;
    let keys: string[];
    try {
      keys = prunePartitions(scheme, predicates);
    } catch (error) {
      if (isShoalError(error)) continue; // the evaluator reports the real type error
      throw error;
    }
    kept = kept === undefined ? new Set(keys) : new Set(keys.filter((k) => kept?.has(k)));
  }
  return kept === undefined ? undefined : [...kept];
}

/** The top-level AND terms of an expression. */
export function conjuncts(expression: Expression): Expression[] {
  if (expression.kind === 'binary' && expression.operator === 'and') {
    return [...conjuncts(expression.left), ...conjuncts(expression.right)];
  }
  return [expression];
}

function mentionsOnly(term: Expression, column: string): boolean {
  switch (term.kind) {
    case 'binary':
      return isColumn(term.left, column) || isColumn(term.right, column);
    case 'in':
    case 'between':
      return isColumn(term.operand, column) && !term.negated;
    default:
      return false;
  }
}

function isColumn(expression: Expression, column: string): boolean {
  return expression.kind === 'name' && expression.name === column;
}

const FLIPPED: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** `col op literal`, `literal op col`, `col in (literals)`, `col between a and b`. */
function predicateOf(term: Expression): PartitionPredicate | undefined {
  if (term.kind === 'between') {
    const low = scalarLiteral(term.low);
    const high = scalarLiteral(term.high);
    if (low === undefined || high === undefined || low.type !== high.type) return undefined;
    return range(low.type, low.value, high.value, true, true);
  }
  if (term.kind === 'in') return inPredicate(term.list);
  if (term.kind !== 'binary') return undefined;
  const literalOnRight = term.left.kind === 'name';
  const value = scalarLiteral(literalOnRight ? term.right : term.left);
  if (value === undefined) return undefined;
  const operator = literalOnRight ? term.operator : (FLIPPED[term.operator] ?? term.operator);
  switch (operator) {
    case '==':
      return { kind: 'eq', type: value.type, value: value.value };
    case '<':
      return range(value.type, undefined, value.value, false, false);
    case '<=':
      return range(value.type, undefined, value.value, false, true);
    case '>':
      return range(value.type, value.value, undefined, false, false);
    case '>=':
      return range(value.type, value.value, undefined, true, false);
    default:
      return undefined;
  }
}

function range(
  type: PartitionType,
  low: PartitionValue | undefined,
  high: PartitionValue | undefined,
  lowInclusive: boolean,
  highInclusive: boolean,
): PartitionPredicate {
  return {
    kind: 'range',
    type,
    ...(low === undefined ? {} : { low }),
    ...(high === undefined ? {} : { high }),
    lowInclusive,
    highInclusive,
  };
}

type PartitionValue = Extract<PartitionPredicate, { kind: 'eq' }>['value'];
type PartitionType = Extract<PartitionPredicate, { kind: 'eq' }>['type'];

function scalarLiteral(
  expression: Expression,
): { readonly type: PartitionType; readonly value: PartitionValue } | undefined {
  if (expression.kind !== 'literal' || expression.literal.kind !== 'scalar') return undefined;
  return expression.literal.scalar;
}

function inPredicate(list: Expression): PartitionPredicate | undefined {
  if (list.kind === 'literal' && list.literal.kind === 'vector') {
    return { kind: 'in', type: list.literal.type, values: list.literal.values };
  }
  if (list.kind !== 'vector') return undefined;
  const scalars = list.elements.map(scalarLiteral);
  const [first] = scalars;
  if (first === undefined || scalars.some((s) => s === undefined || s.type !== first.type)) {
    return undefined;
  }
  return { kind: 'in', type: first.type, values: scalars.map((s) => s?.value ?? first.value) };
}
