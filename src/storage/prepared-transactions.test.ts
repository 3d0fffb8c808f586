// Proves the store's transaction bookkeeping: the published window keeps exactly the newest
// ids however publishes and reloads interleave, and a prepared write blocks only the locks
// that conflict with its own. How: fast-check sequences against a plain list, and examples.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../core/errors.ts';
import { partitionLock, tableLock } from './lock-names.ts';
import { PreparedTransactions } from './prepared-transactions.ts';
import type { PreparedRecord, PublishedRecord } from './prepared-write.ts';

function record(transaction: string, locks: PreparedRecord['locks'] = []): PreparedRecord {
  return {
    transaction,
    owner: `append prepared as ${transaction}`,
    locks,
    plan: { kind: 'APPEND', db: 'dfs://d', table: 't', rowsWritten: 1, changes: [] },
    files: [],
  };
}

describe('prepared transactions', () => {
  it('remembers the newest published ids, across reloads', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.boolean(), { maxLength: 30 }),
        (kept, reloads) => {
          let stored: PublishedRecord[] = [];
          let registry = new PreparedTransactions(stored, kept);
          const all: string[] = [];
          reloads.forEach((reload, i) => {
            const tx = `t${i}`;
            registry.begin(tx);
            expect(registry.end(tx)).toBe(false);
            registry.hold(record(tx), () => undefined);
            const publication = registry.publication(tx, i + 1);
            // What the catalog holds after the commit that carries the publication.
            stored = [
              ...stored.filter((p) => !publication.forget.includes(p.transaction)),
              { transaction: tx, txId: i + 1 },
            ];
            registry.notePublished(publication);
            all.push(tx);
            expect(stored.length).toBeLessThanOrEqual(kept);
            if (reload) registry = new PreparedTransactions([...stored].reverse(), kept);
          });
          const newest = new Set(all.slice(-kept));
          for (const tx of all)
            expect(registry.status(tx)).toBe(newest.has(tx) ? 'published' : 'unknown');
          expect(stored.map((p) => p.transaction).sort()).toEqual([...newest].sort());
        },
      ),
    );
  });

  it('allows one prepare per transaction and tells a prepare that a discard overtook', () => {
    const registry = new PreparedTransactions([{ transaction: 'old', txId: 3 }], 10);
    registry.begin('a');
    expect(registry.status('a')).toBe('preparing');
    const again = (tx: string) => {
      try {
        registry.begin(tx);
        return 'begun';
      } catch (error) {
        return isShoalError(error, 'INVALID_ARGUMENT') ? 'refused' : String(error);
      }
    };
    expect(again('a')).toBe('refused');
    expect(again('old')).toBe('refused');
    expect(registry.discardInFlight('a')).toBe(true);
    expect(registry.discardInFlight('b')).toBe(false);
    expect(registry.end('a')).toBe(true);
    expect(registry.status('a')).toBe('unknown');
    expect(registry.publishedAt('old')).toBe(3);
  });

  it('blocks only the locks that conflict with a prepared write', () => {
    const registry = new PreparedTransactions([], 10);
    registry.hold(
      record('p', [tableLock('db', 't', 'shared'), partitionLock('db', 't', '20240101')]),
      () => undefined,
    );
    expect(registry.blocks([tableLock('db', 't', 'shared')])).toBe(false);
    expect(registry.blocks([tableLock('db', 't', 'exclusive')])).toBe(true);
    expect(registry.blocks([partitionLock('db', 't', '20240102')])).toBe(false);
    expect(registry.blocks([partitionLock('db', 't', '20240101')])).toBe(true);
    registry.noteDiscarded('p');
    expect(registry.blocks([tableLock('db', 't', 'exclusive')])).toBe(false);
  });
});
