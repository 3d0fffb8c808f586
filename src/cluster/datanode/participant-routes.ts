// A data node as a participant: prepare an append or a statement under a cluster transaction
// (durable, invisible), publish or discard it, and run query fragments over the partitions it
// owns. The coordinator (any data node) drives these; the controller holds the decision.

import type { FastifyInstance } from 'fastify';
import { ShoalError } from '../../core/errors.ts';
import { REUSED_BODY, columnsFromFrame, decodeFrame, sendFrame } from '../../net/index.ts';
import type { SelectStatement, Statement } from '../../query/ast.ts';
import type { FunctionRegistry } from '../../query/functions/registry.ts';
import { parseStatements } from '../../query/parser.ts';
import { planQuery } from '../../query/run-select.ts';
import { runFragment } from '../../query/select-fragment.ts';
import type { Fragment } from '../../query/select-fragment.ts';
import { QuerySession } from '../../query/session.ts';
import { readingContext } from '../../query/statement-context.ts';
import type { Value } from '../../query/value.ts';
import { append, encodeEffects, upsert } from '../../storage/index.ts';
import type { CatalogChange } from '../../storage/index.ts';
import { reviveTagged } from '../../storage/commit-effects.ts';
import { applyReplicatedDdl } from '../../storage/replicated-ddl.ts';
import { applyRowDelta, preparedRowDelta } from '../../storage/row-delta.ts';
import type { TaskDataFiles } from '../../replication/task-data-files.ts';
import { deltaFrameMeta, taskDataDelta } from '../../replication/task-data-files.ts';
import type { TaskDataRef } from '../../replication/master-log.ts';
import { isOperationType } from '../../core/operation-type.ts';
import type { Store } from '../../storage/index.ts';
import { DB_CHECKSUMS_PATH } from '../../replication/cluster-checksums.ts';
import type { ContentChecksum } from '../../storage/index.ts';
import { crashPoint } from '../crash-point.ts';
import { integerField, jsonBody, stringField } from '../internal-peer.ts';
import { encodeFragment } from './fragment-wire.ts';
import { registerAppendPartRoute } from './append-part-route.ts';
import type { StreamedPrepares } from './streamed-prepares.ts';

/** Statement `index` of `text` (BAD_REQUEST when there is none). */
export function statementAt(text: string, index: number): Statement {
  const statement = parseStatements(text)[index];
  if (statement === undefined)
    throw new ShoalError('BAD_REQUEST', `no statement ${index} in the text`);
  return statement;
}

/** Runs the scan part of a query over this node's partitions. */
export async function localFragment(
  store: Store,
  functions: FunctionRegistry,
  statement: SelectStatement,
): Promise<Fragment> {
  const snapshot = store.snapshot();
  try {
    const context = readingContext(store, snapshot, functions);
    if (statement.from === null) throw new ShoalError('BAD_REQUEST', 'a fragment needs FROM');
    const { source, plan, partitions } = planQuery(statement, statement.from, context);
    const local = partitions?.filter((key) => source.table.partitions.has(key));
    return await runFragment(statement, plan, source, local, context);
  } finally {
    snapshot.release();
  }
}

/** Runs statement `index` of `text` prepared under `tx`; its value. */
export async function prepareStatement(
  store: Store,
  functions: FunctionRegistry,
  tx: string,
  text: string,
  index: number,
): Promise<Value> {
  const writer = store.preparing(tx);
  const session = new QuerySession(store, functions, { writer });
  return session.execute(statementAt(text, index));
}

/** What a participant answers a prepare with: rows, and the effects publishing will have. */
export interface PreparedAnswer {
  readonly rows: number;
  /** encodeEffects text of the prepared write ('' when it changed nothing). */
  readonly effects: string;
  /** On a master: the row-delta file kept for replication (row changes of replicated databases). */
  readonly data?: TaskDataRef;
}

/**
 * preparedAnswer, plus — when `files` is given (the database replicates) and the write is a
 * row change — its row delta kept in a task data file for the slaves.
 */
export async function preparedAnswerWithDelta(
  store: Store,
  tx: string,
  rows: number,
  files: TaskDataFiles | undefined,
): Promise<PreparedAnswer> {
  const answer = preparedAnswer(store, tx, rows);
  if (files === undefined) return answer;
  const delta = await preparedRowDelta(store, tx);
  if (delta === null) return answer;
  return { ...answer, data: await files.writeDelta(Number(tx), delta) };
}

/** The answer for a write just prepared under `tx` on `store`. */
export function preparedAnswer(store: Store, tx: string, rows: number): PreparedAnswer {
  const effects = store.preparedEffects(tx);
  return { rows, effects: effects === undefined ? '' : encodeEffects(effects) };
}

/** The row count a write statement returns (0 for DDL). */
export function rowsOfValue(value: Value): number {
  return value.kind === 'scalar' && typeof value.value === 'bigint' ? Number(value.value) : 0;
}

/** Publishes this node's prepared write of cluster transaction `tx` (none: nothing to do). */
export async function publishPrepared(store: Store, tx: string): Promise<void> {
  await store.publish(tx);
  crashPoint('datanode.after-publish');
}

