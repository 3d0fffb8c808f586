// A program's connection to one Shoal node over the public HTTP API: a session logged in at
// connect(), statements run with their results as Values (tables as plain typed columns),
// function calls with plain JS arguments, and bulk appends of columns or Arrow tables.

import type { Table as ArrowTable } from 'apache-arrow';
import { ShoalError, isShoalError } from '../core/errors.ts';
import type { ShoalErrorOptions } from '../core/errors.ts';
import type { Column, NamedColumn } from '../core/types/column.ts';
import { compactSymbols } from '../core/types/column-ops.ts';
import { HttpClient } from '../net/http-client.ts';
import type { CallOptions } from '../net/http-client.ts';
import {
  PUBLIC_PATHS,
  bearerHeader,
  callFrame,
  runFrameOf,
  runRequestFrame,
} from '../net/public-wire.ts';
import { encodeFrame } from '../net/wire-frame.ts';
import { columnsToFrame, decodeValue } from '../net/wire-values.ts';
import type { Table, Value } from '../query/value.ts';
import { describeValue } from '../query/value.ts';
import { columnsFromArrow } from './arrow-columns.ts';
import { toValue } from './client-args.ts';
import type { ClientArg } from './client-args.ts';

/** Who connects, and the deadline of each call (30 s when absent). */
export interface ConnectOptions {
  readonly user: string;
  readonly password: string;
  readonly timeoutMillis?: number;
}

/** A failed run: the failing statement's ShoalError, with the results of those before it. */
export class RunError extends ShoalError {
  /** Values of the statements that ran (and committed) before the failure, in order. */
  readonly results: readonly Value[];

  constructor(error: ShoalError, results: readonly Value[]) {
    const options: { -readonly [K in keyof ShoalErrorOptions]: ShoalErrorOptions[K] } = {};
    if (error.position !== undefined) options.position = error.position;
    if (error.cause !== undefined) options.cause = error.cause;
    super(error.kind, error.message, options);
    this.results = results;
  }
}

/** Logs in to the node at `url` (http://host:port, or host:port); AUTH_FAILED on bad credentials. */
export async function connect(url: string, options: ConnectOptions): Promise<Connection> {
  const base = baseUrl(url);
  const client = new HttpClient(base, {
    nodeName: 'Shoal node',
    ...(options.timeoutMillis === undefined ? {} : { timeoutMillis: options.timeoutMillis }),
  });
  try {
    const answer = await client.postJson(PUBLIC_PATHS.login, {
      user: options.user,
      password: options.password,
    });
    return new Connection(client, base, grantOf(answer));
  } catch (error) {
    await client.close();
    throw error;
  }
}

interface Grant {
  readonly token: string;
  readonly user: string;
  readonly expiresAtMillis: number;
}

/** A logged-in session on one node; close() when done. Its methods throw ShoalErrors. */
export class Connection {
  /** The node's base URL. */
  readonly url: string;
  /** The user this connection runs as. */
  readonly user: string;
  private readonly client: HttpClient;
  private readonly token: string;
  private closed: Promise<void> | null = null;

  /** Use connect(); this wraps a client whose login gave `grant`. */
  constructor(client: HttpClient, url: string, grant: Grant) {
    this.client = client;
    this.url = url;
    this.user = grant.user;
    this.token = grant.token;
  }

  /** Runs the statements of `text` in order, yielding each result as it arrives. */
  async *stream(text: string): AsyncGenerator<Value> {
    const body = encodeFrame(runRequestFrame(text));
    for await (const frame of this.client.postFrames(PUBLIC_PATHS.run, body, this.auth())) {
      const result = runFrameOf(frame);
      if (result.kind === 'error') throw result.error;
      yield result.value;
    }
  }

  /** Every statement's result; a failure rejects with a RunError holding the results before it. */
  async run(text: string): Promise<Value[]> {
    const results: Value[] = [];
    try {
      for await (const value of this.stream(text)) results.push(value);
    } catch (error) {
      throw isShoalError(error) ? new RunError(error, results) : error;
    }
    return results;
  }

  /** The result of the last statement of `text` (void when it has none). */
  async runOne(text: string): Promise<Value> {
    return (await this.run(text)).at(-1) ?? { kind: 'void' };
  }

