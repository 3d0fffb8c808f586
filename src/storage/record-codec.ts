// Checksummed records for the catalog database: [CRC-32 of payload, 4 bytes LE][payload].
// The payload is JSON with tagged bigints and row-position arrays (commit-effects.ts).

import { crc32 } from 'node:zlib';
import { ShoalError } from '../core/errors.ts';
import { replaceTagged, reviveTagged } from './commit-effects.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a JSON-able value with its checksum. */
export function encodeRecord(value: unknown): Buffer {
  const payload = encoder.encode(JSON.stringify(value, replaceTagged));
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt32LE(crc32(payload), 0);
  out.set(payload, 4);
  return out;
}

/** Decodes a record, verifying its checksum; CORRUPT_DATA names `key` when it fails. */
export function decodeRecord<T>(bytes: Uint8Array, key: string): T {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 4) throw new ShoalError('CORRUPT_DATA', `catalog record ${key} is truncated`);
  const payload = buffer.subarray(4);
  if (buffer.readUInt32LE(0) !== crc32(payload)) {
    throw new ShoalError(
      'CORRUPT_DATA',
      `catalog record ${key} fails its checksum: restore the node from a replica`,
    );
  }
  return JSON.parse(decoder.decode(payload), reviveTagged) as T;
}
