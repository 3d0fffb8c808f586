// `npm run bench`: runs every benchmark and prints one JSON document with the machine's
// description. Figures are compared as ratios within one run, never against fixed times.

import { describeMachine } from './machine.ts';
import { benchClusterAppend } from './cluster-append.bench.ts';
import { benchQueries } from './query.bench.ts';
import { benchStorageAppend } from './storage-append.bench.ts';

import { benchReplication } from './replication.bench.ts';
import { benchBacklog } from './backlog.bench.ts';
import { benchCompaction } from './compaction.bench.ts';

// `npm run bench -- replication clusterAppend` runs only the benchmarks named.
const BENCHES: Readonly<Record<string, () => Promise<unknown>>> = {
  storageAppend: benchStorageAppend,
  query: benchQueries,
  clusterAppend: benchClusterAppend,
  compaction: benchCompaction,
  replication: benchReplication,
  backlog: benchBacklog,
};
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  throw new Error(
    `no benchmark ${unknown.join(', ')}; there are ${Object.keys(BENCHES).join(', ')}`,
  );
}
const results: Record<string, unknown> = {
  machine: describeMachine(),
  startedAt: new Date().toISOString(),
};
for (const [name, run] of Object.entries(BENCHES)) {
  if (wanted.length === 0 || wanted.includes(name)) results[name] = await run();
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
