// `npm run bench`: runs every benchmark and prints one JSON document with the machine's
// description. Figures are compared as ratios within one run, never against fixed times.

import { describeMachine } from './machine.ts';
import { benchClusterAppend } from './cluster-append.bench.ts';
import { benchQueries } from './query.bench.ts';
import { benchStorageAppend } from './storage-append.bench.ts';

const results = {
  machine: describeMachine(),
  startedAt: new Date().toISOString(),
  storageAppend: await benchStorageAppend(),
  query: await benchQueries(),
  clusterAppend: await benchClusterAppend(),
};
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
