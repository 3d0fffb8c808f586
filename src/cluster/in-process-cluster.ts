// A whole cluster inside one process, for tests and benches of the protocols: a controller
// and N data nodes, each with its own HTTP server on a free loopback port, its own folder and
// the same services the real processes run. Crash tests use real processes (test/); this
// is for the logic of placement, two-phase commit and distributed queries.

import { controllerReplicationFunctions } from '../replication/replication-functions.ts';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHttpServer } from '../net/index.ts';
import type { HttpServer } from '../net/index.ts';
import { hashPassword } from './auth/index.ts';
import { ControllerState } from './controller/controller-state.ts';
import { registerControllerRoutes } from './controller/controller-routes.ts';
import { DataNode } from './datanode/data-node.ts';
import { guardInternalRoutes, PeerClient } from './internal-peer.ts';
import type { PeerAddress } from './internal-peer.ts';

export interface InProcessCluster {
  readonly dir: string;
  readonly controller: ControllerState;
  readonly dataNodes: readonly DataNode[];
  /** A client of node `alias` signed as the node `as` (for tests that drive the protocol). */
  peer(alias: string, as?: string): PeerClient;
  /** Stops data node `alias`'s server (its store stays open), as if it were unreachable. */
  disconnect(alias: string): Promise<void>;
  /** Stops everything and removes the folder. */
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a controller and `dataNodeCount` data nodes in this process. */
export async function startInProcessCluster(options: {
  readonly dataNodeCount: number;
  readonly transactionTimeoutMillis?: number;
}): Promise<InProcessCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-cluster-'));
  const secret = randomBytes(32).toString('hex');
  const address = async (alias: string): Promise<PeerAddress> => ({
    alias,
    host: '127.0.0.1',
    port: await freePort(),
  });
  const controllerAddress = await address('controller');
  const dataNodeAddresses = await Promise.all(
    Array.from({ length: options.dataNodeCount }, (_, i) => address(`dn${i + 1}`)),
  );
  const controller = ControllerState.open({
    path: path.join(dir, 'controller'),
    adminHash: await hashPassword('123456'),
    sessionTimeoutMillis: 3_600_000,
    maxSessions: 1000,
  });
  const servers = new Map<string, HttpServer>();
  const serve = async (
    peer: PeerAddress,
    register: (server: HttpServer) => void,
  ): Promise<void> => {
    const server = createHttpServer({
      name: peer.alias,
      host: peer.host,
      port: peer.port,
      logLevel: 'silent',
    });
    guardInternalRoutes(server.app, secret);
    register(server);
    await server.listen();
    servers.set(peer.alias, server);
  };
  await serve(controllerAddress, (server) =>
    registerControllerRoutes(server.app, {
      state: controller,
      cluster: { controller: controllerAddress, dataNodes: dataNodeAddresses },
      dataNodes: dataNodeAddresses.map((a) => a.alias),
      transactionTimeoutMillis: options.transactionTimeoutMillis ?? 60_000,
      replicationFunctions: controllerReplicationFunctions('none', new Map()),
    }),
  );
  const dataNodes: DataNode[] = [];
  for (const peer of dataNodeAddresses) {
    const node = await DataNode.open({
      alias: peer.alias,
      dataDir: path.join(dir, peer.alias),
      secret,
      controller: controllerAddress,
      dataNodes: dataNodeAddresses,
      requestTimeoutMillis: 30_000,
      recoveryIntervalMillis: 3_600_000,
    });
    await serve(peer, (server) => node.register(server.app));
    dataNodes.push(node);
  }
  return {
    dir,
    controller,
    dataNodes,
    peer: (alias, as = 'test') => {
      const target = [controllerAddress, ...dataNodeAddresses].find((a) => a.alias === alias);
      if (target === undefined) throw new Error(`no node ${alias}`);
      return new PeerClient(target, as, secret, 30_000);
    },
    disconnect: async (alias) => {
      await servers.get(alias)?.close();
      servers.delete(alias);
    },
    close: async () => {
      await Promise.allSettled([...servers.values()].map((s) => s.close()));
      await Promise.allSettled(dataNodes.map((n) => n.stop()));
      await controller.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
