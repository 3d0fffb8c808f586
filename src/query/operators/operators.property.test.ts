// Proves the vectorised operators equal a trivially written per-element evaluation, for every
// arithmetic and comparison operator over random INT/LONG/DOUBLE/DATE/SYMBOL/STRING vectors,
// scalars and NULLs with nulls inside: fast-check against a bigint/Number reference.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NULL_DOUBLE,
  NULL_INT32,
  NULL_INT64,
  isNullValue,
  nullOf,
} from '../../core/types/column-type.ts';
import type { CellValue, ColumnType } from '../../core/types/column-type.ts';
import type { Column } from '../../core/types/column.ts';
import { columnFromValues } from '../../core/types/column-ops.ts';
import type { BinaryOperator } from '../ast.ts';
import type { Value } from '../value.ts';
import { applyBinary } from './apply.ts';
import { AT, errorOf, show } from './test-support.ts';
import type { Cell, Shown } from './test-support.ts';

type TestType = 'INT' | 'LONG' | 'DOUBLE' | 'DATE' | 'SYMBOL' | 'STRING';
const TYPES: readonly TestType[] = ['INT', 'LONG', 'DOUBLE', 'DATE', 'SYMBOL', 'STRING'];
const ARITHMETIC = ['+', '-', '*', '/', '%'] as const;
const COMPARISON = ['==', '!=', '<', '<=', '>', '>='] as const;
type ArithmeticOp = (typeof ARITHMETIC)[number];
type ComparisonOp = (typeof COMPARISON)[number];

/** One generated operand: a vector or scalar of physical cells, or the untyped NULL. */
type Side =
  | { readonly kind: 'vector' | 'scalar'; readonly type: TestType; readonly cells: CellValue[] }
  | { readonly kind: 'null' };

// ---- generators: values near the edges (nulls, zero, wrap-around, repeated texts) ----

const INT32_MAX = 2147483647;
const INT64_MAX = 2n ** 63n - 1n;

function cellArb(type: TestType): fc.Arbitrary<CellValue> {
  switch (type) {
    case 'INT':
      return fc.oneof(
        fc.constant(NULL_INT32),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: -INT32_MAX, max: INT32_MAX }),
      );
    case 'DATE':
      return fc.oneof(fc.constant(NULL_INT32), fc.integer({ min: -30000, max: 60000 }));
    case 'LONG':
      return fc.oneof(
        fc.constant(NULL_INT64),
        fc.bigInt({ min: -5n, max: 5n }),
        fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
        fc.bigInt({ min: -INT64_MAX, max: INT64_MAX }),
      );
    case 'DOUBLE':
      return fc.oneof(
        fc.constant(NULL_DOUBLE),
        fc.constant(Number.NaN),
        fc.integer({ min: -5, max: 5 }),
        fc.double({ min: -1e300, max: 1e300, noNaN: true }),
      );
    case 'SYMBOL':
    case 'STRING':
      return fc.constantFrom('', 'a', 'b', 'ab', 'B', 'é', '😀');
  }
}

function sideArb(rows: number): fc.Arbitrary<Side> {
  const typeArb = fc.constantFrom(...TYPES);
  return fc.oneof(
    {
      weight: 3,
      arbitrary: typeArb.chain((type) =>
        fc
          .array(cellArb(type), { minLength: rows, maxLength: rows })
          .map((cells): Side => ({ kind: 'vector', type, cells })),
      ),
    },
    {
      weight: 2,
      arbitrary: typeArb.chain((type) =>
        cellArb(type).map((cell): Side => ({ kind: 'scalar', type, cells: [cell] })),
      ),
    },
    { weight: 1, arbitrary: fc.constant<Side>({ kind: 'null' }) },
  );
}

function caseArb<Op>(ops: readonly Op[]): fc.Arbitrary<readonly [Op, Side, Side]> {
  return fc
    .integer({ min: 0, max: 12 })
    .chain((rows) => fc.tuple(fc.constantFrom(...ops), sideArb(rows), sideArb(rows)));
}

