// Checked reads of JSON that came over the network: every shape is verified, and anything
// else is a BAD_REQUEST that says where in the frame it was, never a crash further on.

import { ShoalError } from '../core/errors.ts';
import { isColumnType } from '../core/types/column-type.ts';
import type { ColumnType } from '../core/types/column-type.ts';

/** A JSON value as JSON.stringify writes and JSON.parse reads it. */
export type WireJson =
  null | boolean | number | string | readonly WireJson[] | { readonly [key: string]: WireJson };

/** A BAD_REQUEST for a malformed frame; `where` names the part (e.g. "header.body.kind"). */
export function malformed(where: string, problem: string): ShoalError {
  return new ShoalError(
    'BAD_REQUEST',
    `malformed wire frame: ${where} ${problem}; sender and receiver must run the same Shoal version`,
  );
}

/** `value` as a plain object, or BAD_REQUEST. */
export function asObject(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(where, 'is not an object');
  return value as Readonly<Record<string, unknown>>;
}

/** `value` as an array, or BAD_REQUEST. */
export function asArray(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) throw malformed(where, 'is not an array');
  return value as readonly unknown[];
}

/** `value` as a string, or BAD_REQUEST. */
export function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw malformed(where, 'is not a string');
  return value;
}

/** `value` as a non-negative safe integer, or BAD_REQUEST. */
export function asCount(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw malformed(where, 'is not a non-negative integer');
  return value;
}

/** `value` as a column type name, or BAD_REQUEST. */
export function asColumnType(value: unknown, where: string): ColumnType {
  const name = asString(value, where);
  if (!isColumnType(name)) throw malformed(where, `names no column type (${name})`);
  return name;
}

/** `value` as an array of strings, or BAD_REQUEST. */
export function asStrings(value: unknown, where: string): string[] {
  return asArray(value, where).map((item, i) => asString(item, `${where}[${i}]`));
}
