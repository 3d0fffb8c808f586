// `in` and `between`. `in` converts the list (a vector, a scalar, a pair, or NULL) to the
// operand's comparison type (promote-types.ts) and puts it in a Set of normalised physical
// values (bigint for 64-bit, NaN read as the double null), so a null in the list matches a
// null operand. `between` is inclusive at both ends: low <= x and x <= high, with the
// comparison rules, so a null operand is between a null low and anything.

import { unreachable } from '../../core/assert.ts';
import { NULL_DOUBLE } from '../../core/types/column-type.ts';
import type { ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { HIGH, LOW, halvesOf } from '../../core/types/int64-halves.ts';
import type { Position } from '../ast.ts';
import { queryError } from '../query-error.ts';
import type { Value } from '../value.ts';
import { compareMask } from './comparison.ts';
import {
  float64Array,
  inTemporalType,
  int32Array,
  int64Array,
  textArray,
} from './domain-arrays.ts';
import { describe, laneOf, mismatch, requireOperand, shapeOf, typeOf } from './operands.ts';
import type { Operand } from './operands.ts';
import { comparisonType, domainOf, hint } from './promote-types.ts';
import { boolResult } from './results.ts';
import { byDictionary, spreadCodes } from './symbol-dictionary.ts';

/** `operand [not] in list` as BOOL: a vector when the operand is one (the list never counts). */
export function applyIn(operand: Value, list: Value, negated: boolean, position: Position): Value {
  const name = negated ? 'not in' : 'in';
  const x = requireOperand(operand, name, position);
  const elements = listElements(list, name, position);
  const type = membershipType(x, elements, name, [x, list], position);
  const shape = shapeOf(name, [x], position);
  const subject = inTemporalType(laneOf(x, typeOf(x, type)).column, type);
  const members = elements.map((e) => inTemporalType(laneOf(e, typeOf(e, type)).column, type));
  return boolResult(memberFlags(subject, members, type, negated ? 1 : 0), shape);
}

/**
 * The list's parts as operands: a vector, one scalar, the two scalars of a pair, NULL, or the
 * elements of a tuple (DolphinDB's mixed vector) when each is one of those.
 */
function listElements(list: Value, name: string, position: Position): readonly Operand[] {
  switch (list.kind) {
    case 'null':
    case 'scalar':
    case 'vector':
      return [list];
    case 'pair':
      return [
        { kind: 'scalar', type: list.first.type, value: list.first.value },
        { kind: 'scalar', type: list.second.type, value: list.second.value },
      ];
    case 'tuple':
      return list.elements.flatMap((element) => listElements(element, name, position));
    default:
      return queryError(
        'TYPE_MISMATCH',
        position,
        `${name} needs a vector, a scalar or a pair to look in, found ${describe(list)}`,
      );
  }
}

/**
 * The comparison type of the operand with every list element (NULLs take the others' type):
 * folded pairwise, then checked against each, so every side converts to it.
 */
function membershipType(
  x: Operand,
  elements: readonly Operand[],
  name: string,
  values: readonly Value[],
  position: Position,
): ColumnType {
  const types = [x, ...elements].flatMap((e) => (e.kind === 'null' ? [] : [typeOf(e, 'INT')]));
  const [first = 'INT', ...rest] = types;
  let type: ColumnType | undefined = first;
  for (const next of rest) type = type && comparisonType(type, next);
  if (type === undefined || types.some((t) => comparisonType(t, type) !== type)) {
    return mismatch(name, values, position, hint(name));
  }
  return type;
}

function memberFlags(
  subject: Column,
  members: readonly Column[],
  type: ColumnType,
  flip: number,
): Int8Array {
  const domain = domainOf(type);
  switch (domain) {
    case 'int32':
      return int32Members(int32Array(subject), members.map(int32Array), flip);
    case 'int64':
      return int64Members(int64Array(subject), members.map(int64Array), flip);
    case 'float64':
      return float64Members(float64Array(subject), members.map(float64Array), flip);
    case 'text':
      return textMembers(subject, members.map(textArray), flip);
    default:
      return unreachable(domain);
  }
}

/**
 * Lists of at most this many distinct values are scanned per row instead of hashed: comparing
 * a few numbers beats a Set lookup by 3-10× (and a bigint per row for 64-bit values).
 */
const SCAN_MEMBERS = 8;

function int32Members(subject: Int32Array, lists: readonly Int32Array[], flip: number): Int8Array {
  const set = new Set<number>();
  for (const list of lists) for (const v of list) set.add(v);
  const out = new Int8Array(subject.length);
  if (set.size <= SCAN_MEMBERS) scanInt32(subject, Int32Array.from(set), flip, out);
  else for (let i = 0; i < subject.length; i++) out[i] = (set.has(subject[i]!) ? 1 : 0) ^ flip;
  return out;
}

/** out[i] = (subject[i] is one of `members`) xor flip. */
function scanInt32(subject: Int32Array, members: Int32Array, flip: number, out: Int8Array): void {
  for (let i = 0; i < subject.length; i++) {
    const v = subject[i]!;
    let hit = 0;
    for (let k = 0; k < members.length; k++) hit |= Number(v === members[k]);
    out[i] = hit ^ flip;
  }
}

function float64Members(
  subject: Float64Array,
  lists: readonly Float64Array[],
  flip: number,
): Int8Array {
  const set = new Set<number>();
  for (const list of lists) for (const v of list) set.add(v === v ? v : NULL_DOUBLE);
  const out = new Int8Array(subject.length);
  if (set.size <= SCAN_MEMBERS) {
    scanFloat64(subject, Float64Array.from(set), flip, out);
    return out;
  }
  for (let i = 0; i < subject.length; i++) {
    const v = subject[i]!;
    out[i] = (set.has(v === v ? v : NULL_DOUBLE) ? 1 : 0) ^ flip;
  }
  return out;
}

/** As scanInt32, for doubles; NaN reads as the double null. */
function scanFloat64(
  subject: Float64Array,
  members: Float64Array,
  flip: number,
  out: Int8Array,
): void {
  for (let i = 0; i < subject.length; i++) {
    const x = subject[i]!;
    const v = x === x ? x : NULL_DOUBLE;
    let hit = 0;
    for (let k = 0; k < members.length; k++) hit |= Number(v === members[k]);
    out[i] = hit ^ flip;
  }
}

function int64Members(
  subject: BigInt64Array,
  lists: readonly BigInt64Array[],
  flip: number,
): Int8Array {
  const set = new Set<bigint>();
  for (const list of lists) for (const v of list) set.add(v);
  const out = new Int8Array(subject.length);
  if (set.size <= SCAN_MEMBERS) scanInt64(subject, BigInt64Array.from(set), flip, out);
  else for (let i = 0; i < subject.length; i++) out[i] = (set.has(subject[i]!) ? 1 : 0) ^ flip;
  return out;
}

/** As scanInt32, for 64-bit values compared by their halves (no bigint per row). */
function scanInt64(
  subject: BigInt64Array,
  members: BigInt64Array,
  flip: number,
  out: Int8Array,
): void {
  const x = halvesOf(subject);
  const m = halvesOf(members);
  for (let i = 0; i < subject.length; i++) {
    const high = x[2 * i + HIGH];
    const low = x[2 * i + LOW];
    let hit = 0;
    for (let k = 0; k < members.length; k++) {
      hit |= Number(high === m[2 * k + HIGH]) & Number(low === m[2 * k + LOW]);
    }
    out[i] = hit ^ flip;
  }
}

/** Text membership; a SYMBOL subject is looked up once per dictionary entry. */
function textMembers(
  subject: Column,
  lists: readonly (readonly string[])[],
  flip: number,
): Int8Array {
  const set = new Set<string>();
  for (const list of lists) for (const v of list) set.add(v);
  const dictionary = byDictionary(subject);
  const texts = dictionary ? subject.data.dictionary : textArray(subject);
  const flags = new Int8Array(texts.length);
  for (let i = 0; i < texts.length; i++) flags[i] = (set.has(texts[i]!) ? 1 : 0) ^ flip;
  if (!dictionary) return flags;
  const out = new Int8Array(subject.data.codes.length);
  spreadCodes(subject.data.codes, flags, out);
  return out;
}

/** `operand [not] between low and high` as BOOL, inclusive at both ends. */
export function applyBetween(
  operand: Value,
  low: Value,
  high: Value,
  negated: boolean,
  position: Position,
): Value {
  const name = negated ? 'not between' : 'between';
  const x = requireOperand(operand, name, position);
  const lo = requireOperand(low, name, position);
  const hi = requireOperand(high, name, position);
  const shape = shapeOf(name, [x, lo, hi], position);
  const out = compareMask(name, '>=', x, lo, shape.rows, position);
  const atMost = compareMask(name, '<=', x, hi, shape.rows, position);
  const flip = negated ? 1 : 0;
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! & atMost[i]!) ^ flip;
  return boolResult(out, shape);
}
