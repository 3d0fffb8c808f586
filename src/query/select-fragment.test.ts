// The distributed shape of a query: running one fragment per partition (in any order) and
// merging gives the same answer as one fragment over the whole table.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempStore } from '../storage/test-support.ts';
import type { Store } from '../storage/index.ts';
import { parseStatement } from './parser.ts';
import { finishSelect, planQuery, runSelect } from './run-select.ts';
import { runFragment } from './select-fragment.ts';
import type { Fragment } from './select-fragment.ts';
import { QuerySession } from './session.ts';
import { defaultRegistry } from './functions/default-registry.ts';
import { readingContext } from './statement-context.ts';
import type { StatementContext } from './statement-context.ts';
import { valueToJson } from './value-json.ts';

const T = 'loadTable("dfs://f", "t")';
let handle: Awaited<ReturnType<typeof tempStore>>;

beforeAll(async () => {
  handle = await tempStore();
  const session = new QuerySession(handle.store);
  await session.run(`
    create database "dfs://f" partitioned by VALUE(2023.01.01..2023.01.04)
    create table "dfs://f"."t"(sym SYMBOL, d DATE, px DOUBLE, qty INT) partitioned by d
    insert into ${T} values (\`A, 2023.01.01, 1.5, 10), (\`B, 2023.01.01, 2.5, 20), (\`A, 2023.01.02, 3.0, 30)
    insert into ${T} values (\`C, 2023.01.03, NULL, 40), (\`B, 2023.01.04, 5.0, NULL), (\`A, 2023.01.04, 6.0, 60)
    insert into ${T} values (\`B, 2023.01.02, 7.0, 70)
  `);
});

afterAll(async () => handle.cleanup());

/** Runs `text` as one fragment per partition, fragments in reverse, and merges. */
async function perPartition(store: Store, text: string): Promise<unknown> {
  const statement = parseStatement(text);
  if (statement.kind !== 'select' || statement.from === null) throw new Error('a query');
  const snapshot = store.snapshot();
  const context: StatementContext = readingContext(store, snapshot, defaultRegistry());
  try {
    const { source, plan, partitions } = planQuery(statement, statement.from, context);
    const keys = partitions ?? [...source.table.partitions.keys()];
    const fragments: Fragment[] = [];
    for (const key of [...keys].reverse()) {
      fragments.push(await runFragment(statement, plan, source, [key], context));
    }
    return valueToJson(finishSelect(statement, plan, source, fragments, context));
  } finally {
    snapshot.release();
  }
}

async function whole(store: Store, text: string): Promise<unknown> {
  const statement = parseStatement(text);
  if (statement.kind !== 'select') throw new Error('a query');
  const snapshot = store.snapshot();
  try {
    return valueToJson(
      await runSelect(statement, readingContext(store, snapshot, defaultRegistry())),
    );
  } finally {
    snapshot.release();
  }
}

describe('query fragments', () => {
  const queries = [
    `select sym, sum(qty), avg(px), first(px), last(qty), count(*), nunique(d), std(px) from ${T} group by sym order by sym`,
    `select count(*), min(px), max(qty), first(sym), last(sym) from ${T}`,
    `select * from ${T} where qty > 15 order by qty desc`,
    `select sym, d from ${T} where d >= 2023.01.02 order by d, sym limit 1, 2`,
    `select sum(qty) as total from ${T} where d = 2023.01.09`,
    `select sym, count(*) as n from ${T} group by sym having count(*) > 2 order by n desc`,
  ];
  for (const query of queries) {
    it(`merges partition fragments like one scan: ${query}`, async () => {
      const expected = await whole(handle.store, query);
      expect(await perPartition(handle.store, query)).toEqual(expected);
    });
  }

  it('answers the first/last query from the partition order, not the fragment order', async () => {
    expect(await whole(handle.store, `select first(qty), last(qty) from ${T}`)).toEqual([
      { first_qty: 10, last_qty: 60 },
    ]);
  });
});
