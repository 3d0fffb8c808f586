// What the dashboard page may ask the controller: a call of one of the functions it shows or
// drives, with plain JSON arguments, answered as JSON the page renders without knowing Shoal's
// types (a table as column names and row arrays).

import { toValue } from '../../client/client-args.ts';
import type { PlainCell } from '../../client/client-args.ts';
import { ShoalError } from '../../core/errors.ts';
import { valueToJson } from '../../query/value-json.ts';
import type { Value } from '../../query/value.ts';

/** The functions the page calls; any other name is refused, whatever the caller's rights. */
export const DASHBOARD_FUNCTIONS: readonly string[] = [
  'getClusterPerf',
  'getClusterReplicationState',
  'getMasterReplicationStatus',
  'getSlaveReplicationStatus',
  'getSlaveReplicationQueueStatus',
  'getReplicationChannelStatus',
  'getRecentSlaveReplicationInfo',
  'getClusterReplicationMetrics',
  'stopClusterReplication',
  'startClusterReplication',
  'skipClusterReplicationTask',
];

/** A call the page made: an allowed function and its arguments as Values. */
export interface DashboardCall {
  readonly fn: string;
  readonly args: readonly Value[];
}

/** A function's answer for the page: a table as columns and rows, anything else as JSON. */
export type DashboardAnswer =
  | {
      readonly kind: 'table';
      readonly columns: readonly string[];
      readonly rows: readonly (readonly unknown[])[];
    }
  | { readonly kind: 'value'; readonly value: unknown };

/**
 * The call in a request body `{ "fn": name, "args": [ … ] }` (args optional). Each argument is
 * a JSON number, string, boolean or null, or a flat array of those (a vector); BAD_REQUEST for
 * any other shape or for a function the dashboard does not call.
 */
export function dashboardCallOf(body: unknown): DashboardCall {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ShoalError('BAD_REQUEST', 'the dashboard call takes {"fn": "...", "args": [...]}');
  }
  const { fn, args = [] } = body as Record<string, unknown>;
  if (typeof fn !== 'string' || !DASHBOARD_FUNCTIONS.includes(fn)) {
    throw new ShoalError(
      'BAD_REQUEST',
      `the dashboard does not call ${String(fn)}; it calls ${DASHBOARD_FUNCTIONS.join(', ')}`,
    );
  }
  if (!Array.isArray(args)) throw new ShoalError('BAD_REQUEST', 'args must be an array');
  return { fn, args: args.map((arg: unknown, i) => toValue(plainArg(arg, i))) };
}

/** `value` as the page's JSON: a table's rows as arrays in column order. */
export function dashboardAnswer(value: Value): DashboardAnswer {
  if (value.kind !== 'table') return { kind: 'value', value: valueToJson(value) };
  const columns = value.table.names;
  const rows = valueToJson(value) as readonly Readonly<Record<string, unknown>>[];
  return { kind: 'table', columns, rows: rows.map((row) => columns.map((name) => row[name])) };
}

// Only plain cells and flat arrays of them: an object would reach toValue as a Value the
// caller made up, and nested arrays are never needed (and would need a depth bound).
function plainArg(arg: unknown, index: number): PlainCell | readonly PlainCell[] {
  if (isPlainCell(arg)) return arg;
  if (Array.isArray(arg) && arg.every(isPlainCell)) return arg;
  throw new ShoalError(
    'BAD_REQUEST',
    `argument ${index + 1} must be a number, string, boolean, null or a flat array of those`,
  );
}

function isPlainCell(value: unknown): value is PlainCell {
  return (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'string' ||
    typeof value === 'boolean'
  );
}
