// A data node as coordinator of client statements. Queries run as fragments on every data
// node and merge here; appends are split by partition owner and committed with two-phase
// commit (begin at the controller → prepare on owners → decision at the controller → publish);
// other writes and DDL run prepared on every data node under one transaction.

import { assert } from '../../core/assert.ts';
import { ShoalError, isShoalError } from '../../core/errors.ts';
import { rowsOfColumns } from '../../core/types/column.ts';
import type { Column } from '../../core/types/column.ts';
import { concatColumnSets, takeRows } from '../../core/types/column-ops.ts';
import { columnsToFrame, concatBytes, encodeFrame } from '../../net/index.ts';
import type { KeepMemory } from '../../net/index.ts';
import type { SelectStatement, Statement } from '../../query/ast.ts';
import type { FunctionRegistry } from '../../query/functions/registry.ts';
import { finishSelect, planQuery } from '../../query/run-select.ts';
import type { Fragment } from '../../query/select-fragment.ts';
import { QuerySession } from '../../query/session.ts';
import { readingContext } from '../../query/statement-context.ts';
import { VOID } from '../../query/value.ts';
import type { Value } from '../../query/value.ts';
import {
  append,
  ChunkCrcs,
  conformColumns,
  planRows,
  splitByPartition,
  upsert,
} from '../../storage/index.ts';
import type { PlannedRows, Store } from '../../storage/index.ts';
import { crashPoint } from '../crash-point.ts';
import type { PeerClient } from '../internal-peer.ts';
import type { TaskDataFiles } from '../../replication/task-data-files.ts';
import { encodeDeltaFrame } from '../../replication/task-data-files.ts';
import type { RowDelta } from '../../storage/row-delta.ts';
import type { TaskDataRef } from '../../replication/master-log.ts';
import { decodeFragment, encodeFragment } from './fragment-wire.ts';
import {
  discardPrepared,
  localFragment,
  preparedAnswerWithDelta,
  prepareStatement,
  publishPrepared,
  rowsOfValue,
} from './participant-routes.ts';
import type { PreparedAnswer } from './participant-routes.ts';
import { statementAccess } from './statement-access.ts';
import { localPartSink, remotePartSink } from './part-sinks.ts';
import type { PartSink } from './part-sinks.ts';
import { StreamedPrepares } from './streamed-prepares.ts';
import { AppendCombiner } from './append-combiner.ts';
import { MAX_COMBINED_APPEND_ROWS } from '../../core/limits.ts';
import type { StreamedAppendTarget } from './streamed-prepares.ts';
import type { Access } from './statement-access.ts';

/** A participant's answer to a prepare, with its alias. */
type ParticipantAnswer = PreparedAnswer & { readonly alias: string };

export interface CoordinatorOptions {
  readonly alias: string;
  readonly store: Store;
  readonly functions: FunctionRegistry;
  readonly controller: PeerClient;
  /** Every data node of the cluster, this one included, in cluster.nodes order. */
  readonly dataNodes: ReadonlyMap<string, PeerClient>;
  /** Commands that run on the coordinator itself (their appends go through the cluster). */
  readonly localCommands: ReadonlySet<string>;
  /** On a replication master: where appends to replicated databases keep their task data. */
  readonly taskData?: TaskDataFiles;
  /** Told of each committed transaction of small client appends, with how many it held. */
  readonly onAppendBatch?: (appends: number) => void;
}

/** How an append goes: an upsert on `upsertKeys`; `keep` as ClusterCoordinator.append says. */
export interface AppendOptions {
  readonly upsertKeys?: readonly string[];
  readonly keep?: KeepMemory;
}

export class ClusterCoordinator {
  private readonly options: CoordinatorOptions;
  /** The streamed appends this node prepares: its own shares, and other coordinators'. */
  readonly streamed: StreamedPrepares;

  /** Small appends waiting to share the next transaction of their table. */
  private readonly combiner: AppendCombiner;

