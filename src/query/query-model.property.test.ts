// Proves random select queries give what a row-at-a-time reference model (sim/query-model.ts)
// says: fast-check draws data, a partitioning and query text; engine and model must agree.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShoalError, isShoalError } from '../core/errors.ts';
import { partitionKeyOf, partitionKeys } from '../core/partition/index.ts';
import type { PartitionScheme } from '../core/partition/index.ts';
import { nullOf } from '../core/types/column-type.ts';
import type { CellValue } from '../core/types/column-type.ts';
import { columnFromValues, columnValues } from '../core/types/column-ops.ts';
import * as model from '../../sim/query-model.ts';
import type {
  ModelCell,
  ModelResult,
  ModelRow,
  ModelTable,
  ModelType,
} from '../../sim/query-model.ts';
import { append } from '../storage/index.ts';
import type { Store } from '../storage/index.ts';
import { tempStore } from '../storage/test-support.ts';
import { parseStatement } from './parser.ts';
import { QuerySession } from './session.ts';
import type { Value } from './value.ts';

const DB = 'dfs://prop';
const TABLE = `"${DB}"."t"`;
const DAY0 = 19358; // 2023.01.01
const DATES = ['2023.01.01', '2023.01.02', '2023.01.03', '2023.01.04', '2023.01.05'];
const SCHEMA: ModelTable['columns'] = [
  { name: 'id', type: 'INT' },
  { name: 'g', type: 'SYMBOL' },
  { name: 'd', type: 'DATE' },
  { name: 'x', type: 'DOUBLE' },
  { name: 'n', type: 'INT' },
];

/** A partitioning on d: its DDL text and the scheme it makes (for the scan order). */
interface Partitioning {
  readonly text: string;
  readonly scheme: PartitionScheme;
}

const DAYS = DATES.map((_, i) => DAY0 + i);
const PARTITIONINGS: readonly Partitioning[] = [
  { text: 'VALUE(2023.01.01..2023.01.05)', scheme: { kind: 'VALUE', type: 'DATE', values: DAYS } },
  {
    text: 'RANGE([2023.01.01, 2023.01.03, 2023.01.06])',
    scheme: { kind: 'RANGE', type: 'DATE', boundaries: [DAY0, DAY0 + 2, DAY0 + 5] },
  },
  { text: 'HASH([DATE, 3])', scheme: { kind: 'HASH', type: 'DATE', buckets: 3 } },
];

// ---- data --------------------------------------------------------------------------------

/** One row as drawn: d is a day offset from DAY0. */
interface RowSpec {
  readonly id: number;
  readonly g: string | null;
  readonly day: number;
  readonly x: number | null;
  readonly n: number | null;
}

/** One write: rows through storage append, or through an SQL insert statement. */
interface Batch {
  readonly method: 'append' | 'insert';
  readonly rows: readonly RowSpec[];
}

const rowSpec: fc.Arbitrary<RowSpec> = fc.record({
  id: fc.integer({ min: 0, max: 40 }),
  g: fc.constantFrom('A', 'B', 'C', 'AB', 'ba', null),
  day: fc.integer({ min: 0, max: DATES.length - 1 }),
  // Halves keep sums exact, so only std/var and divisions differ by rounding.
  x: fc.option(
    fc.integer({ min: -40, max: 40 }).map((k) => k / 2),
    { freq: 5 },
  ),
  n: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -5, max: 5 }) },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(2147483647, -2147483647) },
  ),
});

const batch: fc.Arbitrary<Batch> = fc.record({
  method: fc.constantFrom('append' as const, 'insert' as const),
  rows: fc.array(rowSpec, { minLength: 1, maxLength: 20 }),
});

