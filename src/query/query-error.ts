// Errors raised while checking or running a statement carry the place in the text they
// concern, in the message (for people) and as `position` (for tools and the CLI).

import { ShoalError } from '../core/errors.ts';
import type { ErrorCodeName } from '../core/errors.ts';
import type { Position } from './ast.ts';

/** Throws a ShoalError of `kind` whose message starts with `line L, column C:`. */
export function queryError(kind: ErrorCodeName, position: Position, message: string): never {
  throw new ShoalError(kind, `line ${position.line}, column ${position.column}: ${message}`, {
    position: { line: position.line, column: position.column },
  });
}

/** Re-throws a ShoalError without a position with `position` attached; others unchanged. */
export function withPosition(error: unknown, position: Position): never {
  if (error instanceof ShoalError && error.position === undefined) {
    queryError(error.kind, position, error.message);
  }
  throw error;
}
