// Proves that any sequence of grant, deny and revoke leaves a user whose access matches a
// tiny model (one state per privilege and object; deny wins; ADMIN allows all), and whose
// record never holds duplicates or a grant and a deny of the same entry. fast-check drives it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../core/errors.ts';
import { applyPrivilegeChange, checkAccess, newUserRecord } from './privileges.ts';
import type { ObjectPrivilege, PrivilegeChange, UserRecord } from './privileges.ts';

const OBJECT_PRIVILEGES: readonly ObjectPrivilege[] = ['DB_READ', 'DB_WRITE', 'DB_DDL'];
const OBJECTS = ['*', 'dfs://a', 'dfs://b'] as const;

interface Model {
  isAdmin: boolean;
  readonly entries: Map<string, 'grant' | 'deny'>;
}

const changeArb: fc.Arbitrary<PrivilegeChange> = fc.record({
  kind: fc.constantFrom('grant', 'deny', 'revoke'),
  privilege: fc.constantFrom('DB_READ', 'DB_WRITE', 'DB_DDL', 'ADMIN'),
  object: fc.constantFrom(...OBJECTS),
});

/** The model's step; false when the change must be refused. */
function modelStep(model: Model, name: string, change: PrivilegeChange): boolean {
  if (change.privilege === 'ADMIN') {
    if (change.object !== '*' || change.kind === 'deny') return false;
    if (change.kind === 'revoke' && name === 'admin') return false;
    model.isAdmin = change.kind === 'grant';
    return true;
  }
  const key = `${change.privilege}|${change.object}`;
  if (change.kind === 'revoke') model.entries.delete(key);
  else model.entries.set(key, change.kind);
  return true;
}

function modelAllows(model: Model, privilege: ObjectPrivilege, object: string): boolean {
  if (model.isAdmin) return true;
  const state = (o: string): 'grant' | 'deny' | undefined => model.entries.get(`${privilege}|${o}`);
  if (object === '*') return OBJECTS.every((o) => state(o) !== 'deny') && state('*') === 'grant';
  if (state(object) === 'deny' || state('*') === 'deny') return false;
  return state(object) === 'grant' || state('*') === 'grant';
}

function expectWellFormed(user: UserRecord): void {
  const keys = [...user.grants, ...user.denies].map((e) => `${e.privilege}|${e.object}`);
  expect(new Set(keys).size).toBe(keys.length);
}

describe('privilege changes against a model', () => {
  it('agree on every access decision after every step', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('bob', 'admin'),
        fc.array(changeArb, { maxLength: 40 }),
        (name, changes) => {
          let user = newUserRecord(name, 'h', name === 'admin');
          const model: Model = { isAdmin: name === 'admin', entries: new Map() };
          for (const change of changes) {
            const accepted = modelStep(model, name, change);
            try {
              user = applyPrivilegeChange(user, change);
              expect(accepted).toBe(true);
            } catch (error) {
              expect(isShoalError(error, 'INVALID_ARGUMENT')).toBe(true);
              expect(accepted).toBe(false);
            }
            expectWellFormed(user);
            expect(user.isAdmin).toBe(model.isAdmin);
            for (const privilege of OBJECT_PRIVILEGES) {
              for (const object of OBJECTS) {
                expect(checkAccess(user, { privilege, object }).ok).toBe(
                  modelAllows(model, privilege, object),
                );
              }
            }
          }
        },
      ),
    );
  });
});
