// Grouping and two-step (partial, then merged) aggregation for the query executor.

export { AGGREGATE_NAMES, aggregateResultType, isAggregateName } from './aggregate-spec.ts';
export type { AggregateName, AggregateSpec } from './aggregate-spec.ts';
export { GroupIndex } from './group-index.ts';
export { mergePartials, PartialAggregator } from './partial.ts';
export type { PartialAggregate } from './partial.ts';
