// Proves a config folder on disk loads to its ClusterConfig (relative folder made absolute,
// overrides applied), one node loads alone, and a missing file is named with the way out.
// How: real files in a temporary folder.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadClusterConfig, loadNodeConfig } from './load-cluster-config.ts';
import { asyncErrorMessage, NODES_TEXT } from './test-support.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shoal-config-'));
  await writeFile(path.join(dir, 'cluster.nodes'), NODES_TEXT);
  await writeFile(
    path.join(dir, 'controller.cfg'),
    'mode=controller\nclusterReplicationChunkSize=50\n',
  );
  await writeFile(path.join(dir, 'cluster.cfg'), 'logLevel=warn\ndn2.maxConnections=16\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadClusterConfig', () => {
  it('reads the three files and resolves them', async () => {
    const cluster = await loadClusterConfig(path.relative(process.cwd(), dir));
    expect(cluster.dir).toBe(dir);
    expect(cluster.controller.settings.clusterReplicationChunkSize).toBe(50);
    expect(
      cluster.dataNodes.map((n) => [n.alias, n.settings.logLevel, n.settings.maxConnections]),
    ).toEqual([
      ['dn1', 'warn', 512],
      ['dn2', 'warn', 16],
    ]);
    expect(cluster.dataNodes[0]?.home).toBe(dir);
  });

  it('applies command-line overrides', async () => {
    const cluster = await loadClusterConfig(dir, ['--maxConnections=8']);
    expect(
      [cluster.controller, ...cluster.dataNodes].map((n) => n.settings.maxConnections),
    ).toEqual([8, 8, 8]);
  });

  it('names a missing file and how to make one', async () => {
    await rm(path.join(dir, 'cluster.cfg'));
    expect(await asyncErrorMessage(() => loadClusterConfig(dir))).toBe(
      `cluster.cfg: not found in ${dir}; run \`shoal cluster init ${dir}\` to create a cluster there, or name the folder that holds one`,
    );
  });

  it('reports a bad line with its file and line', async () => {
    await writeFile(
      path.join(dir, 'controller.cfg'),
      '# ctl\n\nclusterReplicationIntervalMillis=soon\n',
    );
    expect(await asyncErrorMessage(() => loadClusterConfig(dir))).toBe(
      'controller.cfg line 3: clusterReplicationIntervalMillis=soon is not allowed; use an integer from 1 to 3600000',
    );
  });
});

describe('loadNodeConfig', () => {
  it('loads one node with the overrides applied to it alone', async () => {
    const dn2 = await loadNodeConfig(dir, 'dn2', ['--logLevel=trace']);
    expect(dn2.role).toBe('datanode');
    expect(dn2.port).toBe(8902);
    expect(dn2.settings.logLevel).toBe('trace');
    const controller = await loadNodeConfig(dir, 'controller');
    expect(
      controller.role === 'controller' && controller.settings.clusterReplicationChunkSize,
    ).toBe(50);
  });

  it('refuses an alias cluster.nodes does not list', async () => {
    expect(await asyncErrorMessage(() => loadNodeConfig(dir, 'dn9'), 'INVALID_ARGUMENT')).toBe(
      'no node dn9 in cluster.nodes; it lists controller, dn1, dn2. Did you mean dn1?',
    );
  });
});
