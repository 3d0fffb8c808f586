// Proves stored hashes have the scrypt$N$r$p$salt$hash form, verify the right password and
// only it, use a fresh salt each time, and that bad input never echoes the password.

import { describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordHash, verifyPassword } from './password-hash.ts';
import { caught, expectShoalError } from './test-support.ts';

describe('password hashes', () => {
  it('round-trips and rejects a wrong password', async () => {
    const hash = await hashPassword('s3cret!');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyPassword('s3cret!', hash)).toBe(true);
    expect(await verifyPassword('s3cret', hash)).toBe(false);
    expect(await verifyPassword('S3cret!', hash)).toBe(false);
  });

  it('salts each hash afresh', async () => {
    const [a, b] = await Promise.all([hashPassword('123456'), hashPassword('123456')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('123456', b)).toBe(true);
  });

  it('parses the stored parameters', async () => {
    const parsed = parsePasswordHash(await hashPassword('pw'));
    expect(parsed).toMatchObject({ cost: 16384, blockSize: 8, parallelism: 1 });
    expect(parsed?.salt.length).toBe(16);
    expect(parsed?.key.length).toBe(32);
  });

  it('verifies a hash made with other (sane) parameters', async () => {
    const hash = await hashPassword('pw');
    const weaker = hash.replace('scrypt$16384$', 'scrypt$1024$');
    // Different cost, so the same key no longer matches: parameters come from the text.
    expect(await verifyPassword('pw', weaker)).toBe(false);
  });

  it('refuses malformed or unsafe stored hashes as CORRUPT_DATA', async () => {
    const hash = await hashPassword('pw');
    for (const bad of [
      '',
      'pw',
      hash.replace('scrypt$', 'bcrypt$'),
      hash.replace('$16384$', '$1000$'), // N not a power of two
      hash.replace('$16384$', '$4194304$'), // 128·N·r = 4 GiB
      `${hash}0`, // odd hex length
    ]) {
      expect(parsePasswordHash(bad)).toBeUndefined();
      await expectShoalError(() => verifyPassword('pw', bad), 'CORRUPT_DATA', /reset the password/);
    }
  });

  it('refuses invalid passwords without repeating them', async () => {
    for (const bad of ['', 'has space', 'tab\there', 'x'.repeat(129)]) {
      const error = await caught(() => hashPassword(bad));
      expect((error as Error).message).toMatch(/1 to 128 characters/);
      if (bad !== '') expect((error as Error).message).not.toContain(bad);
    }
    expect(await verifyPassword('x'.repeat(128), await hashPassword('x'.repeat(128)))).toBe(true);
  });
});
