// Proves the settings files `cluster init` renders document every key of their file and
// that every default they show is valid: uncommenting each `#key=value` line loads to the
// very settings of the file as written. How: render, resolve both versions, compare.

import { describe, expect, it } from 'vitest';
import { keysFor } from './config-keys.ts';
import { renderNodesFile, renderSettingsFile } from './render-config.ts';
import { resolveClusterConfig } from './resolve-cluster-config.ts';

const controller = { host: '127.0.0.1', port: 7000, alias: 'controller' };
const dataNodes = [
  { host: '127.0.0.1', port: 7001, alias: 'dn1' },
  { host: '127.0.0.1', port: 7002, alias: 'dn2' },
];
const texts = {
  controllerCfg: renderSettingsFile('controller.cfg', [
    ['mode', 'controller'],
    ['localSite', controller],
  ]),
  clusterCfg: renderSettingsFile('cluster.cfg', []),
  clusterNodes: renderNodesFile(controller, dataNodes),
};
const uncomment = (text: string) => text.replace(/^#(?=\w+=)/gm, '');

describe('renderSettingsFile', () => {
  it('names every key of its file, with its meaning', () => {
    for (const key of keysFor('controller')) {
      expect(texts.controllerCfg).toMatch(new RegExp(`^(# ${key}: .+|${key}=.+)$`, 'm'));
    }
    for (const key of keysFor('datanode')) {
      expect(texts.clusterCfg).toMatch(new RegExp(`^# ${key}: .+$`, 'm'));
    }
    expect(texts.controllerCfg).toContain(
      '\nmode=controller\nlocalSite=127.0.0.1:7000:controller\n',
    );
    expect(texts.clusterCfg).toContain('\n#clusterReplicationWorkerNum=4\n');
  });

  it('shows defaults that load to the same settings once uncommented', () => {
    const dir = '/cluster';
    const asWritten = resolveClusterConfig(texts, { dir });
    const uncommented = {
      ...texts,
      controllerCfg: uncomment(texts.controllerCfg),
      clusterCfg: uncomment(texts.clusterCfg),
    };
    expect(uncommented.clusterCfg).toContain('\nclusterReplicationWorkerNum=4\n');
    expect(resolveClusterConfig(uncommented, { dir })).toEqual(asWritten);
  });
});

describe('renderNodesFile', () => {
  it('writes the header and one line per node', () => {
    expect(texts.clusterNodes).toBe(
      [
        '# cluster.nodes: one node per line, host:port:alias,controller|datanode.',
        'localSite,mode',
        '127.0.0.1:7000:controller,controller',
        '127.0.0.1:7001:dn1,datanode',
        '127.0.0.1:7002:dn2,datanode',
        '',
      ].join('\n'),
    );
  });
});
