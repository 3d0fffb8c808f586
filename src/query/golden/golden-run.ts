// Running the statements of a golden case and printing what they produced the way `shoal sql`
// does: each result through showValue, results that print nothing (DDL, void) left out.

import { isShoalError } from '../../core/errors.ts';
import type { ShoalError } from '../../core/errors.ts';
import type { QuerySession } from '../session.ts';
import { showValue } from '../show-value.ts';
import type { Value } from '../value.ts';
import { trimBlankLines } from './golden-file.ts';

/** What a case's statements did: printed text, or the ShoalError that stopped them. */
export type GoldenOutcome =
  | { readonly kind: 'output'; readonly text: string }
  | { readonly kind: 'error'; readonly error: ShoalError };

/** The printed results, one after another, without leading or trailing blank lines. */
export function showResults(values: readonly Value[]): string {
  const shown = values.map((value) => showValue(value)).filter((text) => text !== '');
  return trimBlankLines(shown.join('\n').split('\n')).join('\n');
}

/**
 * Runs `statements` in `session`. A ShoalError is an outcome; anything else (an assertion, a
 * TypeError) is an engine crash and propagates, so the case fails with its stack.
 */
export async function runGoldenCase(
  session: QuerySession,
  statements: string,
): Promise<GoldenOutcome> {
  try {
    return { kind: 'output', text: showResults(await session.run(statements)) };
  } catch (error) {
    if (isShoalError(error)) return { kind: 'error', error };
    throw error;
  }
}

/** An outcome for failure messages: the output, or the error code and message. */
export function describeOutcome(outcome: GoldenOutcome): string {
  return outcome.kind === 'output'
    ? `output:\n${outcome.text}`
    : `error ${outcome.error.code} (${outcome.error.kind}): ${outcome.error.message}`;
}