/** One to four writes, now and then none (an empty table). */
const batches: fc.Arbitrary<Batch[]> = fc.oneof(
  { weight: 12, arbitrary: fc.array(batch, { minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constant<Batch[]>([]) },
);

function modelRow(r: RowSpec): ModelRow {
  return { id: r.id, g: r.g, d: DAY0 + r.day, x: r.x, n: r.n };
}

/**
 * The model's table in the engine's documented scan order: partitions in scheme order, rows in
 * write order within each (so first/last are determined whatever the grouping).
 */
function modelTable(written: readonly Batch[], scheme: PartitionScheme): ModelTable {
  const order = partitionKeys(scheme);
  const rank = (row: ModelRow): number =>
    order.indexOf(partitionKeyOf(scheme, [row['d'] as number], ['DATE']) ?? '');
  const rows = written.flatMap((b) => b.rows.map(modelRow));
  return {
    columns: SCHEMA,
    rows: rows
      .map((row, i) => ({ row, i, rank: rank(row) }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .map((r) => r.row),
  };
}

async function createTable(session: QuerySession, scheme: string): Promise<void> {
  await session.run(
    `create database "${DB}" partitioned by ${scheme}\n` +
      `create table ${TABLE}(id INT, g SYMBOL, d DATE, x DOUBLE, n INT) partitioned by d`,
  );
}

async function write(store: Store, session: QuerySession, batch: Batch): Promise<void> {
  if (batch.method === 'insert') {
    await session.run(`insert into ${TABLE} values ${batch.rows.map(insertTuple).join(', ')}`);
    return;
  }
  const cells = (f: (r: RowSpec) => CellValue): CellValue[] => batch.rows.map(f);
  await append(store, DB, 't', [
    columnFromValues(
      'INT',
      cells((r) => r.id),
    ),
    columnFromValues(
      'SYMBOL',
      cells((r) => r.g ?? nullOf('SYMBOL')),
    ),
    columnFromValues(
      'DATE',
      cells((r) => DAY0 + r.day),
    ),
    columnFromValues(
      'DOUBLE',
      cells((r) => r.x ?? nullOf('DOUBLE')),
    ),
    columnFromValues(
      'INT',
      cells((r) => r.n ?? nullOf('INT')),
    ),
  ]);
}

/** A row as SQL values. A null symbol is "" (NULL into a SYMBOL column is a known bug). */
function insertTuple(r: RowSpec): string {
  const g = r.g === null ? '""' : `\`${r.g}`;
  const x = r.x === null ? '00F' : String(r.x);
  const n = r.n === null ? 'NULL' : String(r.n);
  return `(${r.id}, ${g}, ${DATES[r.day] ?? ''}, ${x}, ${n})`;
}

// ---- queries -----------------------------------------------------------------------------

const CMP = fc.constantFrom('==', '!=', '<', '<=', '>', '>=');
const intLiteral = fc.integer({ min: -3, max: 5 }).map(String);
const doubleLiteral = fc.integer({ min: -8, max: 8 }).map((k) => (k / 2).toFixed(1));
const dateLiteral = fc.constantFrom(...DATES, '2023.01.06');
const textLiteral = fc.constantFrom('"A"', '`B', '"AB"', '`C', '"b"', '""');
const likePattern = fc.constantFrom('"A%"', '"%B"', '"_"', '"%"', '"__"', '"%a"', '"A"', '""');

/** A numeric expression over x, n, id and literals, `depth` operators deep at most. */
function numeric(depth: number): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('x', 'n', 'id') },
    { weight: 1, arbitrary: intLiteral },
    { weight: 1, arbitrary: doubleLiteral },
  );
  if (depth === 0) return leaf;
  const inner = numeric(depth - 1);
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    {
      weight: 2,
      arbitrary: fc
        .tuple(inner, fc.constantFrom('+', '-', '*', '/', '%'), inner)
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
    },
    { weight: 1, arbitrary: inner.map((a) => `-(${a})`) },
  );
}

