// Node-to-node authentication: a node signs `<alias>:<timestamp>` with HMAC-SHA256 under the
// cluster secret (`cluster.secret`, hex); the receiver accepts it within ±5 minutes of its
// own clock. The token is a bearer token: within the window it can be replayed by whoever
// sees it, which is why cluster traffic stays on loopback or a trusted network.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { assert } from '../../core/assert.ts';
import { ShoalError } from '../../core/errors.ts';
import { INTERNAL_TOKEN_WINDOW_MILLIS } from './auth-limits.ts';

/** Fewest secret bytes accepted: 128 bits (cluster init writes 32 bytes). */
const MIN_SECRET_BYTES = 16;
const TOKEN = /^([^:\s]+):(\d{1,16}):([0-9a-f]{64})$/;

/** The token `alias` sends at `nowMillis`: `<alias>:<timestamp>:<hmacHex>`. */
export function makeInternalToken(secretHex: string, alias: string, nowMillis: number): string {
  if (alias.length === 0 || /[:\s]/.test(alias)) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `node alias ${JSON.stringify(alias)} cannot sign a token: it must be non-empty, without ':' or spaces`,
    );
  }
  const timestamp = Math.trunc(nowMillis);
  assert(Number.isSafeInteger(timestamp) && timestamp >= 0, 'the clock reads a time after 1970');
  return `${alias}:${timestamp}:${sign(secretKey(secretHex), alias, timestamp).toString('hex')}`;
}

/**
 * The alias `token` was signed by, when its signature holds under `secretHex` and its
 * timestamp is within the window of `nowMillis`; AUTH_FAILED otherwise.
 */
export function verifyInternalToken(secretHex: string, token: string, nowMillis: number): string {
  const key = secretKey(secretHex);
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
  const skew = nowMillis - timestamp;
  if (Math.abs(skew) > INTERNAL_TOKEN_WINDOW_MILLIS) {
    throw new ShoalError(
      'AUTH_FAILED',
      `the internal token from ${alias} is ${Math.round(Math.abs(skew) / 1000)} s ${skew > 0 ? 'old' : 'ahead'}, outside ±${INTERNAL_TOKEN_WINDOW_MILLIS / 1000} s: sync the clocks of ${alias} and this node`,
    );
  }
  return alias;
}

function sign(key: Buffer, alias: string, timestamp: number): Buffer {
  return createHmac('sha256', key).update(`${alias}:${timestamp}`).digest();
}

function secretKey(secretHex: string): Buffer {
  const trimmed = secretHex.trim();
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(trimmed) || trimmed.length < 2 * MIN_SECRET_BYTES) {
    throw new ShoalError(
      'INVALID_CONFIG',
      `cluster.secret must be at least ${MIN_SECRET_BYTES} bytes of hex: copy it from the folder shoal cluster init wrote`,
    );
  }
  return Buffer.from(trimmed, 'hex');
}
