// The embedded store the benchmarks append the tutorial's rows to, made the same way by each.

import { TUTORIAL_DB, TUTORIAL_SCHEMA, tutorialSchemeValues } from '../src/cli/tutorial-data.ts';
import { createDatabase, createPartitionedTable } from '../src/storage/index.ts';
import type { Store } from '../src/storage/index.ts';

/** Creates the tutorial's database in `store` and in it an empty table per name of `tables`. */
export async function createTutorialTables(store: Store, tables: readonly string[]): Promise<void> {
  await createDatabase(store, TUTORIAL_DB, {
    kind: 'VALUE',
    type: 'DATE',
    values: tutorialSchemeValues(),
  });
  for (const table of tables) {
    await createPartitionedTable(store, TUTORIAL_DB, table, TUTORIAL_SCHEMA, ['DateTime']);
  }
}
