// Query fragments on the wire: a row fragment is one columns frame; a partial-aggregate
// fragment is one frame per partition, each carrying its partition key.

import { ShoalError } from '../../core/errors.ts';
import {
  columnsFromFrame,
  columnsToFrame,
  concatBytes,
  encodeFrame,
  partialFromFrame,
  partialToFrame,
  readFrames,
} from '../../net/index.ts';
import type { FrameContent } from '../../net/index.ts';
import type { Fragment } from '../../query/select-fragment.ts';

const MAX_FRAGMENT_FRAME_BYTES = 1 << 30;

/** A fragment as frame bytes. */
export function encodeFragment(fragment: Fragment): Uint8Array {
  if (fragment.kind === 'rows') {
    const columns = fragment.columns.map((column, i) => ({ name: `c${i}`, column }));
    return concatBytes(encodeFrame(columnsToFrame(columns, { kind: 'rows', rows: fragment.rows })));
  }
  const frames: Uint8Array[] = [];
  for (const { partition, partial } of fragment.partials) {
    const frame = partialToFrame(partial);
    frames.push(...encodeFrame({ ...frame, body: { ...(frame.body as object), partition } }));
  }
  if (frames.length === 0)
    frames.push(...encodeFrame({ body: { kind: 'no-partials' }, blocks: [] }));
  return concatBytes(frames);
}

/** The fragment encodeFragment wrote. */
export async function decodeFragment(bytes: Uint8Array): Promise<Fragment> {
  const frames: FrameContent[] = [];
  for await (const frame of readFrames(once(bytes), MAX_FRAGMENT_FRAME_BYTES)) frames.push(frame);
  const [first] = frames;
  const kind = (first?.body as { kind?: unknown } | undefined)?.kind;
  if (kind === 'no-partials') return { kind: 'partials', partials: [] };
  if (kind === 'partial') {
    return {
      kind: 'partials',
      partials: frames.map((frame) => ({
        partition: String((frame.body as { partition?: unknown }).partition),
        partial: partialFromFrame(frame),
      })),
    };
  }
  if (first === undefined) throw new ShoalError('BAD_REQUEST', 'an empty query fragment');
  const { columns, meta } = columnsFromFrame(first);
  const rows = (meta as { rows?: unknown } | null)?.rows;
  return {
    kind: 'rows',
    columns: columns.map((c) => c.column),
    rows: typeof rows === 'number' ? rows : 0,
  };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