/** Discards this node's share of cluster transaction `tx`, prepared or still streaming. */
export async function discardPrepared(
  store: Store,
  streamed: StreamedPrepares,
  tx: string,
): Promise<void> {
  // A streamed append still waiting for parts stops now, not at its idle timeout.
  await streamed.abort(tx, `cluster transaction ${tx} was discarded`);
  await store.discard(tx);
}

/** Registers the participant routes. */
export function registerParticipantRoutes(
  app: FastifyInstance,
  store: Store,
  functions: FunctionRegistry,
  taskData: TaskDataFiles | undefined,
  streamed: StreamedPrepares,
): void {
  // The prepared segments are written (and the task data's delta kept) before it answers:
  // nothing views the columns afterwards, so the body's buffer can be reused.
  app.post('/internal/prepare-append', REUSED_BODY, async (request) => {
    const frame = decodeFrame(request.body as Uint8Array);
    const { columns, meta } = columnsFromFrame(frame);
    const { tx, db, table, keys, replicate } = meta as {
      tx: string;
      db: string;
      table: string;
      keys?: string[];
      replicate?: boolean;
    };
    const rows = columns.map((c) => c.column);
    const writer = store.preparing(tx);
    const effects =
      keys === undefined
        ? await append(writer, db, table, rows)
        : await upsert(writer, db, table, rows, keys);
    crashPoint('datanode.after-prepare');
    const files = replicate === true ? taskData : undefined;
    return preparedAnswerWithDelta(store, tx, effects.rowsWritten, files);
  });
  registerAppendPartRoute(app, streamed);
  app.post('/internal/prepare-statement', async (request) => {
    const body = jsonBody(request);
    const tx = stringField(body, 'tx');
    const value = await prepareStatement(
      store,
      functions,
      tx,
      stringField(body, 'text'),
      integerField(body, 'index'),
    );
    crashPoint('datanode.after-prepare');
    const files = body['replicate'] === true ? taskData : undefined;
    return preparedAnswerWithDelta(store, tx, rowsOfValue(value), files);
  });
  app.post('/internal/prepare-replicated-ddl', async (request) => {
    const body = jsonBody(request);
    const tx = stringField(body, 'tx');
    const operationType = stringField(body, 'operationType');
    if (!isOperationType(operationType)) {
      throw new ShoalError('BAD_REQUEST', `${operationType} is not an operation type`);
    }
    const changes = JSON.parse(stringField(body, 'ddl'), reviveTagged) as CatalogChange[];
    await applyReplicatedDdl(store.preparing(tx), operationType, stringField(body, 'db'), changes);
    crashPoint('datanode.after-prepare');
    return preparedAnswer(store, tx, 0);
  });
  app.post('/internal/prepare-row-delta', async (request) => {
    const bytes = request.body as Uint8Array;
    const { tx, db, table, kind } = deltaFrameMeta(bytes);
    if (
      typeof tx !== 'string' ||
      typeof db !== 'string' ||
      typeof table !== 'string' ||
      typeof kind !== 'string' ||
      !isOperationType(kind)
    ) {
      throw new ShoalError('BAD_REQUEST', 'a row delta needs tx, db, table and an operation type');
    }
    const effects = await applyRowDelta(store.preparing(tx), kind, db, table, taskDataDelta(bytes));
    crashPoint('datanode.after-prepare');
    return preparedAnswer(store, tx, effects.rowsWritten);
  });
  app.post('/internal/publish', async (request) => {
    await publishPrepared(store, stringField(jsonBody(request), 'tx'));
    return {};
  });
  app.post('/internal/discard', async (request) => {
    await discardPrepared(store, streamed, stringField(jsonBody(request), 'tx'));
    return {};
  });
  app.post('/internal/checksum', async (request) => {
    const body = jsonBody(request);
    const db = stringField(body, 'db');
    const table = stringField(body, 'table');
    const snapshot = store.snapshot();
    try {
      const { table: sum } = await snapshot.checksum(db, table);
      return sum;
    } finally {
      snapshot.release();
    }
  });
  app.post(DB_CHECKSUMS_PATH, async (request) => {
    const db = stringField(jsonBody(request), 'db');
    // Prepared writes may belong to decisions already recorded: the caller asks again.
    const pending = store.preparedTransactions().length > 0;
    const snapshot = store.snapshot();
    try {
      const tables: Record<string, Record<string, ContentChecksum>> = {};
      for (const name of snapshot.state.databases.get(db)?.tables.keys() ?? []) {
        const { partitions } = await snapshot.checksum(db, name);
        tables[name] = Object.fromEntries(partitions);
      }
      return { pending, tables };
    } finally {
      snapshot.release();
    }
  });
  app.post('/internal/fragment', async (request, reply) => {
    const body = decodeFrame(request.body as Uint8Array).body as Record<string, unknown>;
    const statement = statementAt(stringField(body, 'text'), integerField(body, 'index'));
    if (statement.kind !== 'select') throw new ShoalError('BAD_REQUEST', 'a fragment is a query');
    return sendFrame(reply, [encodeFragment(await localFragment(store, functions, statement))]);
  });
}
