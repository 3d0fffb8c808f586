// Node-to-node authentication: a node signs `<alias>:<timestamp>` with HMAC-SHA256 under the
// cluster secret (`cluster.secret`, hex); the receiver accepts it within ±5 minutes of its
// own clock. The token is a bearer token: within the window it can be replayed by whoever
// sees it, which is why cluster traffic stays on loopback or a trusted network.

import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { assert } from '../../core/assert.ts';
import { ShoalError } from '../../core/errors.ts';
import {
  INTERNAL_TOKEN_REUSE_MILLIS,
  INTERNAL_TOKEN_WINDOW_MILLIS,
  MAX_REMEMBERED_TOKENS,
} from './auth-limits.ts';

/** Fewest secret bytes accepted: 128 bits (cluster init writes 32 bytes). */
const MIN_SECRET_BYTES = 16;
const TOKEN = /^([^:\s]+):(\d{1,16}):([0-9a-f]{64})$/;

/** The token `alias` sends at `nowMillis`: `<alias>:<timestamp>:<hmacHex>`. */
export function makeInternalToken(secretHex: string, alias: string, nowMillis: number): string {
  return signToken(secretKey(secretHex), alias, nowMillis);
}

/**
 * The alias `token` was signed by, when its signature holds under `secretHex` and its
 * timestamp is within the window of `nowMillis`; AUTH_FAILED otherwise.
 */
export function verifyInternalToken(secretHex: string, token: string, nowMillis: number): string {
  const { alias, timestamp } = checkSignature(secretKey(secretHex), token);
  checkWindow(alias, timestamp, nowMillis);
  return alias;
}

/**
 * One node's tokens under one secret, without redoing the HMAC on every request (it cost
 * about 0.3 ms each on a busy VM, and a small write made several): the token of an alias is
 * reused for INTERNAL_TOKEN_REUSE_MILLIS, far inside the window every receiver accepts; a
 * token whose signature held once is not checked again while remembered (its timestamp still
 * is, every time). The secret is parsed once: INVALID_CONFIG here when it is malformed.
 */
export class InternalTokens {
  private readonly key: KeyObject;
  private readonly made = new Map<string, { readonly token: string; readonly atMillis: number }>();
  /** Tokens whose signature held: token → signer and timestamp, oldest first. */
  private readonly checked = new Map<
    string,
    { readonly alias: string; readonly timestamp: number }
  >();

  constructor(secretHex: string) {
    this.key = secretKey(secretHex);
  }

  /** What makeInternalToken gives, or the same token made less than the reuse time ago. */
  make(alias: string, nowMillis: number): string {
    const last = this.made.get(alias);
    const age = last === undefined ? -1 : nowMillis - last.atMillis;
    if (last !== undefined && age >= 0 && age < INTERNAL_TOKEN_REUSE_MILLIS) return last.token;
    const token = signToken(this.key, alias, nowMillis);
    this.made.set(alias, { token, atMillis: nowMillis });
    return token;
  }

  /** What verifyInternalToken answers. */
  verify(token: string, nowMillis: number): string {
    let signed = this.checked.get(token);
    if (signed === undefined) {
      signed = checkSignature(this.key, token);
      if (this.checked.size >= MAX_REMEMBERED_TOKENS) {
        this.checked.delete(this.checked.keys().next().value as string);
      }
      this.checked.set(token, signed);
    }
    checkWindow(signed.alias, signed.timestamp, nowMillis);
    return signed.alias;
  }
}

function signToken(key: KeyObject, alias: string, nowMillis: number): string {
  if (alias.length === 0 || /[:\s]/.test(alias)) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `node alias ${JSON.stringify(alias)} cannot sign a token: it must be non-empty, without ':' or spaces`,
    );
  }
  const timestamp = Math.trunc(nowMillis);
  assert(Number.isSafeInteger(timestamp) && timestamp >= 0, 'the clock reads a time after 1970');
  return `${alias}:${timestamp}:${sign(key, alias, timestamp).toString('hex')}`;
}

/** The signer and timestamp of `token` once its signature holds; AUTH_FAILED otherwise. */
function checkSignature(key: KeyObject, token: string): { alias: string; timestamp: number } {
  const match = TOKEN.exec(token);
  if (match === null) {
    throw new ShoalError(
      'AUTH_FAILED',
      'the internal token is malformed (expected alias:timestamp:hmac): the caller is not a node of this cluster',
    );
  }
  const [, alias = '', timestampText = '', macHex = ''] = match;
  const timestamp = Number(timestampText);
  if (!timingSafeEqual(sign(key, alias, timestamp), Buffer.from(macHex, 'hex'))) {
    throw new ShoalError(
      'AUTH_FAILED',
      `the internal token from ${alias} fails its signature: every node must use the same cluster.secret`,
    );
  }
  return { alias, timestamp };
}

function checkWindow(alias: string, timestamp: number, nowMillis: number): void {
  const skew = nowMillis - timestamp;
  if (Math.abs(skew) > INTERNAL_TOKEN_WINDOW_MILLIS) {
    throw new ShoalError(
      'AUTH_FAILED',
      `the internal token from ${alias} is ${Math.round(Math.abs(skew) / 1000)} s ${skew > 0 ? 'old' : 'ahead'}, outside ±${INTERNAL_TOKEN_WINDOW_MILLIS / 1000} s: sync the clocks of ${alias} and this node`,
    );
  }
}

function sign(key: KeyObject, alias: string, timestamp: number): Buffer {
  return createHmac('sha256', key).update(`${alias}:${timestamp}`).digest();
}

function secretKey(secretHex: string): KeyObject {
  const trimmed = secretHex.trim();
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(trimmed) || trimmed.length < 2 * MIN_SECRET_BYTES) {
    throw new ShoalError(
      'INVALID_CONFIG',
      `cluster.secret must be at least ${MIN_SECRET_BYTES} bytes of hex: copy it from the folder shoal cluster init wrote`,
    );
  }
  return createSecretKey(Buffer.from(trimmed, 'hex'));
}
