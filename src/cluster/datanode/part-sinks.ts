// Where a coordinator sends one owner's parts of a streamed append: its own streamed prepare
// in process, or another data node's through `/internal/prepare-append-part`.

import type { Column } from '../../core/types/column.ts';
import { columnsToFrame, encodeFrame } from '../../net/index.ts';
import type { AppendChunk } from '../../storage/index.ts';
import type { PeerClient } from '../internal-peer.ts';
import { APPEND_PART_PATH } from './append-part-route.ts';
import type { AppendPartMeta } from './append-part-route.ts';
import type { PreparedAnswer } from './participant-routes.ts';
import type { StreamedAppendTarget, StreamedPrepares } from './streamed-prepares.ts';

/** One owner's side of a streamed append: parts in order, then the prepared write's answer. */
export interface PartSink {
  /** Writes one part; resolves once the owner wrote it. One at a time. */
  send(chunk: AppendChunk): Promise<void>;
  /** No more parts: the owner's prepared write, durable, as its answer. */
  finish(): Promise<PreparedAnswer>;
  /** Gives the owner's write up (the coordinator's discard tells remote owners). */
  fail(error: Error): void;
}

/** The sink of this node's own share: a streamed prepare in process, nothing encoded. */
export function localPartSink(
  streamed: StreamedPrepares,
  tx: string,
  target: StreamedAppendTarget,
): PartSink {
  const prepare = streamed.start(tx, target);
  return {
    send: (chunk) => prepare.send(chunk),
    finish: () => prepare.finish(),
    fail: (error) => void prepare.fail(error),
  };
}

/** The sink of another owner's share: each part a frame posted to it, in order. */
export function remotePartSink(
  peer: PeerClient,
  tx: string,
  target: StreamedAppendTarget,
): PartSink {
  let part = 0;
  const post = async (columns: readonly Column[], last: boolean): Promise<Uint8Array> => {
    const { db, table } = target;
    const partitions = [...target.partitions];
    const meta = { tx, db, table, partitions, part, last } satisfies AppendPartMeta;
    part += 1;
    const frame = columnsToFrame(
      columns.map((column, i) => ({ name: `c${i}`, column })),
      meta,
    );
    // Sent as the frame's chunks: the Arrow bytes view the columns, nothing is copied.
    return peer.binary(APPEND_PART_PATH, encodeFrame(frame));
  };
  return {
    send: async (chunk) => {
      await post(chunk.columns, false);
    },
    finish: async () =>
      JSON.parse(new TextDecoder().decode(await post([], true))) as PreparedAnswer,
    fail: () => undefined,
  };
}
