// Password hashes: scrypt (N=16384, r=8, p=1, 32-byte key, random 16-byte salt) stored as
// `scrypt$N$r$p$saltHex$hashHex`, the form `shoal cluster init` writes to admin.hash.
// Verification uses the parameters in the stored text, so stronger settings can come later.

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ShoalError } from '../../core/errors.ts';
import { checkPassword } from './credential-rules.ts';

const COST = 16_384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Memory one scrypt call may use: 128·N·r bytes; above this a stored hash is refused. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
const FORM = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([0-9a-f]{16,128})\$([0-9a-f]{32,128})$/;

/** scrypt's cost parameters: N, r and p. */
export interface ScryptParameters {
  readonly cost: number;
  readonly blockSize: number;
  readonly parallelism: number;
}

/** A parsed stored hash. */
export interface ScryptHash extends ScryptParameters {
  readonly salt: Buffer;
  readonly key: Buffer;
}

/** Hashes `password` (checked: 1..128 characters, no whitespace) with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  const salt = randomBytes(SALT_BYTES);
  const params = { cost: COST, blockSize: BLOCK_SIZE, parallelism: PARALLELISM };
  const key = await deriveKey(password, params, salt, KEY_BYTES);
  return `scrypt$${COST}$${BLOCK_SIZE}$${PARALLELISM}$${salt.toString('hex')}$${key.toString('hex')}`;
}

/**
 * True when `password` hashes to `stored`, compared in constant time. A `stored` that is
 * not a well-formed hash is CORRUPT_DATA (it came from disk), never a silent false.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (parsed === undefined) {
    throw new ShoalError(
      'CORRUPT_DATA',
      'a stored password hash is not of the form scrypt$N$r$p$saltHex$hashHex: reset the password',
    );
  }
  const key = await deriveKey(password, parsed, parsed.salt, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** The parts of a stored hash, or undefined when `stored` is not one Shoal can verify. */
export function parsePasswordHash(stored: string): ScryptHash | undefined {
  const match = FORM.exec(stored);
  if (match === null) return undefined;
  const [, cost = '', blockSize = '', parallelism = '', salt = '', key = ''] = match;
  if (salt.length % 2 !== 0 || key.length % 2 !== 0) return undefined;
  const parsed: ScryptHash = {
    cost: Number(cost),
    blockSize: Number(blockSize),
    parallelism: Number(parallelism),
    salt: Buffer.from(salt, 'hex'),
    key: Buffer.from(key, 'hex'),
  };
  return saneParameters(parsed) ? parsed : undefined;
}

function saneParameters(hash: ScryptParameters): boolean {
  const powerOfTwo = hash.cost >= 2 && (hash.cost & (hash.cost - 1)) === 0;
  return (
    powerOfTwo &&
    hash.blockSize >= 1 &&
    hash.parallelism >= 1 &&
    hash.parallelism <= 16 &&
    128 * hash.cost * hash.blockSize <= MAX_SCRYPT_MEMORY
  );
}

function deriveKey(
  password: string,
  params: ScryptParameters,
  salt: Buffer,
  keyBytes: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      keyBytes,
      { N: params.cost, r: params.blockSize, p: params.parallelism, maxmem: 2 * MAX_SCRYPT_MEMORY },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });
}