/** A BOOL condition over the row: comparisons, in, between, like, null tests, and/or/not. */
function predicate(depth: number): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    fc.tuple(numeric(1), CMP, numeric(1)).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(CMP, textLiteral).map(([op, t]) => `g ${op} ${t}`),
    fc.tuple(CMP, dateLiteral).map(([op, t]) => `d ${op} ${t}`),
    fc
      .tuple(
        fc.constantFrom('x', 'n', 'id'),
        not('in'),
        fc.array(intLiteral, { minLength: 1, maxLength: 3 }),
      )
      .map(([c, word, list]) => `${c} ${word} [${list.join(', ')}]`),
    fc
      .tuple(not('in'), fc.constantFrom('`A`B', '`C', '["A", "ba"]'))
      .map(([w, l]) => `g ${w} ${l}`),
    fc
      .tuple(not('in'), fc.array(dateLiteral, { minLength: 1, maxLength: 3 }))
      .map(([w, l]) => `d ${w} [${l.join(', ')}]`),
    fc
      .tuple(numeric(0), not('between'), intLiteral, doubleLiteral)
      .map(([a, w, lo, hi]) => `${a} ${w} ${lo} and ${hi}`),
    fc.tuple(dateLiteral, dateLiteral).map(([lo, hi]) => `d between ${lo} and ${hi}`),
    fc.tuple(not('like'), likePattern).map(([w, p]) => `g ${w} ${p}`),
    fc
      .tuple(fc.constantFrom('x', 'n', 'g'), fc.constantFrom('is null', 'is not null'))
      .map(([c, t]) => `${c} ${t}`),
    fc.constantFrom('isNull(x)', 'isValid(n)'),
  );
  if (depth === 0) return leaf;
  const inner = predicate(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    {
      weight: 2,
      arbitrary: fc
        .tuple(inner, fc.constantFrom('and', 'or'), inner)
        .map(([a, op, b]) => `(${a}) ${op} (${b})`),
    },
    { weight: 1, arbitrary: inner.map((a) => `not (${a})`) },
  );
}

function not(word: string): fc.Arbitrary<string> {
  return fc.constantFrom(word, `not ${word}`);
}

/** Aggregates with numeric results. std/var only here (never compared against literals). */
const numericAggregate: fc.Arbitrary<string> = fc.oneof(
  fc.constant('count(*)'),
  fc
    .tuple(
      fc.constantFrom('sum', 'avg', 'min', 'max', 'count', 'nunique', 'std', 'var'),
      numeric(1),
    )
    .map(([f, a]) => `${f}(${a})`),
  fc.constantFrom('count(g)', 'nunique(g)', 'nunique(d)', 'max(d) - min(d)'),
);

/** Aggregates over exact inputs only, for HAVING thresholds (no rounding near a literal). */
const exactAggregate = fc.constantFrom(
  'count(*)',
  'sum(x)',
  'avg(x)',
  'sum(n)',
  'max(n)',
  'min(x)',
  'count(x)',
  'nunique(g)',
  'avg(n)',
);

/** A select-list entry of a grouped query. */
const aggregateItem: fc.Arbitrary<string> = (() => {
  const plain = fc.oneof(
    { weight: 4, arbitrary: numericAggregate },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          numericAggregate,
          fc.constantFrom('+', '-', '*', '/'),
          fc.oneof(numericAggregate, intLiteral),
        )
        .map(([a, op, b]) => `${a} ${op} ${b}`),
    },
    { weight: 1, arbitrary: fc.constantFrom('min(g)', 'max(g)', 'min(d)', 'max(d)') },
  );
  const firstLast = fc
    .tuple(fc.constantFrom('first', 'last'), fc.oneof(numeric(1), fc.constantFrom('g', 'd')))
    .map(([f, a]) => `${f}(${a})`);
  return fc.oneof({ weight: 3, arbitrary: plain }, { weight: 1, arbitrary: firstLast });
})();

const rowItem: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: numeric(2) },
  { weight: 1, arbitrary: fc.constantFrom('g', 'd', 'd + n', 'd - 1') },
  { weight: 1, arbitrary: predicate(1) },
);

