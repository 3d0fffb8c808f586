// What the public API (login, run, call, append) does on a data node: sessions live on the
// controller; statements run through this node's coordinator as the session's user.

import { parseStatements } from '../../query/parser.ts';
import type { Engine, SessionGrant } from '../../net/public-api.ts';
import type { DataNode } from './data-node.ts';

/** The public API's engine over one data node. */
export function dataNodeEngine(node: DataNode): Engine {
  const { controller, coordinator } = node;
  return {
    login: (user, password) => controller.json<SessionGrant>('/internal/login', { user, password }),
    logout: async (token) => {
      await controller.json('/internal/logout', { token });
    },
    authenticate: async (token) =>
      (await controller.json<{ user: string }>('/internal/authenticate', { token })).user,
    run: (user, text) => coordinator.run(user, text, parseStatements(text)),
    call: (user, name, args) => node.call(user, name, args),
    append: (user, database, table, columns, keep) =>
      coordinator.append(user, database, table, columns, { keep }),
  };
}
