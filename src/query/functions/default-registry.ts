// The registry every session starts with: the aggregates, the scalar functions and the
// database functions. Later layers (cluster, replication) register theirs on top.

import { AGGREGATE_NAMES } from '../aggregate/index.ts';
import { DATABASE_FUNCTIONS } from './database-functions.ts';
import { SCHEMA_FUNCTIONS } from './schema-functions.ts';
import { FunctionRegistry } from './registry.ts';
import { SCALAR_FUNCTIONS } from './scalar-functions.ts';

const AGGREGATE_SUMMARIES: Readonly<Record<string, string>> = {
  count: 'count(x): non-null values of x; count(*): rows',
  sum: 'sum(x): the sum of x',
  avg: 'avg(x): the mean of x',
  min: 'min(x): the smallest x',
  max: 'max(x): the largest x',
  first: 'first(x): the first x',
  last: 'last(x): the last x',
  std: 'std(x): the sample standard deviation of x',
  var: 'var(x): the sample variance of x',
  nunique: 'nunique(x): the number of distinct x',
};

/** A fresh registry with every built-in function. */
export function defaultRegistry(): FunctionRegistry {
  const registry = new FunctionRegistry();
  for (const name of AGGREGATE_NAMES) {
    registry.register({ kind: 'aggregate', name, summary: AGGREGATE_SUMMARIES[name] ?? name });
  }
  for (const definition of [...SCALAR_FUNCTIONS, ...DATABASE_FUNCTIONS, ...SCHEMA_FUNCTIONS])
    registry.register(definition);
  return registry;
}
