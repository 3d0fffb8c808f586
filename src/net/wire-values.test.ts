// Proves values and appended columns cross the wire bit-exact: every column type with nulls
// and edge values (fast-check), every value kind, a 1,210,000-row table, frames split at any
// byte (readFrames; also joined in pooled buffers, the chunks copied out freed), odd buffer
// offsets; and that malformed frames are BAD_REQUEST.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import {
  NULL_DOUBLE,
  NULL_FLOAT,
  NULL_INT16,
  NULL_INT32,
  NULL_INT64,
  NULL_INT8,
} from '../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../core/types/column-type.ts';
import { columnFromValues } from '../core/types/column-ops.ts';
import type { Column } from '../core/types/column.ts';
import type { Value } from '../query/value.ts';
import {
  ALL_TYPES,
  anyColumn,
  cellArbitrary,
  columnArbitrary,
  expectSameColumn,
  expectSameValue,
} from './net-test-support.ts';
import { BodyBufferPool } from './body-buffer-pool.ts';
import { concatBytes, decodeFrame, encodeFrame, readFrameBytes, readFrames } from './wire-frame.ts';
import {
  decodeColumns,
  decodeValue,
  encodeColumns,
  encodeValue,
  encodeValueChunks,
  valueFromFrame,
} from './wire-values.ts';

function roundTrip(value: Value): Value {
  return decodeValue(encodeValue(value));
}

function expectBadRequest(run: () => unknown, text: string): void {
  try {
    run();
  } catch (error) {
    expect(isShoalError(error, 'BAD_REQUEST'), String(error)).toBe(true);
    expect((error as Error).message).toContain(text);
    return;
  }
  expect.fail('expected BAD_REQUEST');
}

describe('vectors and tables', () => {
  it.each(ALL_TYPES)('%s vectors with nulls round-trip exactly', (type) => {
    fc.assert(
      fc.property(columnArbitrary(type), (column) => {
        expectSameValue(roundTrip({ kind: 'vector', column }), { kind: 'vector', column });
      }),
      { numRuns: 60 },
    );
  });

  it('tables of random columns round-trip exactly, names kept (duplicates too)', () => {
    const tableArbitrary = fc
      .tuple(
        fc.integer({ min: 0, max: 30 }),
        fc.array(fc.constantFrom(...ALL_TYPES), { maxLength: 8 }),
      )
      .chain(([rows, types]) =>
        fc.tuple(
          ...types.map((type) =>
            fc
              .array(cellArbitrary(type), { minLength: rows, maxLength: rows })
              .map((cells) => ({ type, cells })),
          ),
        ),
      )
      .map((specs) => ({
        names: specs.map((_, i) => (i % 3 === 2 ? 'dup' : `c${i}`)),
        columns: specs.map(({ type, cells }) => columnOf(type, cells)),
      }));
    fc.assert(
      fc.property(tableArbitrary, (table) => {
        expectSameValue(roundTrip({ kind: 'table', table }), { kind: 'table', table });
      }),
      { numRuns: 100 },
    );
  });

  it('keeps a SYMBOL dictionary as sent: unused entries, order, the null symbol', () => {
    const column: Column = {
      type: 'SYMBOL',
      data: { codes: Int32Array.of(2, 0, 2, 3), dictionary: ['b', 'unused', '', 'a'] },
    };
    expectSameValue(roundTrip({ kind: 'vector', column }), { kind: 'vector', column });
  });

  it('round-trips empty vectors of every type and a table without columns', () => {
    for (const type of ALL_TYPES) {
      const column = columnOf(type, []);
      expectSameValue(roundTrip({ kind: 'vector', column }), { kind: 'vector', column });
    }
    const empty: Value = { kind: 'table', table: { names: [], columns: [] } };
    expectSameValue(roundTrip(empty), empty);
  });

  it('round-trips a 1,210,000-row, 9-column table exactly', () => {
    const table = bigTable(1_210_000);
    const bytes = encodeValue({ kind: 'table', table });
    // Arrow bytes, not JSON: ~8.5 bytes a cell plus the strings.
    expect(bytes.length).toBeLessThan(1_210_000 * 80);
    const back = decodeValue(bytes);
    expectSameValue(back, { kind: 'table', table });
  });
});

