// DolphinDB's user administration functions on a data node: each forwards to the controller
// with the calling user, and the controller checks that caller's rights (ADMIN for all but
// changing one's own password).

import type { FunctionDefinition } from '../../query/functions/registry.ts';
import { textArg } from '../../query/value-access.ts';
import { VOID } from '../../query/value.ts';
import type { PeerClient } from '../internal-peer.ts';

/** name → [least, most] arguments, and what each is. */
const USER_COMMANDS: ReadonlyMap<
  string,
  { args: readonly string[]; optional: number; summary: string }
> = new Map([
  [
    'createUser',
    {
      args: ['user name', 'password'],
      optional: 0,
      summary: 'createUser(name, password): a new user (admin only)',
    },
  ],
  [
    'deleteUser',
    { args: ['user name'], optional: 0, summary: 'deleteUser(name): removes a user (admin only)' },
  ],
  [
    'changePwd',
    {
      args: ['old password', 'new password'],
      optional: 0,
      summary: 'changePwd(old, new): changes your own password',
    },
  ],
  [
    'resetPwd',
    {
      args: ['user name', 'new password'],
      optional: 0,
      summary: "resetPwd(name, new): sets a user's password (admin only)",
    },
  ],
  [
    'grant',
    {
      args: ['user name', 'privilege', 'database'],
      optional: 1,
      summary: 'grant(user, privilege, [database]): allows DB_READ, DB_WRITE, DB_DDL or ADMIN',
    },
  ],
  [
    'deny',
    {
      args: ['user name', 'privilege', 'database'],
      optional: 1,
      summary: 'deny(user, privilege, [database]): refuses a privilege, over any grant',
    },
  ],
  [
    'revoke',
    {
      args: ['user name', 'privilege', 'database'],
      optional: 1,
      summary: 'revoke(user, privilege, [database]): removes a grant or deny',
    },
  ],
]);

/** The user functions, forwarding through `controller`. */
export function userFunctions(controller: PeerClient): FunctionDefinition[] {
  return [...USER_COMMANDS].map(([name, shape]) => ({
    kind: 'command',
    name,
    summary: shape.summary,
    minArgs: shape.args.length - shape.optional,
    maxArgs: shape.args.length,
    run: async (args, { user, position }) => {
      const texts = args.map((arg, i) =>
        textArg(arg, `the ${shape.args[i] ?? 'argument'}`, position),
      );
      await controller.json('/internal/user-command', { caller: user, name, args: texts });
      return VOID;
    },
  }));
}

/** Names of the user functions (they run on the coordinator, which forwards them). */
export const USER_FUNCTION_NAMES: readonly string[] = [...USER_COMMANDS.keys()];
