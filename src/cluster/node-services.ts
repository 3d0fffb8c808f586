// The real services of a node process: the controller (users, sessions, placement, the
// transaction log) and the data node (its partitions, the participant routes, the
// coordinator behind the public API). The process runtime (process/) runs them.

import path from 'node:path';
import { registerPublicApi } from '../net/public-api.ts';
import { checkDefaultAdminPassword, MAX_SESSIONS, readAdminHash } from './auth/index.ts';
import type { ClusterConfig } from './config/index.ts';
import { ControllerState } from './controller/controller-state.ts';
import { registerControllerPublicApi } from './controller/controller-public-api.ts';
import { registerControllerRoutes } from './controller/controller-routes.ts';
import { DataNode } from './datanode/data-node.ts';
import { dataNodeEngine } from './datanode/data-node-engine.ts';
import { guardInternalRoutes } from './internal-peer.ts';
import type { PeerAddress } from './internal-peer.ts';
import type { NodeService, NodeServices } from './process/node-service.ts';

/** How often a data node asks the controller about prepared transactions. */
const RECOVERY_INTERVAL_MILLIS = 1000;

function addressOf(node: { alias: string; host: string; port: number }): PeerAddress {
  return { alias: node.alias, host: node.host, port: node.port };
}

/** Refuses to run with admin's default password when any node listens beyond loopback. */
async function checkExposure(state: ControllerState, cluster: ClusterConfig): Promise<void> {
  const hosts = [cluster.controller, ...cluster.dataNodes].map((n) => ({
    alias: n.alias,
    host: n.host,
  }));
  checkDefaultAdminPassword(hosts, await state.users.authenticate('admin', '123456'));
}

const controller: NodeServices['controller'] = async (config, context): Promise<NodeService> => {
  if (config.role !== 'controller')
    throw new Error('the controller service runs on the controller');
  const state = ControllerState.open({
    path: path.join(context.dataDir, 'controller'),
    adminHash: await readAdminHash(context.cluster.dir),
    sessionTimeoutMillis: config.settings.sessionTimeoutMillis,
    maxSessions: MAX_SESSIONS,
  });
  try {
    await checkExposure(state, context.cluster);
  } catch (error) {
    await state.close();
    throw error;
  }
  let closeForwarding = async (): Promise<void> => undefined;
  return {
    register: (app) => {
      guardInternalRoutes(app, context.secret);
      closeForwarding = registerControllerPublicApi(
        app,
        state,
        context.cluster.dataNodes.map(addressOf),
        config.settings.requestTimeoutMillis,
      );
      registerControllerRoutes(app, {
        state,
        cluster: {
          controller: addressOf(context.cluster.controller),
          dataNodes: context.cluster.dataNodes.map(addressOf),
        },
        dataNodes: context.cluster.dataNodes.map((n) => n.alias),
        transactionTimeoutMillis: config.settings.transactionTimeoutMillis,
      });
    },
    start: async () => undefined,
    stop: async () => {
      await closeForwarding();
      await state.close();
    },
  };
};

const dataNode: NodeServices['dataNode'] = async (config, context): Promise<NodeService> => {
  const node = await DataNode.open({
    alias: config.alias,
    dataDir: context.dataDir,
    secret: context.secret,
    controller: addressOf(context.cluster.controller),
    dataNodes: context.cluster.dataNodes.map(addressOf),
    requestTimeoutMillis: config.settings.requestTimeoutMillis,
    recoveryIntervalMillis: RECOVERY_INTERVAL_MILLIS,
  });
  return {
    register: (app) => {
      guardInternalRoutes(app, context.secret);
      node.register(app);
      registerPublicApi(app, dataNodeEngine(node));
    },
    start: async () => node.start(),
    stop: () => node.stop(),
  };
};

/** The services `shoal node` runs, by role. */
export const NODE_SERVICES: NodeServices = { controller, dataNode };
