// `shoal sql --host H:P -u USER -p PW "…"`: runs the statements on a running node through the
// SDK and prints exactly what the embedded mode (`--data`) prints for the same results and
// errors. Also where the sql command decides between the two modes from its options.

import { connect } from '../client/connection.ts';
import type { Connection } from '../client/connection.ts';
import { ShoalError, isShoalError } from '../core/errors.ts';
import { valueToJson } from '../query/value-json.ts';
import type { Value } from '../query/value.ts';
import { describeError, printShown } from './sql-command.ts';

/** Where the statements run: an embedded store folder, or a node reached over HTTP. */
export type SqlTarget =
  | { readonly kind: 'data'; readonly dataDir: string }
  | {
      readonly kind: 'host';
      readonly host: string;
      readonly user: string;
      readonly password: string;
    };

/** The sql command's options as given (absent ones undefined). */
export interface SqlTargetOptions {
  readonly data?: string | undefined;
  readonly host?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
}

/** The environment variable read for the password when -p is absent. */
export const PASSWORD_ENV = 'SHOAL_PASSWORD';

/** The target the options name; INVALID_ARGUMENT unless exactly one of --data and --host. */
export function sqlTarget(
  options: SqlTargetOptions,
  env: Readonly<Record<string, string | undefined>>,
): SqlTarget {
  const { data, host, user } = options;
  if (data !== undefined && host !== undefined)
    throw usage(
      'give either --data DIR (an embedded store) or --host HOST:PORT (a node), not both',
    );
  if (data !== undefined) {
    if (user !== undefined || options.password !== undefined)
      throw usage('-u and -p are for --host; an embedded store (--data) has no users');
    return { kind: 'data', dataDir: data };
  }
  if (host === undefined)
    throw usage(
      'give --data DIR to run on an embedded store, or --host HOST:PORT to run on a node',
    );
  if (user === undefined) throw usage('--host needs the user name: -u USER');
  // An empty variable is an unset one: `SHOAL_PASSWORD= shoal sql …` should not log in with ''.
  const fromEnv = env[PASSWORD_ENV] === '' ? undefined : env[PASSWORD_ENV];
  const password = options.password ?? fromEnv;
  if (password === undefined)
    throw usage(`--host needs the password: -p PASSWORD, or set ${PASSWORD_ENV}`);
  return { kind: 'host', host, user, password };
}

/** What runRemoteSql needs: the node, credentials, the statements and where to print. */
export interface RemoteSqlOptions {
  readonly host: string;
  readonly user: string;
  readonly password: string;
  readonly text: string;
  readonly json: boolean;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly timeoutMillis?: number;
}

/** Runs the statements on the node; resolves to the exit status (0, or 1 after an error). */
export async function runRemoteSql(options: RemoteSqlOptions): Promise<number> {
  let connection: Connection;
  try {
    connection = await connect(options.host, {
      user: options.user,
      password: options.password,
      ...(options.timeoutMillis === undefined ? {} : { timeoutMillis: options.timeoutMillis }),
    });
  } catch (error) {
    return reportError(error, '', options.err);
  }
  try {
    return await printResults(connection, options);
  } finally {
    await connection.close();
  }
}

// As the embedded mode: each result as it arrives, or with --json only the last one.
async function printResults(connection: Connection, options: RemoteSqlOptions): Promise<number> {
  let last: Value = { kind: 'void' };
  try {
    for await (const value of connection.stream(options.text)) {
      last = value;
      if (!options.json) printShown(value, options.out);
    }
  } catch (error) {
    return reportError(error, options.text, options.err);
  }
  if (options.json) options.out.write(`${JSON.stringify(valueToJson(last))}\n`);
  return 0;
}

function reportError(error: unknown, text: string, err: NodeJS.WritableStream): number {
  if (!isShoalError(error)) throw error;
  err.write(describeError(error, text));
  return 1;
}

function usage(message: string): ShoalError {
  return new ShoalError('INVALID_ARGUMENT', `shoal sql: ${message}`);
}