/** A select entry the engine must reject, and the query kinds it is alone wrong in. */
const badItem = fc.constantFrom(
  { text: 'zz', fits: 'both' },
  { text: '"a" + 1', fits: 'both' },
  { text: 'g + 1', fits: 'plain' },
  { text: 'd * 2', fits: 'plain' },
  { text: 'x > g', fits: 'plain' },
  { text: 'not g', fits: 'plain' },
  { text: 'sum(g)', fits: 'grouped' },
  { text: 'avg(d)', fits: 'grouped' },
);

/** Items with optional `as cN` aliases (never a table column's name). */
function withAliases(items: readonly string[], aliased: readonly boolean[]): string[] {
  return items.map((item, i) => (aliased[i] === true ? `${item} as c${i}` : item));
}

const limit = fc.oneof(
  fc.integer({ min: 0, max: 8 }).map((k) => ({ top: null, limit: `limit ${k}` })),
  fc
    .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 8 }))
    .map(([o, k]) => ({ top: null, limit: `limit ${o}, ${k}` })),
  fc.integer({ min: 1, max: 5 }).map((k) => ({ top: `top ${k}`, limit: '' })),
);

/** The parts of a query before ORDER BY, whose names the order keys need. */
interface QueryHead {
  readonly distinct: boolean;
  readonly items: readonly string[];
  readonly where: string | null;
  readonly groupBy: readonly string[];
  readonly having: string | null;
  readonly window: { readonly top: string | null; readonly limit: string } | null;
  readonly descending: readonly boolean[];
}

const plainHead: fc.Arbitrary<QueryHead> = fc
  .record({
    distinct: fc.boolean(),
    star: fc.integer({ min: 0, max: 9 }),
    items: fc.array(rowItem, { minLength: 1, maxLength: 4 }),
    aliased: fc.array(fc.boolean(), { maxLength: 4 }),
    where: fc.option(predicate(2), { freq: 3 }),
    window: fc.option(limit, { freq: 2 }),
    descending: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
  })
  .map((r) => ({
    distinct: r.distinct && r.star > 3,
    items: r.star === 0 ? ['*'] : withAliases(r.items, r.aliased),
    where: r.where,
    groupBy: [],
    having: null,
    window: r.window,
    descending: r.descending,
  }));

const groupedHead: fc.Arbitrary<QueryHead> = fc
  .record({
    keys: fc.subarray(['g', 'd', 'n'], { maxLength: 2 }),
    pinned: fc.option(fc.constantFrom(...DATES), { freq: 3 }),
    where: fc.option(predicate(1), { freq: 2 }),
    aliased: fc.array(fc.boolean(), { maxLength: 6 }),
    having: fc.option(
      fc.oneof(
        fc.tuple(exactAggregate, CMP, fc.oneof(intLiteral, doubleLiteral)).map((p) => p.join(' ')),
        fc
          .tuple(
            exactAggregate,
            CMP,
            intLiteral,
            fc.constantFrom('and', 'or'),
            exactAggregate,
            CMP,
            intLiteral,
          )
          .map(([a, o1, l1, j, b, o2, l2]) => `${a} ${o1} ${l1} ${j} ${b} ${o2} ${l2}`),
      ),
      { freq: 3 },
    ),
    distinct: fc.boolean(),
    window: fc.option(limit, { freq: 2 }),
    descending: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    aggregates: fc.array(aggregateItem, { minLength: 1, maxLength: 4 }),
  })
  .map((r) => ({
    distinct: r.distinct,
    // Keys lead the list (and so the order), so ties never leave order to rounding.
    items: withAliases([...r.keys, ...r.aggregates], r.aliased),
    // A pinned date reads one partition (pruning) under the aggregation.
    where:
      r.pinned === null
        ? r.where
        : r.where === null
          ? `d = ${r.pinned}`
          : `d = ${r.pinned} and (${r.where})`,
    groupBy: r.keys,
    having: r.having,
    window: r.window,
    descending: r.descending,
  }));

/** A query head with one rejected entry put in its select list. */
const badHead: fc.Arbitrary<QueryHead> = fc
  .tuple(fc.oneof(plainHead, groupedHead), badItem, fc.nat())
  .filter(([head, bad]) => bad.fits === 'both' || bad.fits === kindOf(head))
  .map(([head, bad, at]) => {
    const items = [...head.items];
    items.splice(at % (items.length + 1), 0, bad.text);
    return { ...head, items };
  });

