// Proves a node token verifies under the same secret within ±5 minutes and names its signer,
// and that tampering with any part, another secret, a stale or future timestamp, or a
// malformed token is AUTH_FAILED; and that InternalTokens, which reuses and remembers tokens,
// gives and accepts exactly what the functions do. Fixed times.

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_REMEMBERED_TOKENS } from './auth-limits.ts';
import { InternalTokens, makeInternalToken, verifyInternalToken } from './internal-token.ts';
import { expectShoalError } from './test-support.ts';

const SECRET = 'a1'.repeat(32);
const OTHER_SECRET = 'b2'.repeat(32);
const NOW = 1_700_000_000_000;
const MINUTE = 60_000;

describe('internal tokens', () => {
  it('verifies and names the signing node', () => {
    const token = makeInternalToken(SECRET, 'dn1', NOW);
    expect(token).toMatch(/^dn1:1700000000000:[0-9a-f]{64}$/);
    expect(verifyInternalToken(SECRET, token, NOW)).toBe('dn1');
    expect(verifyInternalToken(SECRET.toUpperCase(), token, NOW)).toBe('dn1');
  });

  it('accepts clocks up to 5 minutes apart either way, and no further', async () => {
    const token = makeInternalToken(SECRET, 'dn1', NOW);
    expect(verifyInternalToken(SECRET, token, NOW + 5 * MINUTE)).toBe('dn1');
    expect(verifyInternalToken(SECRET, token, NOW - 5 * MINUTE)).toBe('dn1');
    await expectShoalError(
      () => verifyInternalToken(SECRET, token, NOW + 5 * MINUTE + 1),
      'AUTH_FAILED',
      /from dn1 is 300 s old, outside ±300 s: sync the clocks/,
    );
    await expectShoalError(
      () => verifyInternalToken(SECRET, token, NOW - 5 * MINUTE - 1),
      'AUTH_FAILED',
      /ahead/,
    );
  });

  it('fails a token signed with another secret', async () => {
    const token = makeInternalToken(OTHER_SECRET, 'dn1', NOW);
    await expectShoalError(
      () => verifyInternalToken(SECRET, token, NOW),
      'AUTH_FAILED',
      /from dn1 fails its signature: every node must use the same cluster.secret/,
    );
  });

  it('fails a token whose alias, timestamp or signature was changed', async () => {
    const token = makeInternalToken(SECRET, 'dn1', NOW);
    const [, , mac = ''] = token.split(':');
    const flipped = (mac[0] === '0' ? '1' : '0') + mac.slice(1);
    for (const tampered of [
      `dn2:${NOW}:${mac}`,
      `dn1:${NOW + 1}:${mac}`,
      `dn1:${NOW}:${flipped}`,
      `controller:${NOW}:${mac}`,
    ]) {
      await expectShoalError(() => verifyInternalToken(SECRET, tampered, NOW), 'AUTH_FAILED');
    }
  });

  it('signs exactly HMAC-SHA256(secret, "<alias>:<timestamp>")', () => {
    const mac = createHmac('sha256', Buffer.from(SECRET, 'hex')).update(`dn7:${NOW}`).digest('hex');
    expect(makeInternalToken(SECRET, 'dn7', NOW)).toBe(`dn7:${NOW}:${mac}`);
  });

  it('fails malformed tokens', async () => {
    for (const bad of [
      '',
      'dn1',
      `dn1:${NOW}`,
      `dn1:x:${'0'.repeat(64)}`,
      `:${NOW}:${'0'.repeat(64)}`,
      `dn1:${NOW}:${'0'.repeat(63)}`,
    ]) {
      await expectShoalError(
        () => verifyInternalToken(SECRET, bad, NOW),
        'AUTH_FAILED',
        /malformed/,
      );
    }
  });

  it('refuses a secret that is not long enough hex, without repeating it', async () => {
    for (const secret of ['', 'zz'.repeat(32), 'abc', 'ab'.repeat(15)]) {
      await expectShoalError(
        () => makeInternalToken(secret, 'dn1', NOW),
        'INVALID_CONFIG',
        /cluster.secret must be at least 16 bytes of hex/,
      );
    }
  });

  it('refuses an alias that cannot be parsed back', async () => {
    for (const alias of ['', 'a:b', 'a b']) {
      await expectShoalError(() => makeInternalToken(SECRET, alias, NOW), 'INVALID_ARGUMENT');
    }
  });

  it('InternalTokens reuses its token for a second, then signs anew; each verifies', () => {
    const tokens = new InternalTokens(SECRET);
    const first = tokens.make('dn1', NOW);
    expect(first).toBe(makeInternalToken(SECRET, 'dn1', NOW));
    expect(tokens.make('dn1', NOW + 999)).toBe(first);
    expect(tokens.make('dn2', NOW + 999)).toBe(makeInternalToken(SECRET, 'dn2', NOW + 999));
    const next = tokens.make('dn1', NOW + 1000);
    expect(next).toBe(makeInternalToken(SECRET, 'dn1', NOW + 1000));
    // A clock that stepped back does not keep a token from the future.
    expect(tokens.make('dn1', NOW + 10)).toBe(makeInternalToken(SECRET, 'dn1', NOW + 10));
    expect(verifyInternalToken(SECRET, next, NOW + 1000)).toBe('dn1');
  });

  it('InternalTokens checks the window of a remembered token every time', async () => {
    const tokens = new InternalTokens(SECRET);
    const token = makeInternalToken(SECRET, 'dn1', NOW);
    expect(tokens.verify(token, NOW)).toBe('dn1');
    expect(tokens.verify(token, NOW + 5 * MINUTE)).toBe('dn1');
    await expectShoalError(
      () => tokens.verify(token, NOW + 5 * MINUTE + 1),
      'AUTH_FAILED',
      /300 s old/,
    );
  });

  it('InternalTokens refuses what the functions refuse, also after a good token', async () => {
    const tokens = new InternalTokens(SECRET);
    const token = makeInternalToken(SECRET, 'dn1', NOW);
    expect(tokens.verify(token, NOW)).toBe('dn1');
    const other = makeInternalToken(OTHER_SECRET, 'dn1', NOW);
    await expectShoalError(() => tokens.verify(other, NOW), 'AUTH_FAILED', /fails its signature/);
    const renamed = token.replace(/^dn1:/, 'dn2:');
    await expectShoalError(() => tokens.verify(renamed, NOW), 'AUTH_FAILED', /fails its signature/);
    expect(() => new InternalTokens('abc')).toThrow(/cluster.secret must be at least 16 bytes/);
  });

  it('InternalTokens keeps verifying once it forgot tokens past its bound', () => {
    const tokens = new InternalTokens(SECRET);
    const pastBound = Array.from({ length: MAX_REMEMBERED_TOKENS + 10 }, (_, i) =>
      makeInternalToken(SECRET, 'dn1', NOW + i),
    );
    for (const token of pastBound) expect(tokens.verify(token, NOW)).toBe('dn1');
    // The oldest were forgotten: checked again from scratch, still good.
    expect(tokens.verify(pastBound[0] as string, NOW)).toBe('dn1');
  });
});