  constructor(options: CoordinatorOptions) {
    this.options = options;
    this.streamed = new StreamedPrepares(options.store);
    this.combiner = new AppendCombiner(options.alias, {
      commit: (db, table, plan, keep) =>
        this.commitAppend(db, table, plan, keep === undefined ? {} : { keep }),
      replan: (db, table, columns) => this.planOf(db, table, columns),
      committed: (appends) => options.onAppendBatch?.(appends),
    });
  }

  /** Runs every statement of `text` as `user`, in order, yielding each value. */
  async *run(user: string, text: string, statements: readonly Statement[]): AsyncGenerator<Value> {
    for (const [index, statement] of statements.entries()) {
      yield await this.runStatement(user, text, index, statement);
    }
  }

  private async runStatement(
    user: string,
    text: string,
    index: number,
    statement: Statement,
  ): Promise<Value> {
    const access = statementAccess(statement, this.options.functions, this.options.localCommands);
    await this.check(user, access);
    switch (access.route) {
      case 'query':
        return this.query(text, index, statement as SelectStatement);
      case 'local':
        return this.localSession(user).execute(statement);
      case 'broadcast':
        return this.broadcast(text, index, statement, access.object);
    }
  }

  /** A session on this node whose appends go through the cluster. */
  private localSession(user: string): QuerySession {
    return new QuerySession(this.options.store, this.options.functions, {
      append: (db, table, columns, upsertKeys) =>
        this.append(user, db, table, columns, upsertKeys === undefined ? {} : { upsertKeys }),
      user,
    });
  }

  /** `replication`: the slave's replay, which may write replicated databases. */
  private async check(user: string, access: Access, replication = false): Promise<void> {
    if (access.privilege === null) return;
    await this.options.controller.json('/internal/access', {
      user,
      privilege: access.privilege,
      object: access.object,
      replication,
    });
  }

  /**
   * Fragments from every data node, merged here. This node's own fragment runs in process, as
   * its share of an append is prepared: no HTTP round trip to itself. It still goes through
   * the fragment's wire form, so it holds nothing of the snapshot it was read from.
   */
  private async query(text: string, index: number, statement: SelectStatement): Promise<Value> {
    const owners = await this.owners(statement);
    const { alias, store, functions } = this.options;
    const fragments = await Promise.all(
      owners.map(async (owner) =>
        decodeFragment(
          owner === alias
            ? encodeFragment(await localFragment(store, functions, statement))
            : await this.peer(owner).binary(
                '/internal/fragment',
                concatBytes(encodeFrame({ body: { text, index }, blocks: [] })),
              ),
        ),
      ),
    );
    return this.finish(statement, fragments);
  }

  /** The data nodes (aliases) owning the partitions the query can touch (pruned by its WHERE). */
  private async owners(statement: SelectStatement): Promise<string[]> {
    const { store, functions } = this.options;
    const snapshot = store.snapshot();
    let planned: { db: string; table: string; keys: readonly string[] | undefined };
    try {
      if (statement.from === null) throw new ShoalError('BAD_REQUEST', 'a query needs FROM');
      const { source, partitions } = planQuery(
        statement,
        statement.from,
        readingContext(store, snapshot, functions),
      );
      planned = { db: source.database, table: source.name, keys: partitions };
    } finally {
      snapshot.release();
    }
    const { aliases } = await this.options.controller.json<{ aliases: string[] }>(
      '/internal/placement',
      {
        db: planned.db,
        table: planned.table,
        ...(planned.keys === undefined ? {} : { keys: [...planned.keys] }),
      },
    );
    return aliases;
  }

  private finish(statement: SelectStatement, fragments: readonly Fragment[]): Value {
    const { store, functions } = this.options;
    const snapshot = store.snapshot();
    try {
      const context = readingContext(store, snapshot, functions);
      if (statement.from === null) throw new ShoalError('BAD_REQUEST', 'a query needs FROM');
      const { source, plan } = planQuery(statement, statement.from, context);
      return finishSelect(statement, plan, source, fragments, context);
    } finally {
      snapshot.release();
    }
  }

