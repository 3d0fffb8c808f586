// `npm run bench`: runs every benchmark and prints one JSON document with the machine's
// description. Figures are compared as ratios within one run, never against fixed times.

import { describeMachine } from './machine.ts';
import { benchStorageAppend } from './storage-append.bench.ts';

const results = {
  machine: describeMachine(),
  startedAt: new Date().toISOString(),
  storageAppend: await benchStorageAppend(),
};
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
