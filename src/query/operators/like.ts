// `like` / `not like`: whole-string, case-sensitive matching of text against a pattern where
// `%` matches any run of characters (also none) and `_` exactly one (a code point); there is no
// escape character. The null string '' is matched like any other ('' like '%' is true). Common
// patterns skip the regular expression: no wildcard is equality, `abc%` a prefix test, `%abc` a
// suffix test, `%abc%` a substring test. A SYMBOL vector is matched once per dictionary entry
// (symbol-dictionary.ts).

import { assert } from '../../core/assert.ts';
import type { Position } from '../ast.ts';
import { queryError } from '../query-error.ts';
import type { Value } from '../value.ts';
import { textArray } from './domain-arrays.ts';
import { describe, laneOf, mismatch, requireOperand, shapeOf, typeOf } from './operands.ts';
import { isTextType } from './promote-types.ts';
import { boolResult } from './results.ts';
import { byDictionary, spreadCodes } from './symbol-dictionary.ts';

/** `operand [not] like pattern` as BOOL: `operand` text (or NULL), `pattern` a text scalar. */
export function applyLike(
  operand: Value,
  pattern: Value,
  negated: boolean,
  position: Position,
): Value {
  const name = negated ? 'not like' : 'like';
  const x = requireOperand(operand, name, position);
  if (pattern.kind !== 'scalar' || !isTextType(pattern.type)) {
    return queryError(
      'TYPE_MISMATCH',
      position,
      `${name} needs a STRING or SYMBOL scalar as its pattern, found ${describe(pattern)}`,
    );
  }
  const type = typeOf(x, 'STRING');
  if (!isTextType(type)) {
    return mismatch(
      name,
      [x],
      position,
      `${name} takes STRING or SYMBOL values; convert them first`,
    );
  }
  assert(typeof pattern.value === 'string', 'a text scalar holds a string');
  const matches = compileLike(pattern.value);
  const flip = negated ? 1 : 0;
  const column = laneOf(x, type).column;
  const shape = shapeOf(name, [x], position);
  if (!byDictionary(column)) return boolResult(matchAll(textArray(column), matches, flip), shape);
  const out = new Int8Array(column.data.codes.length);
  spreadCodes(column.data.codes, matchAll(column.data.dictionary, matches, flip), out);
  return boolResult(out, shape);
}

function matchAll(
  texts: readonly string[],
  matches: (text: string) => boolean,
  flip: number,
): Int8Array {
  const out = new Int8Array(texts.length);
  for (let i = 0; i < texts.length; i++) out[i] = (matches(texts[i]!) ? 1 : 0) ^ flip;
  return out;
}

const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/** A test of whole strings against a like pattern (see the file comment). */
export function compileLike(pattern: string): (text: string) => boolean {
  if (!pattern.includes('_')) {
    const parts = pattern.split('%');
    const [first] = parts;
    if (parts.length === 1) return (text) => text === pattern;
    if (parts.every((part) => part === '')) return () => true;
    if (parts.length === 2 && parts[1] === '' && first !== undefined) {
      return (text) => text.startsWith(first);
    }
    if (parts.length === 2 && first === '') {
      const last = parts[1]!;
      return (text) => text.endsWith(last);
    }
    if (parts.length === 3 && first === '' && parts[2] === '') {
      const middle = parts[1]!;
      return (text) => text.includes(middle);
    }
  }
  const source = pattern.replace(REGEXP_SYNTAX, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  const regexp = new RegExp(`^${source}$`, 'su');
  return (text) => regexp.test(text);
}
