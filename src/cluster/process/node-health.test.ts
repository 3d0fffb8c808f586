// Proves parseHealth accepts exactly the bodies the health route sends: every well-formed
// body round-trips through JSON, and a body missing or mistyping any field is refused. How:
// fast-check over bodies and single-field corruptions.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHealth } from './node-health.ts';
import type { HealthBody } from './node-health.ts';

const bodyArb: fc.Arbitrary<HealthBody> = fc.record({
  alias: fc.string({ minLength: 1, maxLength: 12 }),
  role: fc.constantFrom('controller' as const, 'datanode' as const),
  status: fc.constantFrom('starting' as const, 'ready' as const, 'stopping' as const),
  pid: fc.integer({ min: 1, max: 4_194_304 }),
});

describe('parseHealth', () => {
  it('round-trips every body the route sends', () => {
    fc.assert(
      fc.property(bodyArb, (body) => {
        expect(parseHealth(JSON.parse(JSON.stringify(body)))).toEqual(body);
      }),
    );
  });

  it('refuses a body with any field missing or of the wrong kind', () => {
    const fields = ['alias', 'role', 'status', 'pid'] as const;
    fc.assert(
      fc.property(
        bodyArb,
        fc.constantFrom(...fields),
        fc.oneof(fc.constant(undefined), fc.constant('down'), fc.constant(1.5), fc.constant(null)),
        (body, field, value) => {
          const broken: Record<string, unknown> = { ...body, [field]: value };
          if (field === 'alias' && typeof value === 'string') return; // any text is an alias
          expect(parseHealth(broken)).toBeUndefined();
        },
      ),
    );
    expect(parseHealth(null)).toBeUndefined();
    expect(parseHealth('ready')).toBeUndefined();
  });
});
