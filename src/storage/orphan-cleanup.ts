// At open, the catalog is the truth: any file or folder under data/ that neither the
// committed catalog nor a prepared write's entry names was left by a transaction that never
// committed or prepared (or by a removal a crash interrupted), and is removed. A file either
// names but the disk lacks is corruption, reported at once rather than at the first read.

import * as path from 'node:path';
import { ShoalError } from '../core/errors.ts';
import type { CatalogState } from './catalog.ts';
import { asDiskError } from './durable-write.ts';
import type { StorageFs } from './storage-fs.ts';
import { DATA_DIR, SEGMENT_SUFFIX, segmentPath } from './store-paths.ts';

/**
 * Removes every file under `<root>/data` that neither `state` nor `prepared` (file → its
 * cluster transaction) names; throws CORRUPT_DATA for a named file that is missing.
 */
export async function removeOrphans(
  fs: StorageFs,
  root: string,
  state: CatalogState,
  prepared: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const expected = new Set<string>(prepared.keys());
  for (const db of state.databases.values()) {
    for (const table of db.tables.values()) {
      for (const partition of table.partitions.values()) {
        for (const segment of partition.segments) {
          expected.add(segmentPath(root, db.meta.id, table.meta.id, partition.key, segment.id));
        }
      }
    }
  }
  const found = new Set<string>();
  try {
    await sweep(fs, path.join(root, DATA_DIR), expected, found);
  } catch (error) {
    throw asDiskError(error, `removing orphan files under ${root}`);
  }
  for (const file of expected) {
    if (found.has(file)) continue;
    const transaction = prepared.get(file);
    throw new ShoalError(
      'CORRUPT_DATA',
      transaction === undefined
        ? `segment file ${file} named by the catalog is missing: restore it from a replica or a backup`
        : `segment file ${file} of the write prepared under cluster transaction ${transaction} is missing: restore the node from a replica or a backup`,
    );
  }
}

/** Walks `dir`, removing what is not expected; returns whether anything expected remains. */
async function sweep(
  fs: StorageFs,
  dir: string,
  expected: Set<string>,
  found: Set<string>,
): Promise<boolean> {
  let keep = false;
  for (const entry of await fs.list(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.isDir) {
      if (await sweep(fs, full, expected, found)) keep = true;
      else await fs.removeTree(full);
    } else if (entry.name.endsWith(SEGMENT_SUFFIX) && expected.has(full)) {
      found.add(full);
      keep = true;
    } else {
      await fs.unlink(full);
    }
  }
  return keep;
}