  /**
   * Appends rows with two-phase commit over the owners of their partitions; with
   * `upsertKeys`, upserts them (each owner upserts its partitions' rows). The rows written.
   * A small client append may share its transaction with other appends to the table that
   * arrive while one runs (group commit, AppendCombiner): it is still all or nothing.
   * `options.keep` pins memory the columns view (a request body) for as long as a master holds
   * them as task data after answering; without it the columns are the caller's alone.
   */
  async append(
    user: string,
    db: string,
    table: string,
    columns: readonly Column[],
    options: AppendOptions = {},
  ): Promise<number> {
    const plan = await this.checkedPlan(user, db, table, columns);
    const rows = rowsOfColumns(plan.columns);
    const { upsertKeys, keep } = options;
    const combinable = upsertKeys === undefined && rows > 0 && rows <= MAX_COMBINED_APPEND_ROWS;
    if (combinable) return this.combiner.append(db, table, plan, keep);
    return this.commitAppend(db, table, plan, options);
  }

  /** Appends (or upserts) the planned rows of `db`/`table` as one transaction: its rows. */
  private async commitAppend(
    db: string,
    table: string,
    plan: PlannedRows,
    { upsertKeys, keep }: AppendOptions,
  ): Promise<number> {
    const begun = await this.begin(
      db,
      table,
      plan.parts.map((part) => part.key),
    );
    // An upsert replicates as the row deltas its owners keep; an append as its rows. Their
    // checksum is taken first and remembered: this node's segments hold the same bytes.
    const crcs = new ChunkCrcs();
    const taskData =
      upsertKeys === undefined ? this.writeTaskData(begun, plan.columns, keep, crcs) : null;
    const deltas = upsertKeys !== undefined && begun.replicated === true;
    const tx = String(begun.tx);
    const prepares = [...sharesByOwner(plan, begun.owners)].map(async ([owner, share]) => {
      // This node's own share is prepared in process: no encoding, no HTTP.
      if (owner === this.options.alias) {
        const writer = this.options.store.preparing(tx, crcs);
        const effects =
          upsertKeys === undefined
            ? await append(writer, db, table, share.columns, share.plan)
            : await upsert(writer, db, table, share.columns, upsertKeys);
        const files = deltas ? this.options.taskData : undefined;
        return {
          alias: owner,
          ...(await preparedAnswerWithDelta(this.options.store, tx, effects.rowsWritten, files)),
        };
      }
      const frame = columnsToFrame(
        share.columns.map((column, i) => ({ name: `c${i}`, column })),
        {
          tx,
          db,
          table,
          ...(upsertKeys === undefined ? {} : { keys: [...upsertKeys] }),
          replicate: deltas,
        },
      );
      // Sent as the frame's chunks: the Arrow bytes view the columns, nothing is copied.
      const answer = await this.peer(owner).binary('/internal/prepare-append', encodeFrame(frame));
      return { alias: owner, ...(JSON.parse(new TextDecoder().decode(answer)) as PreparedAnswer) };
    });
    const rows = rowsOfColumns(plan.columns);
    await this.complete(
      begun.tx,
      begun.participants,
      prepares,
      { kind: upsertKeys === undefined ? 'APPEND' : 'UPSERT', db, table, rowsWritten: rows },
      taskData,
    );
    return rows;
  }

