// A cluster's config folder on free loopback ports: `cluster init` lays data nodes on the
// ports after the controller's, which may be taken; here every node gets a port that was
// free a moment ago. The demo and the test clusters both start clusters this way.

import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { assert } from '../../core/assert.ts';
import { initCluster } from '../../cli/cluster-init.ts';
import type { InitClusterOptions, InitClusterResult } from '../../cli/cluster-init.ts';
import { CLUSTER_NODES, renderNodesFile } from '../config/index.ts';
import { freePorts } from './free-ports.ts';

/** Writes the config folder `options.dir` with a free port for each node; its layout. */
export async function initLocalCluster(
  options: Omit<InitClusterOptions, 'port' | 'host'>,
): Promise<InitClusterResult> {
  const count = options.dataNodes ?? 2;
  const [controllerPort, ...dataPorts] = await freePorts(count + 1);
  assert(controllerPort !== undefined, 'one port per node');
  const init = await initCluster({ ...options, port: controllerPort });
  const dataNodes = init.dataNodes.map((site, i) => ({ ...site, port: dataPorts[i] ?? 0 }));
  await writeFile(path.join(init.dir, CLUSTER_NODES), renderNodesFile(init.controller, dataNodes));
  return { ...init, dataNodes };
}
