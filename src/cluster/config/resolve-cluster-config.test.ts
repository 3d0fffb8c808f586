// Proves a cluster's settings resolve with defaults, then cluster.cfg, then alias.key, then
// the command line (for every node, or only the node being started), and that the rules
// spanning files hold: one replication mode, what a slave needs, localSite agreeing with
// cluster.nodes, distinct master work folders. How: resolve small texts, check values/messages.

import { describe, expect, it } from 'vitest';
import type { ClusterConfig } from './cluster-config.ts';
import { resolveClusterConfig } from './resolve-cluster-config.ts';
import type { ConfigTexts } from './resolve-cluster-config.ts';
import { errorMessage, NODES_TEXT } from './test-support.ts';

const DIR = '/srv/shoal';

function resolve(
  texts: Partial<ConfigTexts>,
  overrides: readonly string[] = [],
  forAlias?: string,
): ClusterConfig {
  const all = { controllerCfg: '', clusterCfg: '', clusterNodes: NODES_TEXT, ...texts };
  return resolveClusterConfig(all, {
    dir: DIR,
    overrides,
    ...(forAlias === undefined ? {} : { forAlias }),
  });
}

const node = (cluster: ClusterConfig, alias: string) =>
  [cluster.controller, ...cluster.dataNodes].find((n) => n.alias === alias);

describe('resolveClusterConfig: defaults', () => {
  it('gives the controller every controller key, defaults applied', () => {
    const cluster = resolve({});
    expect(cluster.dir).toBe(DIR);
    expect(cluster.replicationMode).toBe('none');
    const { settings, ...address } = cluster.controller;
    expect(address).toEqual({
      alias: 'controller',
      host: '127.0.0.1',
      port: 8900,
      role: 'controller',
      home: DIR,
    });
    expect(settings).toEqual({
      mode: 'controller',
      localSite: { host: '127.0.0.1', port: 8900, alias: 'controller' },
      home: DIR,
      maxConnections: 512,
      sessionTimeoutMillis: 3_600_000,
      requestTimeoutMillis: 30_000,
      maxRequestBytes: 268_435_456,
      transactionTimeoutMillis: 60_000,
      logLevel: 'info',
      clusterReplicationSlaveNum: 2,
      clusterReplicationMasterCtl: undefined,
      clusterReplicationMasterUsername: 'admin',
      clusterReplicationMasterPassword: undefined,
      clusterReplicationRetryInitialMillis: 1000,
      clusterReplicationRetryMaxMillis: 60_000,
      clusterReplicationQueue: 8,
      slaveReplicationDBScope: undefined,
      enableClusterReplicationSSL: false,
      clusterReplicationChunkSize: 500,
      clusterReplicationIntervalMillis: 3000,
      clusterReplicationIntervalOpers: 500,
      clusterReplicationShutdownTimeout: 300_000,
      clusterReplicationRedoLogCapacity: -1,
      clusterReplicationOnCapacityExceeded: 'block-operations',
    });
  });

  it('gives each data node every data node key, defaults applied', () => {
    const cluster = resolve({});
    expect(cluster.dataNodes.map((n) => [n.alias, n.port, n.role])).toEqual([
      ['dn1', 8901, 'datanode'],
      ['dn2', 8902, 'datanode'],
    ]);
    expect(cluster.dataNodes[1]?.settings).toEqual({
      mode: 'datanode',
      home: DIR,
      maxConnections: 512,
      sessionTimeoutMillis: 3_600_000,
      requestTimeoutMillis: 30_000,
      maxRequestBytes: 268_435_456,
      transactionTimeoutMillis: 60_000,
      logLevel: 'info',
      clusterReplicationMode: undefined,
      clusterReplicationWorkDir: `${DIR}/dn2/clusterReplication`,
      clusterReplicationSyncPersistence: false,
      clusterReplicationExecutionUsername: 'admin',
      clusterReplicationExecutionPassword: undefined,
      clusterReplicationWorkerNum: 4,
      enableClusterReplicationSSL: false,
    });
  });

  it('makes paths absolute against the config folder and derives from home', () => {
    const cluster = resolve({
      clusterCfg: 'home=data\ndn2.home=/disk2\ndn2.clusterReplicationWorkDir=repl',
      controllerCfg: 'home=../ctl',
    });
    expect(cluster.controller.home).toBe('/srv/ctl');
    expect(cluster.dataNodes.map((n) => [n.home, n.settings.clusterReplicationWorkDir])).toEqual([
      ['/srv/shoal/data', '/srv/shoal/data/dn1/clusterReplication'],
      ['/disk2', '/srv/shoal/repl'],
    ]);
  });

  it('derives clusterReplicationQueue from the data nodes unless it is written', () => {
    const nodes = `${NODES_TEXT}\nh:1:dn3,datanode`;
    expect(resolve({ clusterNodes: nodes }).controller.settings.clusterReplicationQueue).toBe(12);
    const written = resolve({ clusterNodes: nodes, controllerCfg: 'clusterReplicationQueue=3' });
    expect(written.controller.settings.clusterReplicationQueue).toBe(3);
  });
});

