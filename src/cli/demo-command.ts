// `shoal demo`: the seed tutorial on what Shoal has today — one embedded store. It creates
// dfs://testDB (VALUE over 2023's dates) and testTB, appends the 1,210,000 one-minute bars in
// one transaction, reopens the store from disk, and checks row count and content checksum.
// Master/slave clusters and replication (SPEC §9) are later issues; the output says so.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ShoalError } from '../core/errors.ts';
import {
  append,
  createDatabase,
  createPartitionedTable,
  formatChecksum,
  Store,
} from '../storage/index.ts';
import { checksumColumns } from '../storage/content-checksum.ts';
import {
  TUTORIAL_BARS_PER_STOCK,
  TUTORIAL_DB,
  TUTORIAL_SCHEMA,
  TUTORIAL_TABLE,
  tutorialColumns,
  tutorialSchemeValues,
} from './tutorial-data.ts';

export interface DemoOptions {
  readonly stocks: number;
  readonly out: NodeJS.WritableStream;
}

/** Runs the demo in a temp folder it always removes; throws if the check fails. */
export async function runDemo({ stocks, out }: DemoOptions): Promise<void> {
  if (!Number.isInteger(stocks) || stocks < 1 || stocks > 100_000) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `--stocks must be an integer from 1 to 100000, not ${stocks}`,
    );
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-demo-'));
  const say = (line: string) => out.write(`${line}\n`);
  try {
    say(`Shoal demo in ${dir}`);
    say(
      'This demo runs the tutorial on one embedded store; replication between a master and a slave cluster is set up with `shoal cluster init --mode master|slave` (docs/replication.md).',
    );
    let store = await Store.open({ dir });
    await createDatabase(store, TUTORIAL_DB, {
      kind: 'VALUE',
      type: 'DATE',
      values: tutorialSchemeValues(),
    });
    await createPartitionedTable(store, TUTORIAL_DB, TUTORIAL_TABLE, TUTORIAL_SCHEMA, ['DateTime']);
    const columns = tutorialColumns(1, stocks);
    const expected = formatChecksum(checksumColumns(columns));
    const start = performance.now();
    const effects = await append(store, TUTORIAL_DB, TUTORIAL_TABLE, columns);
    const millis = performance.now() - start;
    say(
      `appended ${effects.rowsWritten} rows in ${millis.toFixed(0)} ms (transaction ${effects.txId})`,
    );
    await store.close();
    store = await Store.open({ dir });
    const snapshot = store.snapshot();
    const rows = snapshot.rowCount(TUTORIAL_DB, TUTORIAL_TABLE);
    const actual = formatChecksum((await snapshot.checksum(TUTORIAL_DB, TUTORIAL_TABLE)).table);
    snapshot.release();
    await store.close();
    say(`after reopening: ${rows} rows, checksum ${actual}`);
    if (rows !== stocks * TUTORIAL_BARS_PER_STOCK || actual !== expected) {
      throw new ShoalError(
        'CORRUPT_DATA',
        `the store read back ${actual}; the rows written checksum to ${expected}`,
      );
    }
    say('check passed: the rows read back from disk are the rows written');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
