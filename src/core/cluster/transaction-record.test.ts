import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beginTransaction, decideTransaction, inquireTransaction } from './transaction-record.ts';
import type { TransactionOutcome, TransactionRecord } from './transaction-record.ts';

const begun = beginTransaction(7, 'dn1', ['dn1', 'dn2'], 1000);

describe('transaction records', () => {
  it('commits an active transaction once and never changes the decision', () => {
    const committed = decideTransaction(begun, { kind: 'commit' });
    expect(committed).toMatchObject({ changed: true, decision: 'commit' });
    const late = decideTransaction(committed.record, { kind: 'abort', reason: 'x' });
    expect(late).toMatchObject({ changed: false, decision: 'commit' });
  });

  it('aborts an active transaction on inquiry only after the timeout', () => {
    expect(inquireTransaction(begun, 1500, 1000)).toMatchObject({
      changed: false,
      decision: 'pending',
    });
    const timedOut = inquireTransaction(begun, 2001, 1000);
    expect(timedOut).toMatchObject({ changed: true, decision: 'abort' });
    expect(timedOut.record?.reason).toContain('dn1');
    expect(decideTransaction(timedOut.record, { kind: 'commit' }).decision).toBe('abort');
  });

  it('presumes abort for a transaction it has no record of', () => {
    expect(inquireTransaction(undefined, 0, 1).decision).toBe('abort');
    expect(decideTransaction(undefined, { kind: 'commit' }).decision).toBe('abort');
  });

  it('gives every asker the same final decision whatever the order of requests', () => {
    type Step = { kind: 'commit' } | { kind: 'abort' } | { kind: 'inquire'; at: number };
    const step = fc.oneof(
      fc.constant<Step>({ kind: 'commit' }),
      fc.constant<Step>({ kind: 'abort' }),
      fc.integer({ min: 0, max: 5000 }).map((at): Step => ({ kind: 'inquire', at })),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        let record: TransactionRecord | undefined = begun;
        const finals: string[] = [];
        for (const s of steps) {
          const outcome: TransactionOutcome =
            s.kind === 'inquire'
              ? inquireTransaction(record, s.at, 1000)
              : decideTransaction(record, s.kind === 'commit' ? s : { kind: 'abort', reason: 'r' });
          record = outcome.record;
          if (outcome.decision !== 'pending') finals.push(outcome.decision);
        }
        expect(new Set(finals).size).toBeLessThanOrEqual(1);
      }),
    );
  });
});
