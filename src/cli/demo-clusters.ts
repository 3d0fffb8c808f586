// The demo's two clusters (SPEC §9): a master and a slave, each a controller and two data
// nodes as real processes on free loopback ports, in one temporary folder. Stopping is
// idempotent and can run at any moment (Ctrl-C), so the demo never leaves a node behind
// unless asked to.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ShoalError } from '../core/errors.ts';
import { DEFAULT_ADMIN_PASSWORD } from '../cluster/auth/index.ts';
import { initLocalCluster } from '../cluster/process/local-cluster.ts';
import { startCluster } from '../cluster/process/start-cluster.ts';
import { stopCluster } from '../cluster/process/stop-cluster.ts';

/** A started cluster of the demo. */
export interface DemoCluster {
  readonly dir: string;
  readonly controllerUrl: string;
  readonly dataNodeUrls: readonly string[];
}

/** The demo's master and slave, and how to stop them. */
export interface DemoClusters {
  readonly dir: string;
  readonly master: DemoCluster;
  readonly slave: DemoCluster;
  /** The admin password of both clusters (the default: they listen on loopback only). */
  readonly password: string;
  /** Stops every node started (slave first) and, unless `keepFolder`, removes the folder. */
  stop(keepFolder?: boolean): Promise<void>;
}

/** Longest wait for the nodes of one cluster to be ready. */
const START_TIMEOUT_MILLIS = 120_000;
/** Longest graceful stop per phase before SIGKILL. */
const STOP_TIMEOUT_MILLIS = 15_000;

/** The demo's folder, before and while its clusters start. */
export interface DemoFolder {
  readonly dir: string;
  /** Starts the master, then the slave; on failure stops what started and removes the folder. */
  start(say: (line: string) => void): Promise<DemoClusters>;
  /** Stops whatever started so far (slave first) and, unless `keepFolder`, removes the folder. */
  stop(keepFolder?: boolean): Promise<void>;
}

/** Makes the demo's temporary folder; nothing runs until `start`. */
export async function createDemoFolder(): Promise<DemoFolder> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-demo-'));
  const started: string[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (keepFolder = false): Promise<void> =>
    (stopping ??= (async () => {
      for (const clusterDir of [...started].reverse()) {
        await stopCluster({ dir: clusterDir, timeoutMillis: STOP_TIMEOUT_MILLIS });
      }
      if (!keepFolder) await rm(dir, { recursive: true, force: true });
    })());
  const start = async (say: (line: string) => void): Promise<DemoClusters> => {
    try {
      const master = await startOne(path.join(dir, 'master'), { mode: 'master' }, started, say);
      const masterCtl = new URL(master.controllerUrl).host;
      const slave = await startOne(
        path.join(dir, 'slave'),
        { mode: 'slave', masterCtl },
        started,
        say,
      );
      return { dir, master, slave, password: DEFAULT_ADMIN_PASSWORD, stop };
    } catch (error) {
      await stop();
      throw error;
    }
  };
  return { dir, start, stop };
}

async function startOne(
  dir: string,
  replication: { readonly mode: 'master' } | { readonly mode: 'slave'; readonly masterCtl: string },
  started: string[],
  say: (line: string) => void,
): Promise<DemoCluster> {
  const role = replication.mode;
  const init = await initLocalCluster({ dir, dataNodes: 2, replication });
  const since = Date.now();
  started.push(init.dir);
  const result = await startCluster({ dir: init.dir, timeoutMillis: START_TIMEOUT_MILLIS });
  if (result.kind === 'failed') {
    throw new ShoalError(
      'NODE_UNAVAILABLE',
      [
        `the ${role} cluster's node ${result.alias} did not start: ${result.reason}`,
        `last lines of ${result.logFile}:`,
        ...result.logTail,
      ].join('\n'),
    );
  }
  const url = (site: { host: string; port: number }): string => `http://${site.host}:${site.port}`;
  say(
    `${role} cluster ready in ${((Date.now() - since) / 1000).toFixed(1)} s: controller ${url(init.controller)}, data nodes ${init.dataNodes.map(url).join(', ')}`,
  );
  return {
    dir: init.dir,
    controllerUrl: url(init.controller),
    dataNodeUrls: init.dataNodes.map(url),
  };
}
