// Free TCP ports for test clusters: each is bound (port 0, the kernel picks) while the others
// are, so they are distinct, then released for the nodes to take.

import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { assert } from '../../core/assert.ts';

/** `count` distinct ports on `host` that were free a moment ago. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<readonly number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await bound(host));
    return servers.map((server) => {
      const address = server.address();
      assert(address !== null && typeof address === 'object', 'a TCP server has a TCP address');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

async function bound(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}
