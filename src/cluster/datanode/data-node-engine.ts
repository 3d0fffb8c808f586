// What the public API (login, run, call, append) does on a data node: sessions live on the
// controller; statements run through this node's coordinator as the session's user.

import type { Column } from '../../core/types/column.ts';
import { parseStatements } from '../../query/parser.ts';
import type { Value } from '../../query/value.ts';
import type { DataNode } from './data-node.ts';

/** A session as the controller grants it. */
export interface SessionGrant {
  readonly token: string;
  readonly user: string;
  readonly expiresAtMillis: number;
}

/** The public API's engine over one data node. */
export function dataNodeEngine(node: DataNode): {
  login(user: string, password: string): Promise<SessionGrant>;
  logout(token: string): Promise<void>;
  authenticate(token: string): Promise<string>;
  run(user: string, text: string): AsyncIterable<Value>;
  call(user: string, name: string, args: readonly Value[]): Promise<Value>;
  append(
    user: string,
    database: string,
    table: string,
    columns: readonly Column[],
  ): Promise<number>;
} {
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
    append: (user, database, table, columns) => coordinator.append(user, database, table, columns),
  };
}