  /**
   * Appends the rows of replication tasks `replicationTaskIds` (one, or a batch of appends to
   * the table, in id order) as they arrive (`chunks`: their fetched frames) with two-phase
   * commit, as `user`, holding about two chunks at once whatever the tasks' size. `partitions`
   * are every key the rows fall in (the tasks list them: a streamed write locks them before
   * its first row); `verify` runs after the last chunk and before the decision (the data's
   * checksums), so damaged data aborts. The decision records the tasks as applied. The rows
   * appended.
   */
  async appendStreamed(
    user: string,
    target: StreamedAppendTarget,
    chunks: AsyncIterable<StreamedChunk>,
    replicationTaskIds: readonly number[],
    verify: () => void,
    onHeld: (changeBytes: number) => void = () => undefined,
  ): Promise<number> {
    const { db, table, partitions } = target;
    await this.check(user, { route: 'local', privilege: 'DB_WRITE', object: db }, true);
    const begun = await this.begin(db, table, partitions);
    const tx = String(begun.tx);
    const sinks = new Map<string, PartSink>();
    let rows = 0;
    let failure: Error | undefined;
    try {
      for (const alias of begun.participants) {
        const own = { db, table, partitions: partitions.filter((k) => begun.owners[k] === alias) };
        const local = alias === this.options.alias;
        sinks.set(
          alias,
          local ? localPartSink(this.streamed, tx, own) : remotePartSink(this.peer(alias), tx, own),
        );
      }
      rows = await this.feed(target, begun.owners, chunks, sinks, onHeld);
      verify();
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      for (const sink of sinks.values()) sink.fail(failure);
    }
    // Every participant answers, or the decision is abort (discard reaches those that began).
    const prepares = begun.participants.map(async (alias) => {
      const sink = sinks.get(alias);
      if (failure !== undefined || sink === undefined) throw failure;
      return { alias, ...(await sink.finish()) };
    });
    const summary = { kind: 'APPEND', db, table, rowsWritten: rows };
    await this.complete(begun.tx, begun.participants, prepares, summary, null, replicationTaskIds);
    return rows;
  }

  /**
   * Splits each chunk by owner and sends the shares, one chunk in flight while the next is
   * split: at most two chunks are held (`onHeld` follows their bytes). Each chunk is released
   * once its sends settled, or at once when it is not sent. The rows sent.
   */
  private async feed(
    target: StreamedAppendTarget,
    owners: Readonly<Record<string, string>>,
    chunks: AsyncIterable<StreamedChunk>,
    sinks: ReadonlyMap<string, PartSink>,
    onHeld: (changeBytes: number) => void,
  ): Promise<number> {
    let rows = 0;
    let inFlight: Promise<unknown> = Promise.resolve();
    let inFlightBytes = 0;
    let held = 0;
    const hold = (changeBytes: number): void => {
      held += changeBytes;
      onHeld(changeBytes);
    };
    try {
      for await (const chunk of chunks) {
        hold(chunk.bytes);
        let sends: Promise<void>[];
        try {
          const plan = this.planOf(target.db, target.table, chunk.columns);
          const outside = plan.parts.find((part) => owners[part.key] === undefined);
          if (outside !== undefined) {
            throw new ShoalError(
              'INVALID_ARGUMENT',
              `the task data of ${target.db}/${target.table} has rows in partition ${outside.key}, which its task does not list`,
            );
          }
          rows += rowsOfColumns(plan.columns);
          await inFlight;
          hold(-inFlightBytes);
          inFlightBytes = chunk.bytes;
          sends = [...sharesByOwner(plan, owners)].map(([owner, share]) =>
            (sinks.get(owner) as PartSink).send(share),
          );
        } catch (error) {
          chunk.release?.();
          throw error;
        }
        inFlight = whenSent(sends, chunk.release);
        // Observed by the next chunk's wait or the finally below, whichever comes first.
        inFlight.catch(() => undefined);
      }
      await inFlight;
    } finally {
      // A failed chunk leaves its sibling sends to finish: none outlives the write.
      await Promise.allSettled([inFlight]);
      hold(-held);
    }
    return rows;
  }

  /**
   * The plan of a write (its rows checked and split by partition), once `user` may write
   * `db`. The privilege check (a round trip to the controller) runs while the rows are split;
   * a refusal still comes first, so a user without the privilege learns nothing of the table.
   */
  private async checkedPlan(
    user: string,
    db: string,
    table: string,
    columns: readonly Column[],
  ): Promise<PlannedRows> {
    const checked = this.check(user, { route: 'local', privilege: 'DB_WRITE', object: db });
    let plan: PlannedRows;
    try {
      plan = this.planOf(db, table, columns);
    } catch (error) {
      await checked;
      throw error;
    }
    await checked;
    return plan;
  }

