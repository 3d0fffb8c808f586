// Functions a data node adds to the registry: getControllerAlias() and getClusterPerf()
// (every node with its role, address and whether it answers).

import type { FunctionDefinition } from '../../query/functions/registry.ts';
import type { Value } from '../../query/value.ts';
import { HttpClient } from '../../net/index.ts';
import type { PeerAddress } from '../internal-peer.ts';

export interface ClusterShape {
  readonly controller: PeerAddress;
  readonly dataNodes: readonly PeerAddress[];
}

const text = (values: readonly string[]): { type: 'STRING'; data: readonly string[] } => ({
  type: 'STRING',
  data: values,
});

/** 'up' when the node's /health answers within a second, else 'down'. */
async function healthOf(node: PeerAddress): Promise<string> {
  const client = new HttpClient(`http://${node.host}:${node.port}`, {
    nodeName: `node ${node.alias}`,
    timeoutMillis: 1000,
  });
  try {
    await client.getJson('/health');
    return 'up';
  } catch {
    return 'down';
  } finally {
    await client.close();
  }
}

/** getClusterPerf(): every node with its role, address and whether /health answers. */
export async function clusterPerf(cluster: ClusterShape): Promise<Value> {
  const nodes = [
    { ...cluster.controller, role: 'controller' },
    ...cluster.dataNodes.map((n) => ({ ...n, role: 'datanode' })),
  ];
  const states = await Promise.all(nodes.map((node) => healthOf(node)));
  return {
    kind: 'table',
    table: {
      names: ['name', 'role', 'host', 'port', 'state'],
      columns: [
        text(nodes.map((n) => n.alias)),
        text(nodes.map((n) => n.role)),
        text(nodes.map((n) => n.host)),
        { type: 'INT', data: Int32Array.from(nodes.map((n) => n.port)) },
        text(states),
      ],
    },
  };
}

/** The cluster functions of a data node of `cluster`. */
export function clusterFunctions(cluster: ClusterShape): FunctionDefinition[] {
  return [
    {
      kind: 'scalar',
      name: 'getControllerAlias',
      summary: "getControllerAlias(): the controller's alias",
      minArgs: 0,
      maxArgs: 0,
      call: () => ({ kind: 'scalar', type: 'STRING', value: cluster.controller.alias }),
    },
    {
      kind: 'command',
      name: 'getClusterPerf',
      summary: 'getClusterPerf(): every node with its role, address and state',
      minArgs: 0,
      maxArgs: 0,
      run: () => clusterPerf(cluster),
    },
  ];
}
