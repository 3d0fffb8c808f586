// Lock resources of the store. The digit prefix makes canonical order database → table →
// partition, which every transaction follows, so no two can deadlock.

import type { LockRequest } from './lock-manager.ts';

export function databaseLock(db: string, mode: LockRequest['mode']): LockRequest {
  return { resource: `1d:${db}`, mode };
}

export function tableLock(db: string, table: string, mode: LockRequest['mode']): LockRequest {
  return { resource: `2t:${db}/${table}`, mode };
}

export function partitionLock(db: string, table: string, key: string): LockRequest {
  return { resource: `3p:${db}/${table}/${key}`, mode: 'exclusive' };
}