describe('scalars and other value kinds', () => {
  it.each(ALL_TYPES)('%s scalars with nulls and edge values round-trip exactly', (type) => {
    fc.assert(
      fc.property(cellArbitrary(type), (value) => {
        const scalar: Value = { kind: 'scalar', type, value };
        expectSameValue(roundTrip(scalar), scalar);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the special cells JSON cannot hold', () => {
    const cases: Value[] = [
      { kind: 'scalar', type: 'DOUBLE', value: NaN },
      { kind: 'scalar', type: 'DOUBLE', value: -0 },
      { kind: 'scalar', type: 'DOUBLE', value: Infinity },
      { kind: 'scalar', type: 'FLOAT', value: -Infinity },
      { kind: 'scalar', type: 'DOUBLE', value: NULL_DOUBLE },
      { kind: 'scalar', type: 'FLOAT', value: NULL_FLOAT },
      { kind: 'scalar', type: 'LONG', value: NULL_INT64 },
      { kind: 'scalar', type: 'NANOTIMESTAMP', value: 2n ** 63n - 1n },
      { kind: 'scalar', type: 'INT', value: NULL_INT32 },
      { kind: 'scalar', type: 'SHORT', value: NULL_INT16 },
      { kind: 'scalar', type: 'CHAR', value: NULL_INT8 },
      { kind: 'scalar', type: 'STRING', value: '' },
    ];
    for (const value of cases) expectSameValue(roundTrip(value), value);
  });

  it('round-trips every other kind, nested values pointing at their own blocks', () => {
    const column: Column = { type: 'INT', data: Int32Array.of(1, NULL_INT32, 3) };
    const table = bigTable(5);
    const values: Value[] = [
      { kind: 'null' },
      { kind: 'void' },
      { kind: 'pair', first: { type: 'DATE', value: 19000 }, second: { type: 'LONG', value: -5n } },
      { kind: 'name', name: 'SYMBOL' },
      { kind: 'tableHandle', database: 'dfs://db', table: 'trades' },
      { kind: 'database', path: 'dfs://db', scheme: null },
      {
        kind: 'database',
        path: 'dfs://compo',
        scheme: {
          kind: 'COMPO',
          levels: [
            { kind: 'RANGE', type: 'TIMESTAMP', boundaries: [0n, 1000n, NULL_INT64 + 1n] },
            { kind: 'LIST', type: 'SYMBOL', lists: [['a', 'b'], ['c']] },
          ],
        },
      },
      {
        kind: 'database',
        path: 'dfs://v',
        scheme: { kind: 'VALUE', type: 'DOUBLE', values: [-0, 1.5] },
      },
      { kind: 'database', path: 'dfs://h', scheme: { kind: 'HASH', type: 'INT', buckets: 16 } },
      {
        kind: 'tuple',
        elements: [
          { kind: 'vector', column },
          {
            kind: 'dictionary',
            keys: ['t', '__proto__'],
            values: [
              { kind: 'table', table },
              { kind: 'vector', column },
            ],
          },
          { kind: 'scalar', type: 'SYMBOL', value: 'x' },
        ],
      },
    ];
    for (const value of values) expectSameValue(roundTrip(value), value);
  });
});

describe('appended columns', () => {
  it('round-trips named columns with their meta', () => {
    fc.assert(
      fc.property(fc.array(anyColumn, { maxLength: 1 }), (picked) => {
        const columns = picked.map((column, i) => ({ name: `col${i}`, column }));
        const meta = { database: 'dfs://db', table: 't', transaction: '42' };
        const back = decodeColumns(encodeColumns(columns, meta));
        expect(back.meta).toEqual(meta);
        expect(back.columns.map((c) => c.name)).toEqual(columns.map((c) => c.name));
        back.columns.forEach((c, i) =>
          expectSameColumn(c.column, (columns[i] as (typeof columns)[number]).column),
        );
      }),
    );
  });

  it('refuses a value frame where columns are expected, and the reverse', () => {
    expectBadRequest(() => decodeColumns(encodeValue({ kind: 'null' })), 'expected columns');
    expectBadRequest(() => decodeValue(encodeColumns([])), 'expected value');
  });
});

describe('framing', () => {
  it('decodes frames split at any bytes, one after another', async () => {
    const values: Value[] = [
      { kind: 'table', table: bigTable(50) },
      { kind: 'scalar', type: 'LONG', value: 7n },
      { kind: 'vector', column: { type: 'STRING', data: ['a', '', 'ü'] } },
    ];
    const stream = concatBytes(values.flatMap((v) => encodeValueChunks(v)));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }),
        async (cuts) => {
          const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), stream.length];
          async function* chunks(): AsyncGenerator<Uint8Array> {
            for (let i = 1; i < points.length; i++) yield stream.subarray(points[i - 1], points[i]);
          }
          const got: Value[] = [];
          for await (const frame of readFrames(chunks(), 1 << 24)) got.push(valueFromFrame(frame));
          expect(got.length).toBe(values.length);
          got.forEach((v, i) => expectSameValue(v, values[i] as Value));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('joins frames in pooled buffers and frees the chunks it copied out, values exact', async () => {
    const values: Value[] = [
      { kind: 'table', table: bigTable(40_000) },
      { kind: 'scalar', type: 'LONG', value: 7n },
      { kind: 'table', table: bigTable(30_000) },
    ];
    const stream = concatBytes(values.flatMap((v) => encodeValueChunks(v)));
    // Each chunk its own ArrayBuffer, as a socket's reads are.
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < stream.length; at += 4096) chunks.push(stream.slice(at, at + 4096));
    async function* source(): AsyncGenerator<Uint8Array> {
      yield* chunks;
    }
    const pool = new BodyBufferPool(1 << 24);
    const reading = { buffers: pool, releaseChunks: true };
    const pooled: ArrayBufferLike[] = [];
    let index = 0;
    for await (const frame of readFrameBytes(source(), 1 << 24, reading)) {
      expectSameValue(valueFromFrame(frame.content), values[index++] as Value);
      if (frame.bytes.length >= 1 << 20) pooled.push(frame.bytes.buffer);
      pool.giveBack(frame.bytes); // compared already: the next frame may overwrite it
    }
    expect(index).toBe(values.length);
    expect(pooled).toHaveLength(2);
    expect(pooled[1]).toBe(pooled[0]);
    // The chunks copied into joined frames are freed.
    const detached = chunks.filter((chunk) => chunk.buffer.byteLength === 0).length;
    expect(detached).toBeGreaterThan(chunks.length / 2);
    // A frame within one chunk views it: that chunk is kept.
    const whole = concatBytes(encodeValueChunks(values[1] as Value)).slice();
    const one = (async function* () {
      yield whole;
    })();
    for await (const frame of readFrameBytes(one, 1 << 24, reading)) {
      expectSameValue(valueFromFrame(frame.content), values[1] as Value);
    }
    expect(whole.byteLength).toBeGreaterThan(0);
  });

  it('reads frames at odd offsets of a larger buffer (a copy keeps typed arrays aligned)', () => {
    const value: Value = { kind: 'table', table: bigTable(100) };
    const bytes = encodeValue(value);
    for (const offset of [1, 3, 4, 7]) {
      const shifted = new Uint8Array(bytes.length + offset);
      shifted.set(bytes, offset);
      expectSameValue(decodeValue(shifted.subarray(offset)), value);
    }
  });

  it('rejects malformed frames with BAD_REQUEST naming the problem', async () => {
    const good = encodeValue({ kind: 'table', table: bigTable(10) });
    expectBadRequest(() => decodeValue(new TextEncoder().encode('<html>502</html>')), 'magic');
    expectBadRequest(() => decodeValue(good.subarray(0, 5)), 'too short');
    expectBadRequest(() => decodeValue(good.subarray(0, good.length - 8)), 'its header says');
    const wrongRows = rewriteHeader(good, (h) => h.replace('"rows":10', '"rows":11'));
    expectBadRequest(() => decodeValue(wrongRows), 'the header says 11');
    const badKind = rewriteHeader(good, (h) => h.replace('"kind":"table"', '"kind":"tabel"'));
    expectBadRequest(() => decodeValue(badKind), 'names no value kind (tabel)');
    const badJson = rewriteHeader(good, (h) => h.replace('{', '['));
    expectBadRequest(() => decodeValue(badJson), 'is not UTF-8 JSON');
    const badCodes: Column = {
      type: 'SYMBOL',
      data: { codes: Int32Array.of(0, 5), dictionary: ['a'] },
    };
    expectBadRequest(
      () => decodeFrame(concatBytes(encodeFrame({ body: null, blocks: [[badCodes]] }))),
      'outside its dictionary',
    );
    const oversize = async (): Promise<void> => {
      async function* one(): AsyncGenerator<Uint8Array> {
        yield good;
      }
      for await (const frame of readFrames(one(), 100)) void frame;
    };
    await expect(oversize()).rejects.toThrow(/over the limit of 100/);
    const truncated = async (): Promise<void> => {
      async function* cut(): AsyncGenerator<Uint8Array> {
        yield good.subarray(0, good.length - 1);
      }
      for await (const frame of readFrames(cut(), 1 << 24)) void frame;
    };
    await expect(truncated()).rejects.toThrow(/ends inside a frame/);
  });
});

function columnOf(type: ColumnType, cells: readonly CellValue[]): Column {
  return columnFromValues(type, cells);
}

// Rewrites the JSON header of a frame keeping its length (the header is space-padded).
function rewriteHeader(frame: Uint8Array, edit: (header: string) => string): Uint8Array {
  const length = new DataView(frame.buffer, frame.byteOffset).getUint32(4, true);
  const header = new TextDecoder().decode(frame.subarray(8, 8 + length));
  const edited = new TextEncoder().encode(edit(header.trimEnd()).padEnd(length, ' '));
  expect(edited.length).toBe(length);
  const out = frame.slice();
  out.set(edited, 8);
  return out;
}

/** A trades-like table: 9 columns, nulls every 97th row, symbols and strings repeating. */
function bigTable(rows: number): { names: string[]; columns: Column[] } {
  const symbols = ['IBM', 'AAPL', 'MSFT', 'GOOG', ''];
  const codes = new Int32Array(rows);
  const dates = new Int32Array(rows);
  const times = new BigInt64Array(rows);
  const prices = new Float64Array(rows);
  const sizes = new Int32Array(rows);
  const volumes = new BigInt64Array(rows);
  const flags = new Int8Array(rows);
  const ratios = new Float32Array(rows);
  const notes = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    const isNull = i % 97 === 0;
    codes[i] = isNull ? 4 : i % 4;
    dates[i] = isNull ? NULL_INT32 : 19000 + (i % 365);
    times[i] = isNull ? NULL_INT64 : 1_700_000_000_000n + BigInt(i);
    prices[i] = isNull ? NULL_DOUBLE : 100 + (i % 1000) / 8;
    sizes[i] = isNull ? NULL_INT32 : i % 10_000;
    volumes[i] = isNull ? NULL_INT64 : BigInt(i) * 1_000_003n;
    flags[i] = isNull ? NULL_INT8 : i % 2;
    ratios[i] = isNull ? NULL_FLOAT : (i % 100) / 3;
    notes[i] = isNull ? '' : `n${i % 1000}`;
  }
  return {
    names: ['sym', 'date', 'time', 'price', 'size', 'volume', 'flag', 'ratio', 'note'],
    columns: [
      { type: 'SYMBOL', data: { codes, dictionary: symbols } },
      { type: 'DATE', data: dates },
      { type: 'TIMESTAMP', data: times },
      { type: 'DOUBLE', data: prices },
      { type: 'INT', data: sizes },
      { type: 'LONG', data: volumes },
      { type: 'BOOL', data: flags },
      { type: 'FLOAT', data: ratios },
      { type: 'STRING', data: notes },
    ],
  };
}
