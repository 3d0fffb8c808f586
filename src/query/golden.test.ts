// Proves every statement form of the dialect prints what was worked out by hand from the data:
// each golden/*.sql file runs its setup on a fresh store, then its cases in order (one `it` each).

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempStore } from '../storage/test-support.ts';
import type { GoldenCase } from './golden/golden-file.ts';
import { parseGoldenFile } from './golden/golden-file.ts';
import { describeOutcome, runGoldenCase } from './golden/golden-run.ts';
import type { GoldenOutcome } from './golden/golden-run.ts';
import { QuerySession } from './session.ts';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

const FILES = readdirSync(GOLDEN_DIR)
  .filter((name) => name.endsWith('.sql'))
  .sort();

/** Fails unless `outcome` is what `golden` expects. */
function checkOutcome(golden: GoldenCase, outcome: GoldenOutcome): void {
  const expected = golden.expectation;
  if (expected.kind === 'output') {
    if (outcome.kind === 'error') expect.fail(`expected output, got ${describeOutcome(outcome)}`);
    expect(outcome.text).toBe(expected.lines.join('\n'));
    return;
  }
  if (outcome.kind === 'output') {
    expect.fail(`expected error ${expected.code}, got ${describeOutcome(outcome)}`);
  }
  expect(outcome.error.code, outcome.error.message).toBe(expected.code);
  for (const fragment of expected.fragments) expect(outcome.error.message).toContain(fragment);
}

it('finds the golden case files', () => {
  expect(FILES.length).toBeGreaterThan(0);
});

for (const fileName of FILES) {
  const file = parseGoldenFile(readFileSync(path.join(GOLDEN_DIR, fileName), 'utf8'), fileName);

  describe(fileName, () => {
    let store: Awaited<ReturnType<typeof tempStore>> | undefined;
    let session: QuerySession | undefined;

    beforeAll(async () => {
      store = await tempStore();
      session = new QuerySession(store.store);
      await session.run(file.setup);
    });

    afterAll(async () => {
      await store?.cleanup();
    });

    for (const golden of file.cases) {
      // A known engine bug is an expected failure: the day it is fixed, the case says so.
      const test = golden.bug === null ? it : it.fails;
      test(golden.name, async () => {
        if (session === undefined) throw new Error('the setup did not run');
        checkOutcome(golden, await runGoldenCase(session, golden.statements));
      });
    }
  });
}