/** Plain (row-wise) or grouped: grouped heads always have an aggregate or a key. */
function kindOf(head: QueryHead): 'plain' | 'grouped' {
  return head.groupBy.length > 0 ||
    head.items.some((i) => /\b(count|sum|avg|min|max|std|var|nunique|first|last)\(/.test(i))
    ? 'grouped'
    : 'plain';
}

/** The query text: ORDER BY names every result column (from the model's naming). */
function queryText(head: QueryHead): string {
  const select = [
    'select',
    head.distinct ? 'distinct' : '',
    head.window?.top ?? '',
    head.items.join(', '),
    `from ${TABLE}`,
    head.where === null ? '' : `where ${head.where}`,
    head.groupBy.length === 0 ? '' : `group by ${head.groupBy.join(', ')}`,
    head.having === null ? '' : `having ${head.having}`,
  ]
    .filter((part) => part !== '')
    .join(' ');
  const names = model.outputNames(parseStatement(select), SCHEMA);
  const order = names.map((name, i) => (head.descending[i] === true ? `${name} desc` : name));
  return `${select} order by ${order.join(', ')} ${head.window?.limit ?? ''}`.trim();
}

const query: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 5, arbitrary: plainHead },
    { weight: 5, arbitrary: groupedHead },
    { weight: 1, arbitrary: badHead },
  )
  .map(queryText);

// ---- comparison --------------------------------------------------------------------------

/** The engine's select result in the model's form. */
function engineResult(value: Value | undefined): ModelResult {
  if (value?.kind !== 'table') throw new Error(`a select returned ${value?.kind ?? 'nothing'}`);
  const { names, columns } = value.table;
  const types = columns.map((c) => model.modelType(c.type));
  const cells = columns.map((c) => columnValues(c).map((v) => model.fromPhysical(c.type, v)));
  const count = cells[0]?.length ?? 0;
  const rows = Array.from({ length: count }, (_, r) => cells.map((column) => column[r] ?? null));
  return { names, types, rows };
}

