// The public API's paths and the shapes its bodies take beyond plain values: the run request,
// the error frame that ends a failed run, the call frame and the bearer token. The routes
// (public-api.ts) and the SDK (src/client) both read and write through these.

import { ShoalError } from '../core/errors.ts';
import type { Value } from '../query/value.ts';
import { errorBody, errorFromBody } from './error-body.ts';
import type { FrameContent } from './wire-frame.ts';
import { asObject, asString, malformed } from './wire-json.ts';
import type { WireJson } from './wire-json.ts';
import { valueFromFrame, valueToFrame } from './wire-values.ts';

/** The routes of the public API. */
export const PUBLIC_PATHS = {
  login: '/api/login',
  logout: '/api/logout',
  run: '/api/run',
  call: '/api/call',
  append: '/api/append',
} as const;

/** One frame of a run's answer: a statement's value, or the error that ended the run. */
export type RunFrame =
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'error'; readonly error: ShoalError };

/** The frame that ends a failed run: its body is `{ error: { code, kind, message, position? } }`. */
export function errorFrame(error: ShoalError): FrameContent {
  const body = errorBody(error);
  const position =
    body.position === undefined
      ? {}
      : { position: { line: body.position.line, column: body.position.column } };
  return {
    body: { error: { code: body.code, kind: body.kind, message: body.message, ...position } },
    blocks: [],
  };
}

/** What one frame of a run's answer holds; BAD_REQUEST for a frame of neither shape. */
export function runFrameOf(frame: FrameContent): RunFrame {
  const body = asObject(frame.body, 'body');
  if (!Object.hasOwn(body, 'error')) return { kind: 'value', value: valueFromFrame(frame) };
  const error = errorFromBody(body['error']);
  if (error === null) throw malformed('body.error', 'is not an error body');
  return { kind: 'error', error };
}

/** A run request as a frame (the SDK's form; the route also takes JSON `{ text }`). */
export function runRequestFrame(text: string): FrameContent {
  return { body: { text }, blocks: [] };
}

/** The statement text of a run request's JSON or frame body. */
export function runTextOf(body: WireJson | undefined): string {
  return asString(asObject(body, 'body')['text'], 'body.text');
}

/** A call of function `name` with `args` as a frame: `{ name, args }`, args a tuple value. */
export function callFrame(name: string, args: readonly Value[]): FrameContent {
  const tuple = valueToFrame({ kind: 'tuple', elements: args });
  return { body: { name, args: tuple.body }, blocks: tuple.blocks };
}

/** The function name and arguments of a call frame; BAD_REQUEST otherwise. */
export function callOf(frame: FrameContent): { readonly name: string; readonly args: Value[] } {
  const body = asObject(frame.body, 'body');
  const name = asString(body['name'], 'body.name');
  const args = valueFromFrame({ body: (body['args'] ?? null) as WireJson, blocks: frame.blocks });
  if (args.kind !== 'tuple') throw malformed('body.args', `is a ${args.kind}, expected a tuple`);
  return { name, args: [...args.elements] };
}

/** The authorization header that carries a session token. */
export function bearerHeader(token: string): { readonly authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** The token of an authorization header; SESSION_EXPIRED when there is none. */
export function tokenOf(header: string | undefined): string {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  if (match?.[1] === undefined)
    throw new ShoalError(
      'SESSION_EXPIRED',
      `no session token: log in (POST ${PUBLIC_PATHS.login}) and send "authorization: Bearer <token>"`,
    );
  return match[1];
}
