// tableChecksum(db, table): the order-independent content checksum of a table over the whole
// cluster — the sum of every data node's checksum of its partitions — as `rows-lane1-lane2`.
// Two clusters hold the same rows exactly when their checksums are equal.

import { ShoalError } from '../../core/errors.ts';
import type { FunctionDefinition } from '../../query/functions/registry.ts';
import { textArg } from '../../query/value-access.ts';
import { addChecksums, EMPTY_CHECKSUM, formatChecksum } from '../../storage/index.ts';
import type { ContentChecksum } from '../../storage/index.ts';
import type { PeerClient } from '../internal-peer.ts';

/** The tableChecksum command over `dataNodes`. */
export function checksumFunction(dataNodes: ReadonlyMap<string, PeerClient>): FunctionDefinition {
  return {
    kind: 'command',
    name: 'tableChecksum',
    summary: 'tableChecksum(db, table): the content checksum of a table over every data node',
    minArgs: 2,
    maxArgs: 2,
    run: async ([db, table], { position }) => {
      const request = {
        db: textArg(db, 'the database path', position),
        table: textArg(table, 'the table name', position),
      };
      const sums = await Promise.all(
        [...dataNodes.values()].map((peer) =>
          peer.json<ContentChecksum>('/internal/checksum', request),
        ),
      );
      const total = sums.reduce((a, b) => addChecksums(a, checkedSum(b)), EMPTY_CHECKSUM);
      return { kind: 'scalar', type: 'STRING', value: formatChecksum(total) };
    },
  };
}

function checkedSum(value: ContentChecksum): ContentChecksum {
  const ok = [value.rows, value.lane1, value.lane2].every((n) => Number.isSafeInteger(n));
  if (!ok) throw new ShoalError('BAD_REQUEST', 'a data node sent a malformed checksum');
  return value;
}