/** A SYMBOL column whose dictionary is reversed and has an unused entry, unlike encodeSymbols'. */
function symbolColumn(cells: readonly CellValue[]): Column {
  const dictionary = [...new Set(cells as string[]), 'unused'].reverse();
  const codes = Int32Array.from(cells, (cell) => dictionary.indexOf(cell as string));
  return { type: 'SYMBOL', data: { codes, dictionary } };
}

function valueOf(side: Side): Value {
  if (side.kind === 'null') return { kind: 'null' };
  if (side.kind === 'scalar') return { kind: 'scalar', type: side.type, value: side.cells[0]! };
  const column =
    side.type === 'SYMBOL' ? symbolColumn(side.cells) : columnFromValues(side.type, side.cells);
  return { kind: 'vector', column };
}

// ---- the reference: one element at a time, bigint for integers, Number for doubles ----

const isText = (t: TestType): boolean => t === 'SYMBOL' || t === 'STRING';
const isNumber = (t: TestType): boolean => t === 'INT' || t === 'LONG' || t === 'DOUBLE';
const isInteger = (t: TestType): boolean => t === 'INT' || t === 'LONG';

function isNullCell(type: TestType, value: CellValue): boolean {
  return isNullValue(type, value) || (typeof value === 'number' && Number.isNaN(value));
}

/** The result type of `a op b`, or undefined when it is a TYPE_MISMATCH. */
function arithmeticType(op: ArithmeticOp, a: TestType, b: TestType): ColumnType | undefined {
  if (isText(a) || isText(b)) return isText(a) && isText(b) && op === '+' ? 'STRING' : undefined;
  if (isNumber(a) && isNumber(b)) {
    if (a === 'DOUBLE' || b === 'DOUBLE') return 'DOUBLE';
    return a === 'LONG' || b === 'LONG' ? 'LONG' : 'INT';
  }
  if (a === 'DATE' && b === 'DATE') return op === '-' ? 'INT' : undefined;
  if (a === 'DATE' && isInteger(b) && (op === '+' || op === '-')) return 'DATE';
  if (isInteger(a) && b === 'DATE' && op === '+') return 'DATE';
  return undefined;
}

function floorDiv(x: bigint, y: bigint): bigint {
  const q = x / y;
  return x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q;
}

function exact(op: ArithmeticOp, x: bigint, y: bigint): bigint | null {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0n ? null : floorDiv(x, y);
    case '%':
      return y === 0n ? null : x - y * floorDiv(x, y);
  }
}

function double(op: ArithmeticOp, x: number, y: number): number | null {
  if ((op === '/' || op === '%') && y === 0) return null;
  let r: number;
  if (op === '%') {
    r = x % y;
    if (r !== 0 && r < 0 !== y < 0) r += y;
  } else r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
  return Number.isNaN(r) ? null : r;
}

function arithmeticCell(
  op: ArithmeticOp,
  result: ColumnType,
  a: TestType,
  x: CellValue,
  b: TestType,
  y: CellValue,
): Cell {
  if (result === 'STRING') return (x as string) + (y as string) || null;
  if (isNullCell(a, x) || isNullCell(b, y)) return null;
  if (result === 'DOUBLE') return double(op, Number(x), Number(y));
  // A LONG moving a DATE must fit the DATE's 32 bits.
  if (result === 'DATE' && (a === 'LONG' || b === 'LONG')) {
    const offset = BigInt(a === 'LONG' ? x : y);
    if (offset <= BigInt(NULL_INT32) || offset > BigInt(INT32_MAX)) return null;
  }
  const r = exact(op, BigInt(x), BigInt(y));
  if (r === null) return null;
  if (result === 'LONG') {
    const wrapped = BigInt.asIntN(64, r);
    return wrapped === NULL_INT64 ? null : wrapped;
  }
  const wrapped = Number(BigInt.asIntN(32, r));
  return wrapped === NULL_INT32 ? null : wrapped;
}