  /** The write's rows checked and split by partition against this node's catalog. */
  private planOf(db: string, table: string, columns: readonly Column[]): PlannedRows {
    const dbState = this.options.store.catalog.databases.get(db);
    const tableState = dbState?.tables.get(table);
    if (dbState === undefined || tableState === undefined) {
      throw new ShoalError('TABLE_NOT_FOUND', `table ${table} does not exist in ${db}`);
    }
    return planRows(dbState, tableState, columns);
  }

  /**
   * Replays a master's DDL (replication task `taskId`) on every data node of this slave
   * cluster under one transaction, as `user`; the decision records the task as applied.
   */
  async replicateDdl(
    user: string,
    taskId: number,
    task: { readonly operationType: string; readonly db: string; readonly ddl: string },
  ): Promise<void> {
    await this.check(user, { route: 'local', privilege: 'DB_DDL', object: task.db }, true);
    const begun = await this.begin(null, null, []);
    const tx = String(begun.tx);
    const body = { tx, operationType: task.operationType, db: task.db, ddl: task.ddl };
    const prepares = begun.participants.map(async (alias) => ({
      alias,
      ...(await this.peer(alias).json<PreparedAnswer>('/internal/prepare-replicated-ddl', body)),
    }));
    await this.complete(
      begun.tx,
      begun.participants,
      prepares,
      { kind: task.operationType, db: task.db, table: '', rowsWritten: 0 },
      null,
      [taskId],
    );
  }

  /**
   * Applies a master's row change (replication task `taskId`) on the owners of the rows'
   * partitions of this slave cluster under one transaction, as `user`.
   */
  async replicateRowDelta(
    user: string,
    taskId: number,
    task: { readonly operationType: string; readonly db: string; readonly table: string },
    delta: RowDelta,
  ): Promise<void> {
    const { db, table } = task;
    await this.check(user, { route: 'local', privilege: 'DB_WRITE', object: db }, true);
    const removed = this.splitByKey(db, table, delta.removed);
    const added = this.splitByKey(db, table, delta.added);
    const begun = await this.begin(db, table, [...new Set([...removed.keys(), ...added.keys()])]);
    const tx = String(begun.tx);
    const byOwner = new Map<string, { removed: Column[][]; added: Column[][] }>();
    const place = (parts: Map<string, Column[]>, side: 'removed' | 'added'): void => {
      for (const [key, rows] of parts) {
        const owner = begun.owners[key] as string;
        const entry = byOwner.get(owner) ?? { removed: [], added: [] };
        entry[side].push(rows);
        byOwner.set(owner, entry);
      }
    };
    place(removed, 'removed');
    place(added, 'added');
    const template = delta.removed.length > 0 ? delta.removed : delta.added;
    const join = (parts: Column[][]): Column[] =>
      concatColumnSets(
        template.map((c) => c.type),
        parts,
      );
    const prepares = [...byOwner].map(async ([owner, sides]) => {
      const frame = encodeDeltaFrame(
        { removed: join(sides.removed), added: join(sides.added) },
        { tx, db, table, kind: task.operationType },
      );
      const answer = await this.peer(owner).binary('/internal/prepare-row-delta', frame);
      return { alias: owner, ...(JSON.parse(new TextDecoder().decode(answer)) as PreparedAnswer) };
    });
    await this.complete(
      begun.tx,
      begun.participants,
      prepares,
      { kind: task.operationType, db, table, rowsWritten: 0 },
      null,
      [taskId],
    );
  }