describe('resolveClusterConfig: layers', () => {
  const files = {
    controllerCfg: 'logLevel=debug',
    clusterCfg: 'logLevel=warn\ndn2.logLevel=trace',
  };
  const levels = (cluster: ClusterConfig) =>
    [cluster.controller, ...cluster.dataNodes].map((n) => n.settings.logLevel);

  it('lets alias.key override cluster.cfg for one data node', () => {
    expect(levels(resolve(files))).toEqual(['debug', 'warn', 'trace']);
  });

  it('lets the command line override every node that takes the key', () => {
    expect(levels(resolve(files, ['--logLevel=error']))).toEqual(['error', 'error', 'error']);
    const chunk = resolve(files, [
      '--clusterReplicationChunkSize=7',
      '--clusterReplicationWorkerNum=9',
    ]);
    expect(chunk.controller.settings.clusterReplicationChunkSize).toBe(7);
    expect(chunk.dataNodes.map((n) => n.settings.clusterReplicationWorkerNum)).toEqual([9, 9]);
  });

  it('applies the command line to the node being started alone', () => {
    expect(levels(resolve(files, ['--logLevel=error'], 'dn2'))).toEqual(['debug', 'warn', 'error']);
    expect(levels(resolve(files, ['--logLevel=error', '--mode=controller'], 'controller'))).toEqual(
      ['error', 'warn', 'trace'],
    );
  });

  it('refuses a command-line key the started node does not take', () => {
    expect(
      errorMessage(() =>
        resolve({}, ['--logLevel=info', '--clusterReplicationChunkSize=5'], 'dn1'),
      ),
    ).toBe(
      'command line argument 2: clusterReplicationChunkSize is a controller key, set in controller.cfg; a data node does not take it',
    );
    expect(errorMessage(() => resolve({}, ['--clusterReplicationWorkerNum=5'], 'controller'))).toBe(
      'command line argument 1: clusterReplicationWorkerNum is a data node key, set in cluster.cfg; the controller does not take it',
    );
  });

  it('checks a command-line mode against the node', () => {
    expect(errorMessage(() => resolve({}, ['--mode=controller'], 'dn1'))).toBe(
      'command line argument 1: mode=controller does not match dn1, which cluster.nodes lists as datanode',
    );
    expect(errorMessage(() => resolve({}, ['--mode=datanode']))).toBe(
      'command line argument 1: mode names one node’s role; give it only when starting one node',
    );
    expect(node(resolve({}, ['--mode=datanode'], 'dn1'), 'dn1')?.settings.mode).toBe('datanode');
  });

  it('refuses to start a node cluster.nodes does not list', () => {
    expect(errorMessage(() => resolve({}, [], 'dn3'), 'INVALID_ARGUMENT')).toBe(
      'no node dn3 in cluster.nodes; it lists controller, dn1, dn2. Did you mean dn1?',
    );
  });
});

