// Test support for the auth layer: catching errors and checking their kind and message, a
// seeded random source. Imported only by tests.

import { expect } from 'vitest';
import { isShoalError } from '../../core/errors.ts';
import type { ErrorCodeName } from '../../core/errors.ts';

/** The error `action` throws (synchronously or by rejecting); fails the test when none. */
export async function caught(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  expect.fail('expected an error, got none');
}

/** Asserts `action` fails with a ShoalError of `kind` whose message matches `text`. */
export async function expectShoalError(
  action: () => unknown,
  kind: ErrorCodeName,
  text: string | RegExp = /./,
): Promise<void> {
  const error = await caught(action);
  expect(isShoalError(error, kind), `expected ${kind}, got ${String(error)}`).toBe(true);
  expect((error as Error).message).toMatch(text);
}

/** A deterministic byte source (xorshift32 from `seed`), standing in for randomBytes. */
export function seededBytes(seed: number): (size: number) => Uint8Array {
  let state = seed >>> 0 || 1;
  return (size) => {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
}