  /** Runs statement `index` prepared on every data node under one transaction. */
  private async broadcast(
    text: string,
    index: number,
    statement: Statement,
    db: string,
  ): Promise<Value> {
    // The database lets the controller say whether it replicates (row changes keep deltas).
    const begun = await this.begin(db.startsWith('dfs://') ? db : null, null, []);
    const { store, functions } = this.options;
    const tx = String(begun.tx);
    const replicate = begun.replicated === true;
    const prepares = begun.participants.map(async (alias) =>
      alias === this.options.alias
        ? {
            alias,
            ...(await preparedAnswerWithDelta(
              store,
              tx,
              rowsOfValue(await prepareStatement(store, functions, tx, text, index)),
              replicate ? this.options.taskData : undefined,
            )),
          }
        : {
            alias,
            ...(await this.peer(alias).json<PreparedAnswer>('/internal/prepare-statement', {
              tx,
              text,
              index,
              replicate,
            })),
          },
    );
    const results = await this.complete(begun.tx, begun.participants, prepares, {
      kind: statement.kind,
      db: '',
      table: '',
      rowsWritten: 0,
    });
    if (statement.kind !== 'update' && statement.kind !== 'delete') return VOID;
    const rows = results.reduce((n, r) => n + ((r as { rows?: number }).rows ?? 0), 0);
    return { kind: 'scalar', type: 'LONG', value: BigInt(rows) };
  }

  /** On a master, a replicated append's rows recorded as its task data (else null). */
  private writeTaskData(
    begun: { readonly tx: number; readonly replicated?: boolean },
    columns: readonly Column[],
    keep: KeepMemory | undefined,
    crcs: ChunkCrcs,
  ): Promise<TaskDataRef> | null {
    const files = this.options.taskData;
    if (files === undefined || begun.replicated !== true) return null;
    return files.write(begun.tx, columns, keep, crcs);
  }

  /** Waits for every prepare, records the decision, then publishes or discards. */
  private async complete(
    tx: number,
    participants: readonly string[],
    prepares: readonly Promise<ParticipantAnswer>[],
    summary: { kind: string; db: string; table: string; rowsWritten: number },
    taskData: Promise<TaskDataRef> | null = null,
    replicationTaskIds: readonly number[] = [],
  ): Promise<ParticipantAnswer[]> {
    const [settled, written] = await Promise.all([
      Promise.allSettled(prepares),
      taskData === null ? null : Promise.allSettled([taskData]).then(([w]) => w),
    ]);
    const data = written?.status === 'fulfilled' ? written.value : null;
    const failure =
      settled.find((s): s is PromiseRejectedResult => s.status === 'rejected') ??
      (written?.status === 'rejected' ? written : undefined);
    crashPoint('coordinator.after-prepare');
    // The commit decision carries each participant's effects: what replication will ship.
    const effects = Object.fromEntries(
      settled.flatMap((s) => (s.status === 'fulfilled' ? [[s.value.alias, s.value.effects]] : [])),
    );
    const request =
      failure === undefined
        ? {
            tx,
            decision: 'commit',
            summary,
            effects,
            taskData: data,
            taskParts: taskPartsOf(settled),
            replicationTaskIds,
          }
        : { tx, decision: 'abort', reason: reasonOf(failure.reason) };
    const { decision } = await this.options.controller.json<{ decision: string }>(
      '/internal/decide',
      request,
    );
    crashPoint('coordinator.before-publish');
    await Promise.allSettled(participants.map((alias) => this.resolve(alias, tx, decision)));
    if (decision !== 'commit') {
      if (taskData !== null) await this.options.taskData?.remove(tx);
      if (
        failure !== undefined &&
        isShoalError(failure.reason) &&
        failure.reason.kind !== 'NODE_UNAVAILABLE'
      ) {
        throw failure.reason;
      }
      throw new ShoalError(
        'TRANSACTION_ABORTED',
        `transaction ${tx} was aborted, nothing was written: ${reasonOf(failure?.reason)}`,
      );
    }
    return settled.map((s) => (s as PromiseFulfilledResult<ParticipantAnswer>).value);
  }

  /** Publishes (commit) or discards participant `alias`'s share of `tx`: this node's in process. */
  private async resolve(alias: string, tx: number, decision: string): Promise<void> {
    const id = String(tx);
    const { store } = this.options;
    if (alias === this.options.alias)
      return decision === 'commit'
        ? publishPrepared(store, id)
        : discardPrepared(store, this.streamed, id);
    const route = decision === 'commit' ? '/internal/publish' : '/internal/discard';
    await this.peer(alias).json(route, { tx: id });
  }