describe('resolveClusterConfig: rules across files', () => {
  it('accepts a localSite equal to the controller line and refuses another', () => {
    expect(resolve({ controllerCfg: 'localSite=127.0.0.1:8900:controller' }).controller.port).toBe(
      8900,
    );
    expect(
      errorMessage(() => resolve({ controllerCfg: '\nlocalSite=127.0.0.1:9000:controller' })),
    ).toBe(
      'controller.cfg line 2: localSite=127.0.0.1:9000:controller differs from the controller line of cluster.nodes (line 2: 127.0.0.1:8900:controller); make them the same',
    );
    expect(errorMessage(() => resolve({}, ['--localSite=127.0.0.1:8900:ctl']))).toBe(
      'command line argument 1: localSite=127.0.0.1:8900:ctl differs from the controller line of cluster.nodes (line 2: 127.0.0.1:8900:controller); make them the same',
    );
  });

  it('refuses data nodes that disagree on clusterReplicationMode', () => {
    expect(
      errorMessage(() =>
        resolve({
          clusterCfg: 'clusterReplicationMode=master\n\ndn2.clusterReplicationMode=slave',
        }),
      ),
    ).toBe(
      'cluster.cfg line 3: data nodes disagree on clusterReplicationMode: dn1 has master, dn2 has slave; a cluster is wholly a master or a slave, so set it once in cluster.cfg',
    );
    expect(errorMessage(() => resolve({ clusterCfg: 'dn1.clusterReplicationMode=master' }))).toBe(
      'cluster.cfg line 1: data nodes disagree on clusterReplicationMode: dn1 has master, dn2 has none; a cluster is wholly a master or a slave, so set it once in cluster.cfg',
    );
    expect(
      errorMessage(() =>
        resolve(
          { clusterCfg: 'clusterReplicationMode=master' },
          ['--clusterReplicationMode=slave'],
          'dn2',
        ),
      ),
    ).toBe(
      'command line argument 1: data nodes disagree on clusterReplicationMode: dn1 has master, dn2 has slave; a cluster is wholly a master or a slave, so set it once in cluster.cfg',
    );
  });

  it('requires the master controller and an execution password on a slave', () => {
    const slave = 'clusterReplicationMode=slave\nclusterReplicationExecutionPassword=pw';
    expect(errorMessage(() => resolve({ clusterCfg: slave }))).toBe(
      'controller.cfg: clusterReplicationMasterCtl is required because cluster.cfg sets clusterReplicationMode=slave; set it to host:port of a controller of the master cluster',
    );
    const controllerCfg = 'clusterReplicationMasterCtl=10.0.0.1:8848';
    expect(
      errorMessage(() =>
        resolve({
          controllerCfg,
          clusterCfg: 'clusterReplicationMode=slave\ndn1.clusterReplicationExecutionPassword=pw',
        }),
      ),
    ).toBe(
      'cluster.cfg: clusterReplicationExecutionPassword is required on data node dn2 because clusterReplicationMode=slave; set the password of clusterReplicationExecutionUsername',
    );
    const cluster = resolve({ controllerCfg, clusterCfg: slave });
    expect(cluster.replicationMode).toBe('slave');
    expect(cluster.controller.settings.clusterReplicationMasterCtl).toEqual({
      host: '10.0.0.1',
      port: 8848,
    });
    expect(cluster.dataNodes[0]?.settings.clusterReplicationExecutionPassword).toBe('pw');
  });

  it('refuses master data nodes of one host sharing a work folder', () => {
    const clusterCfg = 'clusterReplicationMode=master\nclusterReplicationWorkDir=/repl';
    expect(errorMessage(() => resolve({ clusterCfg }))).toBe(
      'cluster.cfg line 2: data nodes dn1 and dn2 on 127.0.0.1 share clusterReplicationWorkDir /repl; give each its own (dn2.clusterReplicationWorkDir=… in cluster.cfg)',
    );
    const twoHosts = NODES_TEXT.replace('127.0.0.1:8902', '10.0.0.2:8902');
    expect(resolve({ clusterCfg, clusterNodes: twoHosts }).replicationMode).toBe('master');
    expect(resolve({ clusterCfg: 'clusterReplicationMode=master' }).replicationMode).toBe('master');
  });

  it('refuses enableClusterReplicationSSL=true, which is not built, naming the line', () => {
    const clusterCfg = 'clusterReplicationMode=master\nenableClusterReplicationSSL=true';
    expect(errorMessage(() => resolve({ clusterCfg }))).toMatch(
      /^cluster\.cfg line 2: enableClusterReplicationSSL=true asks for TLS .* this version does not provide/,
    );
    const off = 'clusterReplicationMode=master\nenableClusterReplicationSSL=false';
    expect(resolve({ clusterCfg: off }).replicationMode).toBe('master');
  });
});
