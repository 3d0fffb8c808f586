// Errors as HTTP bodies, `{ code, kind, message, position? }`: what a server writes for a
// ShoalError, and how a client rebuilds the same ShoalError from it.

import { ERROR_CODES, ShoalError } from '../core/errors.ts';
import type { ErrorCodeName, TextPosition } from '../core/errors.ts';

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly code: string;
  readonly kind: ErrorCodeName;
  readonly message: string;
  readonly position?: TextPosition;
}

/** The body for `error` (the cause stays on the server: it may name files or peers). */
export function errorBody(error: ShoalError): ErrorBody {
  const base = { code: error.code, kind: error.kind, message: error.message };
  if (error.position === undefined) return base;
  return { ...base, position: { line: error.position.line, column: error.position.column } };
}

/** The ShoalError an error body describes, or null when `json` is not an error body. */
export function errorFromBody(json: unknown): ShoalError | null {
  if (typeof json !== 'object' || json === null) return null;
  const { kind, message, position } = json as Readonly<Record<string, unknown>>;
  if (typeof kind !== 'string' || !Object.hasOwn(ERROR_CODES, kind)) return null;
  if (typeof message !== 'string') return null;
  const at = textPosition(position);
  return new ShoalError(
    kind as ErrorCodeName,
    message,
    at === undefined ? undefined : { position: at },
  );
}

function textPosition(json: unknown): TextPosition | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { line, column } = json as Readonly<Record<string, unknown>>;
  if (!Number.isSafeInteger(line) || !Number.isSafeInteger(column)) return undefined;
  return { line: line as number, column: column as number };
}