  /** The table the last statement of `text` returns; TYPE_MISMATCH when it is not a table. */
  async table(text: string): Promise<Table> {
    const value = await this.runOne(text);
    if (value.kind !== 'table')
      throw new ShoalError(
        'TYPE_MISMATCH',
        `the statement returned ${describeValue(value)}, not a table; use runOne() for other results`,
      );
    return value.table;
  }

  /** Calls function `name` with `args` (Values or plain JS values, see ClientArg). */
  async call(name: string, ...args: ClientArg[]): Promise<Value> {
    const body = encodeFrame(callFrame(name, args.map(toValue)));
    return decodeValue(await this.client.postArrow(PUBLIC_PATHS.call, body, this.auth()));
  }

  /**
   * Appends whole columns in the table's schema order (or an Arrow table's columns, in field
   * order) to `database`/`table` in one transaction; the number of rows written.
   */
  async append(
    database: string,
    table: string,
    columns: readonly Column[] | ArrowTable,
  ): Promise<number> {
    // A few rows of a large SYMBOL column go without its whole dictionary.
    const named: NamedColumn[] = (
      Array.isArray(columns)
        ? (columns as readonly Column[]).map((column, i) => ({ name: `c${i}`, column }))
        : columnsFromArrow(columns as ArrowTable)
    ).map(({ name, column }) => ({ name, column: compactSymbols(column) }));
    const query = `db=${encodeURIComponent(database)}&table=${encodeURIComponent(table)}`;
    const body = encodeFrame(columnsToFrame(named));
    const answer = await this.client.postArrow(
      `${PUBLIC_PATHS.append}?${query}`,
      body,
      this.auth(),
    );
    return rowsOf(answer);
  }

  /** Every node of the cluster with its role, address and state (getClusterPerf()). */
  async getClusterPerf(): Promise<Table> {
    const value = await this.call('getClusterPerf');
    if (value.kind !== 'table') throw unexpected('getClusterPerf', value, 'a table');
    return value.table;
  }

  /** The controller's alias (getControllerAlias()). */
  async getControllerAlias(): Promise<string> {
    const value = await this.call('getControllerAlias');
    if (value.kind !== 'scalar' || typeof value.value !== 'string')
      throw unexpected('getControllerAlias', value, 'a string');
    return value.value;
  }

  /** Logs out and releases the sockets; closing again waits for the same. */
  async close(): Promise<void> {
    this.closed ??= this.logoutAndClose();
    return this.closed;
  }

  private async logoutAndClose(): Promise<void> {
    try {
      await this.client.postJson(PUBLIC_PATHS.logout, {}, { headers: bearerHeader(this.token) });
    } catch (error) {
      // A node that is gone or a session that expired leaves nothing to log out of.
      if (!isShoalError(error)) throw error;
    } finally {
      await this.client.close();
    }
  }

  private auth(): CallOptions {
    if (this.closed !== null)
      throw new ShoalError(
        'INVALID_ARGUMENT',
        `this connection to ${this.url} is closed; connect() again`,
      );
    return { headers: bearerHeader(this.token) };
  }
}

function baseUrl(url: string): string {
  const text = url.includes('://') ? url : `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw invalidUrl(url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidUrl(url);
  return parsed.origin;
}

function invalidUrl(url: string): ShoalError {
  return new ShoalError(
    'INVALID_ARGUMENT',
    `${JSON.stringify(url)} is not a node address; pass http://host:port or host:port`,
  );
}

function grantOf(answer: unknown): Grant {
  const { token, user, expiresAtMillis } = (answer ?? {}) as Record<string, unknown>;
  if (typeof token !== 'string' || typeof user !== 'string' || typeof expiresAtMillis !== 'number')
    throw new ShoalError(
      'BAD_REQUEST',
      'the node answered login without a token, user and expiry; is it a Shoal node of this version?',
    );
  return { token, user, expiresAtMillis };
}

function rowsOf(answer: Uint8Array): number {
  let rows: unknown;
  try {
    rows = (JSON.parse(new TextDecoder().decode(answer)) as { rows?: unknown }).rows;
  } catch {
    rows = undefined;
  }
  if (typeof rows !== 'number')
    throw new ShoalError(
      'BAD_REQUEST',
      'the node answered append without a row count; is it a Shoal node of this version?',
    );
  return rows;
}

function unexpected(name: string, value: Value, expected: string): ShoalError {
  return new ShoalError(
    'TYPE_MISMATCH',
    `${name}() returned ${describeValue(value)}, expected ${expected}; is the node of this version?`,
  );
}
