// The loops of + - * / % per domain, over lanes with strides (0 repeats a scalar). A null
// operand gives a null result. Integers wrap around like DolphinDB's (32-bit through `| 0` and
// Math.imul, 64-bit through BigInt.asIntN); `/` on integers floors; `%` takes the sign of the
// divisor (-7 % 3 == 2); division or mod by zero gives null. Doubles treat NaN as null and
// write null for a NaN result, so a result holds only the sentinel.

import { NULL_DOUBLE, NULL_INT32, NULL_INT64 } from '../../core/types/column-type.ts';
import type { ArithmeticOperator } from './promote-types.ts';

/** A loop computing out[i] = a[i·sa] op b[i·sb] for every i < out.length. */
export type ArithmeticKernel<T> = (a: T, sa: number, b: T, sb: number, out: T) => void;

const N32 = NULL_INT32;

/** The 32-bit integer loops by operator. */
export const INT32_KERNELS: Readonly<Record<ArithmeticOperator, ArithmeticKernel<Int32Array>>> = {
  '+': (a, sa, b, sb, out) => {
    for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
      const x = a[ia]!;
      const y = b[ib]!;
      out[i] = x === N32 || y === N32 ? N32 : (x + y) | 0;
    }
  },
  '-': (a, sa, b, sb, out) => {
    for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
      const x = a[ia]!;
      const y = b[ib]!;
      out[i] = x === N32 || y === N32 ? N32 : (x - y) | 0;
    }
  },
  '*': (a, sa, b, sb, out) => {
    for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
      const x = a[ia]!;
      const y = b[ib]!;
      out[i] = x === N32 || y === N32 ? N32 : Math.imul(x, y);
    }
  },
  // Exact: the double quotient of two int32s never rounds across an integer.
  '/': (a, sa, b, sb, out) => {
    for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
      const x = a[ia]!;
      const y = b[ib]!;
      out[i] = x === N32 || y === N32 || y === 0 ? N32 : Math.floor(x / y) | 0;
    }
  },
  '%': (a, sa, b, sb, out) => {
    for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
      const x = a[ia]!;
      const y = b[ib]!;
      if (x === N32 || y === N32 || y === 0) {
        out[i] = N32;
        continue;
      }
      const r = x % y;
      out[i] = r !== 0 && (r ^ y) < 0 ? r + y : r;
    }
  },
};

const N64 = NULL_INT64;

/** floor(x / y) for y ≠ 0 (bigint division truncates). */
function floorDiv64(x: bigint, y: bigint): bigint {
  const q = x / y;
  return q * y !== x && x < 0n !== y < 0n ? q - 1n : q;
}

/** x mod y with the sign of y, for y ≠ 0. */
function mod64(x: bigint, y: bigint): bigint {
  const r = x % y;
  return r !== 0n && r < 0n !== y < 0n ? r + y : r;
}

/** A 64-bit loop body per element: bigint arithmetic, correctness before speed. */
function int64Kernel(f: (x: bigint, y: bigint) => bigint): ArithmeticKernel<BigInt64Array> {
  return (a, sa, b, sb, out) => {
    for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
      const x = a[ia]!;
      const y = b[ib]!;
      out[i] = x === N64 || y === N64 ? N64 : BigInt.asIntN(64, f(x, y));
    }
  };
}

/** Division and mod: as int64Kernel, and null for a zero divisor. */
function int64Divide(f: (x: bigint, y: bigint) => bigint): ArithmeticKernel<BigInt64Array> {
  return int64Kernel((x, y) => (y === 0n ? N64 : f(x, y)));
}

/** The 64-bit integer loops by operator. */
export const INT64_KERNELS: Readonly<Record<ArithmeticOperator, ArithmeticKernel<BigInt64Array>>> =
  {
    '+': int64Kernel((x, y) => x + y),
    '-': int64Kernel((x, y) => x - y),
    '*': int64Kernel((x, y) => x * y),
    '/': int64Divide(floorDiv64),
    '%': int64Divide(mod64),
  };

const ND = NULL_DOUBLE;

/** The double loops by operator. */
export const FLOAT64_KERNELS: Readonly<Record<ArithmeticOperator, ArithmeticKernel<Float64Array>>> =
  {
    '+': (a, sa, b, sb, out) => {
      for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
        const x = a[ia]!;
        const y = b[ib]!;
        const r = x + y;
        out[i] = x === ND || y === ND || r !== r ? ND : r;
      }
    },
    '-': (a, sa, b, sb, out) => {
      for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
        const x = a[ia]!;
        const y = b[ib]!;
        const r = x - y;
        out[i] = x === ND || y === ND || r !== r ? ND : r;
      }
    },
    '*': (a, sa, b, sb, out) => {
      for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
        const x = a[ia]!;
        const y = b[ib]!;
        const r = x * y;
        out[i] = x === ND || y === ND || r !== r ? ND : r;
      }
    },
    '/': (a, sa, b, sb, out) => {
      for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
        const x = a[ia]!;
        const y = b[ib]!;
        const r = x / y;
        out[i] = x === ND || y === ND || y === 0 || r !== r ? ND : r;
      }
    },
    '%': (a, sa, b, sb, out) => {
      for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) {
        const x = a[ia]!;
        const y = b[ib]!;
        let r = x % y;
        if (r !== 0 && r < 0 !== y < 0) r += y;
        out[i] = x === ND || y === ND || y === 0 || r !== r ? ND : r;
      }
    },
  };

/** out[i] = a[i·sa] + b[i·sb] for strings; the null string '' adds nothing. */
export function concatText(
  a: readonly string[],
  sa: number,
  b: readonly string[],
  sb: number,
  out: string[],
): void {
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++, ia += sa, ib += sb) out[i] = a[ia]! + b[ib]!;
}