/** -1, 0 or 1: nulls smallest and equal; doubles by Number, other numbers exactly. */
function order(a: TestType, x: CellValue, b: TestType, y: CellValue): number {
  const xNull = isNullCell(a, x);
  const yNull = isNullCell(b, y);
  if (xNull || yNull) return xNull && yNull ? 0 : xNull ? -1 : 1;
  if (isText(a)) return x === y ? 0 : (x as string) < (y as string) ? -1 : 1;
  const [p, q] = a === 'DOUBLE' || b === 'DOUBLE' ? [Number(x), Number(y)] : [BigInt(x), BigInt(y)];
  return p === q ? 0 : p < q ? -1 : 1;
}

function comparisonCell(op: ComparisonOp, o: number): Cell {
  const truth = {
    '==': o === 0,
    '!=': o !== 0,
    '<': o < 0,
    '<=': o <= 0,
    '>': o > 0,
    '>=': o >= 0,
  }[op];
  return truth ? 1 : 0;
}

/** An untyped NULL as a typed null scalar: the other side's type, else INT (see arithmetic.ts). */
function typedNull(side: Side, other: Side, fits: (t: TestType) => boolean): Side {
  if (side.kind !== 'null') return side;
  const type = other.kind === 'null' || !fits(other.type) ? 'INT' : other.type;
  return { kind: 'scalar', type, cells: [nullOf(type)] };
}

/** What the operator must give: a Shown result, 'NULL', or 'TYPE_MISMATCH'. */
function reference(op: BinaryOperator, left: Side, right: Side): Shown | 'NULL' | 'TYPE_MISMATCH' {
  const arithmetic = (ARITHMETIC as readonly string[]).includes(op);
  if (arithmetic && left.kind === 'null' && right.kind === 'null') return 'NULL';
  const fits = (t: TestType): boolean =>
    !arithmetic || arithmeticType(op as ArithmeticOp, t, t) !== undefined;
  const a = typedNull(left, right, fits);
  const b = typedNull(right, left, fits);
  if (a.kind === 'null' || b.kind === 'null') throw new Error('typedNull left a NULL');
  const resultType = arithmetic
    ? arithmeticType(op as ArithmeticOp, a.type, b.type)
    : compatible(a.type, b.type)
      ? 'BOOL'
      : undefined;
  if (resultType === undefined) return 'TYPE_MISMATCH';
  const vector = a.kind === 'vector' || b.kind === 'vector';
  const rows = a.kind === 'vector' ? a.cells.length : b.cells.length;
  const cells: Cell[] = [];
  for (let i = 0; i < rows; i++) {
    const x = a.cells[a.kind === 'vector' ? i : 0]!;
    const y = b.cells[b.kind === 'vector' ? i : 0]!;
    cells.push(
      arithmetic
        ? arithmeticCell(op as ArithmeticOp, resultType, a.type, x, b.type, y)
        : comparisonCell(op as ComparisonOp, order(a.type, x, b.type, y)),
    );
  }
  return { kind: vector ? 'vector' : 'scalar', type: resultType, cells };
}

function compatible(a: TestType, b: TestType): boolean {
  return isText(a) === isText(b);
}

function actual(op: BinaryOperator, left: Side, right: Side): Shown | 'NULL' | 'TYPE_MISMATCH' {
  const run = (): Value => applyBinary(op, valueOf(left), valueOf(right), AT);
  let result: Value;
  try {
    result = run();
  } catch {
    const error = errorOf(run);
    return error.kind === 'TYPE_MISMATCH' ? 'TYPE_MISMATCH' : (error.kind as never);
  }
  return result.kind === 'null' ? 'NULL' : show(result);
}

describe('vectorised operators against the per-element reference', () => {
  it('agree for every arithmetic operator', () => {
    fc.assert(
      fc.property(caseArb(ARITHMETIC), ([op, left, right]) => {
        expect(actual(op, left, right)).toEqual(reference(op, left, right));
      }),
      { numRuns: 3000 },
    );
  });

  it('agree for every comparison operator', () => {
    fc.assert(
      fc.property(caseArb(COMPARISON), ([op, left, right]) => {
        expect(actual(op, left, right)).toEqual(reference(op, left, right));
      }),
      { numRuns: 3000 },
    );
  });
});
