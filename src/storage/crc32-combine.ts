// The CRC-32 (zlib's, reflected polynomial 0xedb88320) of two byte strings joined, from the
// CRC-32 of each and the second's length, without reading the bytes: zlib's crc32_combine,
// which Node does not expose. Arithmetic on polynomials over GF(2) modulo the CRC polynomial:
// crc(A ‖ B) = crc(A) · x^(8·len(B)) + crc(B).

const POLY = 0xedb88320;
/** x^0 in the reflected representation. */
const ONE = 0x80000000;

/** a(x) · b(x) modulo the CRC polynomial (both reflected). */
function multiplyModP(a: number, b: number): number {
  let m = ONE;
  let product = 0;
  let factor = b >>> 0;
  for (;;) {
    if ((a & m) !== 0) {
      product ^= factor;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    factor = factor & 1 ? (factor >>> 1) ^ POLY : factor >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) modulo the CRC polynomial, for k = 0…31. */
const X_POW_2K: readonly number[] = (() => {
  const table = [0x40000000]; // x^1
  for (let k = 1; k < 32; k++) {
    const last = table[k - 1] as number;
    table.push(multiplyModP(last, last));
  }
  return table;
})();

/** x^(n · 2^k) modulo the CRC polynomial, for n ≥ 0. */
function xPowModP(n: number, k: number): number {
  let p = ONE;
  let rest = n;
  let bit = k;
  while (rest > 0) {
    if (rest % 2 === 1) p = multiplyModP(X_POW_2K[bit % 32] as number, p);
    rest = Math.floor(rest / 2);
    bit++;
  }
  return p;
}

/** The CRC-32 of A ‖ B, given `crcA`, `crcB` and the byte length of B. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(xPowModP(lengthB, 3), crcA >>> 0) ^ (crcB >>> 0)) >>> 0;
}
