// Partial aggregates (a fragment's answer) on the wire: block 0 holds the key columns (none for
// the global group), block 1 + a aggregate a's state columns. A fragment over several partitions
// answers with consecutive frames (readFrames), one partial each, in partition order.

import type { Column } from '../core/types/column.ts';
import type { PartialAggregate } from '../query/aggregate/index.ts';
import { concatBytes, decodeFrame, encodeFrame } from './wire-frame.ts';
import type { FrameContent } from './wire-frame.ts';
import { asArray, asCount, asObject, malformed } from './wire-json.ts';

/** A partial as one frame's bytes. */
export function encodePartial(partial: PartialAggregate): Uint8Array {
  return concatBytes(encodeFrame(partialToFrame(partial)));
}

/** The partial a frame of encodePartial holds; BAD_REQUEST for anything else. */
export function decodePartial(bytes: Uint8Array): PartialAggregate {
  return partialFromFrame(decodeFrame(bytes));
}

/** A partial as frame content (body + blocks). */
export function partialToFrame(partial: PartialAggregate): FrameContent {
  return {
    body: {
      kind: 'partial',
      keys: partial.keys.length,
      states: partial.states.map((s) => s.length),
    },
    blocks: [partial.keys, ...partial.states],
  };
}

/** The partial in a decoded frame; BAD_REQUEST otherwise. Merging re-checks state types. */
export function partialFromFrame(frame: FrameContent): PartialAggregate {
  const body = asObject(frame.body, 'body');
  if (body['kind'] !== 'partial')
    throw malformed('body.kind', `is ${String(body['kind'])}, expected partial`);
  const keyCount = asCount(body['keys'], 'body.keys');
  const stateCounts = asArray(body['states'], 'body.states').map((n, a) =>
    asCount(n, `body.states[${a}]`),
  );
  if (frame.blocks.length !== 1 + stateCounts.length)
    throw malformed(
      'frame',
      `has ${frame.blocks.length} blocks for ${stateCounts.length} aggregates`,
    );
  return {
    keys: block(frame, 0, keyCount),
    states: stateCounts.map((count, a) => block(frame, 1 + a, count)),
  };
}

function block(frame: FrameContent, index: number, columns: number): readonly Column[] {
  const found = frame.blocks[index] as readonly Column[];
  if (found.length !== columns)
    throw malformed(`block ${index}`, `has ${found.length} columns, the body says ${columns}`);
  return found;
}
