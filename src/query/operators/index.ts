// The operators of the SQL dialect over vectors and scalars, DolphinDB's semantics: the API
// the expression evaluator and the planner use. Semantics are documented in each file.

export { applyBinary, applyUnary } from './apply.ts';
export { applyBetween, applyIn } from './membership.ts';
export { applyLike } from './like.ts';
export { applyIsNull } from './nulls.ts';
export { commonType } from './promote-types.ts';
export type { ArithmeticOperator, ComparisonOperator } from './promote-types.ts';
export { toColumn } from './broadcast.ts';
export { truthMask } from './logic.ts';