/** Equal cells; doubles within 1e-9 relative (absolute near zero). */
function sameCell(type: ModelType, a: ModelCell, b: ModelCell): boolean {
  if (type !== 'DOUBLE' || typeof a !== 'number' || typeof b !== 'number') return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function show(result: ModelResult): string {
  const cell = (c: ModelCell) =>
    c === null ? 'null' : typeof c === 'bigint' ? `${c}n` : String(c);
  return [
    result.names.map((n, i) => `${n}:${result.types[i] ?? '?'}`).join(' '),
    ...result.rows.map((r) => r.map(cell).join(' ')),
  ].join('\n');
}

/** Throws, naming the query and both results, unless engine and model agree. */
function checkSame(text: string, engine: ModelResult, expected: ModelResult): void {
  const same =
    engine.names.join() === expected.names.join() &&
    engine.types.join() === expected.types.join() &&
    engine.rows.length === expected.rows.length &&
    engine.rows.every((row, r) =>
      row.every((cell, c) =>
        sameCell(expected.types[c] ?? 'INT', cell, expected.rows[r]?.[c] ?? null),
      ),
    );
  if (!same) {
    expect.fail(`${text}\n-- engine:\n${show(engine)}\n-- model:\n${show(expected)}`);
  }
}

type Outcome = { kind: 'result'; result: ModelResult } | { kind: 'error'; error: ShoalError };

/** Runs `f`; a ShoalError is an outcome, anything else a test failure. */
async function outcome(f: () => Promise<ModelResult> | ModelResult): Promise<Outcome> {
  try {
    return { kind: 'result', result: await f() };
  } catch (error) {
    if (error instanceof ShoalError) return { kind: 'error', error };
    throw error;
  }
}

async function checkQuery(session: QuerySession, table: ModelTable, text: string): Promise<void> {
  const expected = await outcome(() => model.runModelQuery(text, table));
  const actual = await outcome(async () => engineResult((await session.run(text))[0]));
  if (expected.kind === 'error') {
    const got = actual.kind === 'error' ? actual.error.kind : show(actual.result);
    expect(got, `${text}\n-- model: ${expected.error.message}`).toBe(expected.error.kind);
    return;
  }
  if (actual.kind === 'error') expect.fail(`${text}\n-- engine failed: ${actual.error.message}`);
  checkSame(text, actual.result, expected.result);
}

// ---- tests -------------------------------------------------------------------------------

describe('random queries agree with the reference model', () => {
  it('over VALUE, RANGE and HASH partitioning, written in several appends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PARTITIONINGS),
        batches,
        fc.array(query, { minLength: 1, maxLength: 10 }),
        async (partitioning, written, queries) => {
          const handle = await tempStore();
          try {
            const session = new QuerySession(handle.store);
            await createTable(session, partitioning.text);
            for (const batch of written) await write(handle.store, session, batch);
            const table = modelTable(written, partitioning.scheme);
            for (const text of queries) await checkQuery(session, table, text);
          } finally {
            await handle.cleanup();
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});

describe('fixed cases', () => {
  const VALUE_TEXT = 'VALUE(2023.01.01..2023.01.05)';
  const VALUE_DAYS: PartitionScheme = { kind: 'VALUE', type: 'DATE', values: DAYS };
  const rows: RowSpec[] = [
    { id: 1, g: 'A', day: 1, x: 10.5, n: 100 },
    { id: 2, g: 'B', day: 1, x: 20, n: 2147483647 },
    { id: 3, g: null, day: 2, x: null, n: null },
    { id: 4, g: 'A', day: 2, x: -1.5, n: 3 },
  ];

  it('the model computes hand-worked results', () => {
    const table = modelTable([{ method: 'append', rows }], VALUE_DAYS);
    const result = model.runModelQuery(
      `select g, count(*), sum(n), avg(x), n + 1 as m from ${TABLE} where id > 0 group by g, n order by g, n`,
      table,
    );
    expect(result.names).toEqual(['g', 'count', 'sum_n', 'avg_x', 'm']);
    expect(result.types).toEqual(['SYMBOL', 'LONG', 'LONG', 'DOUBLE', 'INT']);
    // Nulls sort first; 2147483647 + 1 wraps onto the INT null.
    expect(result.rows).toEqual([
      [null, 1n, null, null, null],
      ['A', 1n, 3n, -1.5, 4],
      ['A', 1n, 100n, 10.5, 101],
      ['B', 1n, 2147483647n, 20, null],
    ]);
    expect(
      model.runModelQuery(`select x from ${TABLE} where x < 0 or g like "_" order by x`, table)
        .rows,
    ).toEqual([[null], [-1.5], [10.5], [20]]);
  });

  it('rejects an unknown column and text plus a number with their codes', async () => {
    const handle = await tempStore();
    try {
      const session = new QuerySession(handle.store);
      await createTable(session, VALUE_TEXT);
      await write(handle.store, session, { method: 'insert', rows });
      const table = modelTable([{ method: 'insert', rows }], VALUE_DAYS);
      const cases = [
        [`select zz from ${TABLE}`, 'COLUMN_NOT_FOUND'],
        [`select "a" + 1 from ${TABLE}`, 'TYPE_MISMATCH'],
        [`select g, sum(g) from ${TABLE} group by g`, 'TYPE_MISMATCH'],
        [`select x from ${TABLE} where x > 0 and g + 1 > 0`, 'TYPE_MISMATCH'],
      ] as const;
      for (const [text, code] of cases) {
        await expect(session.run(text), text).rejects.toSatisfy((e) => isShoalError(e, code));
        expect(() => model.runModelQuery(text, table), text).toThrow(ShoalError);
        await checkQuery(session, table, text);
      }
    } finally {
      await handle.cleanup();
    }
  });
});
