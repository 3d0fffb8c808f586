// `shoal sql --data DIR "statement; statement"`: opens (or creates) an embedded store in DIR,
// runs the statements in order and prints each result as an aligned table, or with --json the
// last result as JSON. An error prints its code, message and place in the text, and makes the
// exit status 1; results before it are still printed.

import { mkdir } from 'node:fs/promises';
import { isShoalError } from '../core/errors.ts';
import type { ShoalError } from '../core/errors.ts';
import { parseStatements } from '../query/parser.ts';
import { QuerySession } from '../query/session.ts';
import { showValue } from '../query/show-value.ts';
import { valueToJson } from '../query/value-json.ts';
import type { Value } from '../query/value.ts';
import { Store } from '../storage/index.ts';

export interface SqlOptions {
  readonly dataDir: string;
  readonly text: string;
  readonly json: boolean;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/** Runs the statements; resolves to the exit status (0, or 1 after an error). */
export async function runSql(options: SqlOptions): Promise<number> {
  await mkdir(options.dataDir, { recursive: true });
  const store = await Store.open({ dir: options.dataDir });
  try {
    return await runStatements(store, options);
  } finally {
    await store.close();
  }
}

async function runStatements(store: Store, options: SqlOptions): Promise<number> {
  const session = new QuerySession(store);
  let last: Value = { kind: 'void' };
  try {
    for (const statement of parseStatements(options.text)) {
      last = await session.execute(statement);
      if (!options.json) printShown(last, options.out);
    }
  } catch (error) {
    if (!isShoalError(error)) throw error;
    options.err.write(describeError(error, options.text));
    return 1;
  }
  if (options.json) options.out.write(`${JSON.stringify(valueToJson(last))}\n`);
  return 0;
}

/** Prints a result as the session shows it (nothing for a result that shows as nothing). */
export function printShown(value: Value, out: NodeJS.WritableStream): void {
  const text = showValue(value);
  if (text !== '') out.write(`${text}\n`);
}

/** `error S00105 (SYNTAX_ERROR) at line 1, column 10: …` and the line with a caret under it. */
export function describeError(error: ShoalError, text: string): string {
  const position = error.position;
  if (position === undefined) return `error ${error.code} (${error.kind}): ${error.message}\n`;
  const where = `line ${position.line}, column ${position.column}`;
  const message = error.message.startsWith(`${where}: `)
    ? error.message.slice(where.length + 2)
    : error.message;
  const line = text.split('\n')[position.line - 1] ?? '';
  const caret = `${' '.repeat(Math.max(0, position.column - 1))}^`;
  return `error ${error.code} (${error.kind}) at ${where}: ${message}\n  ${line}\n  ${caret}\n`;
}