  private async begin(
    db: string | null,
    table: string | null,
    keys: readonly string[],
  ): Promise<{
    tx: number;
    owners: Record<string, string>;
    participants: string[];
    replicated?: boolean;
  }> {
    return this.options.controller.json('/internal/begin', {
      coordinator: this.options.alias,
      db,
      table,
      keys,
    });
  }

  /** The rows of each partition key, as columns in schema order. */
  private splitByKey(db: string, table: string, columns: readonly Column[]): Map<string, Column[]> {
    const state = this.options.store.catalog;
    const dbState = state.databases.get(db);
    const tableState = dbState?.tables.get(table);
    if (dbState === undefined || tableState === undefined) {
      throw new ShoalError('TABLE_NOT_FOUND', `table ${table} does not exist in ${db}`);
    }
    const conformed = conformColumns(db, tableState, columns);
    return new Map(
      splitByPartition(dbState, tableState, conformed).map(({ key, rows }) => [
        key,
        rows === undefined ? conformed : conformed.map((c) => takeRows(c, rows)),
      ]),
    );
  }

  private peer(alias: string): PeerClient {
    const peer = this.options.dataNodes.get(alias);
    if (peer === undefined)
      throw new ShoalError('NODE_UNAVAILABLE', `data node ${alias} is not in this cluster`);
    return peer;
  }
}

/** A chunk of a streamed append: its columns, and the size of the bytes they came from. */
export interface StreamedChunk {
  readonly columns: readonly Column[];
  readonly bytes: number;
  /** Called once the write is done with every view of `columns` (their memory may be reused). */
  readonly release?: () => void;
}

/** One owner's rows of a write; with the write's plan when they are all of its rows. */
interface Share {
  readonly columns: readonly Column[];
  readonly plan?: PlannedRows;
}

/**
 * Each owner's share of a planned write. When one node owns every partition (the common
 * case) its share is the write itself, plan included, with nothing copied; otherwise each
 * owner's rows are gathered once, in the plan's partition order.
 */
function sharesByOwner(
  plan: PlannedRows,
  owners: Readonly<Record<string, string>>,
): Map<string, Share> {
  const rowsByOwner = new Map<string, Int32Array[]>();
  for (const part of plan.parts) {
    const owner = owners[part.key];
    assert(owner !== undefined, `the controller placed partition ${part.key}`);
    rowsByOwner.set(owner, [
      ...(rowsByOwner.get(owner) ?? []),
      ...(part.rows === undefined ? [] : [part.rows]),
    ]);
  }
  const only = rowsByOwner.size === 1 ? [...rowsByOwner.keys()][0] : undefined;
  if (only !== undefined) return new Map([[only, { columns: plan.columns, plan }]]);
  return new Map(
    [...rowsByOwner].map(([owner, lists]): [string, Share] => {
      assert(lists.length > 0, 'a write over several partitions lists the rows of each');
      const rows = lists.length === 1 ? (lists[0] as Int32Array) : concatRows(lists);
      return [owner, { columns: plan.columns.map((column) => takeRows(column, rows)) }];
    }),
  );
}

function concatRows(lists: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(lists.reduce((n, list) => n + list.length, 0));
  let offset = 0;
  for (const list of lists) {
    out.set(list, offset);
    offset += list.length;
  }
  return out;
}

/** The row-delta files participants kept for replication, by alias. */
function taskPartsOf(
  settled: readonly PromiseSettledResult<ParticipantAnswer>[],
): { alias: string; bytes: number; crc32: number }[] {
  return settled.flatMap((s) =>
    s.status === 'fulfilled' && s.value.data !== undefined
      ? [{ alias: s.value.alias, ...s.value.data }]
      : [],
  );
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Settles once every send did, then releases their chunk; rejects with the first failure. */
async function whenSent(sends: readonly Promise<void>[], release?: () => void): Promise<void> {
  const results = await Promise.allSettled(sends);
  release?.();
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}
