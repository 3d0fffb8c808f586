// `/internal/prepare-append-part`: one part of a streamed append, as its coordinator sends them
// in order. Part 0 starts the prepared write; each part is answered once its rows are written
// (so the coordinator never has more than one part in flight per owner); the last part, which
// carries no rows, is answered with the prepared write's effects, like `/internal/prepare-append`.

import type { FastifyInstance } from 'fastify';
import { ShoalError } from '../../core/errors.ts';
import { REUSED_BODY, columnsFromFrame, decodeFrame } from '../../net/index.ts';
import { crashPoint } from '../crash-point.ts';
import type { StreamedPrepares } from './streamed-prepares.ts';

/** The route of one part of a streamed append. */
export const APPEND_PART_PATH = '/internal/prepare-append-part';

/** What a part's frame says besides its columns. */
export interface AppendPartMeta {
  readonly tx: string;
  readonly db: string;
  readonly table: string;
  /** The partition keys this node may write in the whole append (part 0 locks them). */
  readonly partitions: readonly string[];
  /** 0, 1, …: the parts of one append in order. */
  readonly part: number;
  readonly last: boolean;
}

/** Registers the route on a data node whose streamed appends are `streamed`. */
export function registerAppendPartRoute(app: FastifyInstance, streamed: StreamedPrepares): void {
  // A part's rows are written before it is answered: nothing views its buffer afterwards.
  app.post(APPEND_PART_PATH, REUSED_BODY, async (request) => {
    const { columns, meta } = columnsFromFrame(decodeFrame(request.body as Uint8Array));
    const part = appendPartMeta(meta);
    const prepare = part.part === 0 ? streamed.start(part.tx, part) : streamed.get(part.tx);
    if (prepare.nextPart !== part.part) {
      const error = new ShoalError(
        'TRANSACTION_ABORTED',
        `streamed append of cluster transaction ${part.tx}: part ${part.part} arrived, part ${prepare.nextPart} was expected`,
      );
      await prepare.fail(error);
      throw error;
    }
    prepare.nextPart += 1;
    if (columns.length > 0) await prepare.send({ columns: columns.map((c) => c.column) });
    if (!part.last) return { rows: 0 };
    const answer = await prepare.finish();
    crashPoint('datanode.after-prepare');
    return answer;
  });
}

/** The meta of a part frame (BAD_REQUEST when a field is missing or malformed). */
function appendPartMeta(meta: unknown): AppendPartMeta {
  const m = (meta ?? {}) as Partial<Record<keyof AppendPartMeta, unknown>>;
  const partitions = m.partitions;
  if (
    typeof m.tx !== 'string' ||
    typeof m.db !== 'string' ||
    typeof m.table !== 'string' ||
    !Array.isArray(partitions) ||
    !partitions.every((key): key is string => typeof key === 'string') ||
    typeof m.part !== 'number' ||
    !Number.isSafeInteger(m.part) ||
    m.part < 0 ||
    typeof m.last !== 'boolean'
  ) {
    throw new ShoalError(
      'BAD_REQUEST',
      'an append part needs tx, db, table, partitions (strings), part (an integer ≥ 0) and last',
    );
  }
  return {
    tx: m.tx,
    db: m.db,
    table: m.table,
    partitions,
    part: m.part,
    last: m.last,
  };
}
