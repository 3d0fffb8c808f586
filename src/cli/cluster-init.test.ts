// Proves `shoal cluster init` writes a config folder that loads (round trip init → load),
// with private secret and admin-hash files whose contents are what nodes expect, refuses a
// folder that already holds a cluster and bad counts, ports, hosts and passwords. How: real
// folders in the temporary directory, loaded back with loadClusterConfig.

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../cluster/auth/index.ts';
import { loadClusterConfig } from '../cluster/config/load-cluster-config.ts';
import { asyncErrorMessage } from '../cluster/config/test-support.ts';
import { describeInit, initCluster, runClusterInit } from './cluster-init.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'shoal-init-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('initCluster', () => {
  it('writes a cluster that loads with the defaults: 2 data nodes after port 8900', async () => {
    const dir = path.join(root, 'new', 'cluster');
    const result = await initCluster({ dir });
    expect(result.files).toEqual([
      'cluster.secret',
      'admin.hash',
      'controller.cfg',
      'cluster.cfg',
      'cluster.nodes',
    ]);
    expect((await readdir(dir)).sort()).toEqual([...result.files].sort());
    const cluster = await loadClusterConfig(dir);
    expect(cluster.dir).toBe(dir);
    expect(cluster.replicationMode).toBe('none');
    const sites = [cluster.controller, ...cluster.dataNodes].map((n) => [
      n.alias,
      n.host,
      n.port,
      n.role,
    ]);
    expect(sites).toEqual([
      ['controller', '127.0.0.1', 8900, 'controller'],
      ['dn1', '127.0.0.1', 8901, 'datanode'],
      ['dn2', '127.0.0.1', 8902, 'datanode'],
    ]);
    expect(cluster.controller.settings.clusterReplicationChunkSize).toBe(500);
    expect(cluster.dataNodes[1]?.settings.clusterReplicationWorkDir).toBe(
      path.join(dir, 'dn2', 'clusterReplication'),
    );
    expect(result.defaultPassword).toBe(true);
  });

  it('makes a replication master or a slave of it from the command-line flags', async () => {
    const out = { write: () => true };
    const masterDir = path.join(root, 'master');
    await runClusterInit({ dir: masterDir, mode: 'master', slaves: '3' }, out);
    const master = await loadClusterConfig(masterDir);
    expect(master.replicationMode).toBe('master');
    expect(master.controller.settings.clusterReplicationSlaveNum).toBe(3);
    const slaveDir = path.join(root, 'slave');
    await runClusterInit(
      {
        dir: slaveDir,
        port: '9900',
        mode: 'slave',
        masterCtl: '127.0.0.1:8900',
        adminPassword: 'secret-pw',
        execUser: 'replayer',
      },
      out,
    );
    const slave = await loadClusterConfig(slaveDir);
    expect(slave.replicationMode).toBe('slave');
    expect(slave.controller.settings.clusterReplicationMasterCtl).toEqual({
      host: '127.0.0.1',
      port: 8900,
    });
    expect(slave.controller.settings.clusterReplicationMasterPassword).toBe('secret-pw');
    expect(slave.dataNodes[0]?.settings.clusterReplicationExecutionUsername).toBe('replayer');
    // The slave's settings hold passwords: its owner alone may read them.
    expect(await modeOf(path.join(slaveDir, 'controller.cfg'))).toBe(0o600);
    expect(await modeOf(path.join(slaveDir, 'cluster.cfg'))).toBe(0o600);
    expect(
      await asyncErrorMessage(
        () => runClusterInit({ dir: path.join(root, 'bad'), mode: 'slave' }, out),
        'INVALID_ARGUMENT',
      ),
    ).toMatch(/--mode slave needs --master-ctl/);
    expect(
      await asyncErrorMessage(
        () => runClusterInit({ dir: path.join(root, 'bad2'), mode: 'primary' }, out),
        'INVALID_ARGUMENT',
      ),
    ).toMatch(/--mode primary is not allowed; use master or slave/);
  });

  it('lays out N data nodes on the ports after P, on the host given', async () => {
    const dir = path.join(root, 'c');
    await initCluster({
      dir,
      dataNodes: 5,
      port: 20_000,
      host: 'db-1.example',
      adminPassword: 'S3cret!',
    });
    const cluster = await loadClusterConfig(dir);
    expect(cluster.controller.port).toBe(20_000);
    expect(cluster.dataNodes.map((n) => `${n.alias}@${n.host}:${n.port}`)).toEqual([
      'dn1@db-1.example:20001',
      'dn2@db-1.example:20002',
      'dn3@db-1.example:20003',
      'dn4@db-1.example:20004',
      'dn5@db-1.example:20005',
    ]);
    expect(cluster.controller.settings.clusterReplicationQueue).toBe(20);
  });

  it('writes the secret and the admin hash readable by the owner alone', async () => {
    const dir = path.join(root, 'c');
    await initCluster({ dir, adminPassword: 'S3cret!' });
    expect(await modeOf(path.join(dir, 'cluster.secret'))).toBe(0o600);
    expect(await modeOf(path.join(dir, 'admin.hash'))).toBe(0o600);
    expect(await readFile(path.join(dir, 'cluster.secret'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const hash = (await readFile(path.join(dir, 'admin.hash'), 'utf8')).trim();
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyPassword('S3cret!', hash)).toBe(true);
    expect(await verifyPassword('123456', hash)).toBe(false);
  });

  it('hashes DolphinDB’s default password 123456 when none is given', async () => {
    const dir = path.join(root, 'c');
    await initCluster({ dir });
    const hash = (await readFile(path.join(dir, 'admin.hash'), 'utf8')).trim();
    expect(await verifyPassword('123456', hash)).toBe(true);
  });

  it('gives two clusters different secrets', async () => {
    await initCluster({ dir: path.join(root, 'a') });
    await initCluster({ dir: path.join(root, 'b') });
    const secret = (name: string) => readFile(path.join(root, name, 'cluster.secret'), 'utf8');
    expect(await secret('a')).not.toBe(await secret('b'));
  });

  it('refuses a folder that already holds a cluster.nodes, changing nothing', async () => {
    await writeFile(path.join(root, 'cluster.nodes'), 'mine');
    expect(await asyncErrorMessage(() => initCluster({ dir: root }), 'INVALID_ARGUMENT')).toBe(
      `${root} already holds a cluster (cluster.nodes); pick an empty folder for a new one`,
    );
    expect(await readdir(root)).toEqual(['cluster.nodes']);
  });

  it.each([
    [{ dataNodes: 0 }, '--datanodes 0 is not allowed; use an integer from 1 to 64'],
    [{ dataNodes: 65 }, '--datanodes 65 is not allowed; use an integer from 1 to 64'],
    [{ dataNodes: 1.5 }, '--datanodes 1.5 is not allowed; use an integer from 1 to 64'],
    [
      { port: 0 },
      '--port 0 is not allowed; the controller takes it and 2 data node(s) the next ports, so use an integer from 1 to 65533',
    ],
    [
      { port: 65_534 },
      '--port 65534 is not allowed; the controller takes it and 2 data node(s) the next ports, so use an integer from 1 to 65533',
    ],
    [{ host: 'bad host' }, 'host bad host is not allowed; use a host name or an IP address'],
    [
      { adminPassword: 'has space' },
      'the password is invalid: use 1 to 128 characters without spaces, tabs or line breaks',
    ],
  ])('refuses %j, writing nothing', async (options, message) => {
    const dir = path.join(root, 'c');
    expect(
      await asyncErrorMessage(() => initCluster({ dir, ...options }), 'INVALID_ARGUMENT'),
    ).toBe(message);
    expect(await readdir(root)).toEqual([]);
  });

  it('accepts the highest port that leaves room for the data nodes', async () => {
    const dir = path.join(root, 'c');
    await initCluster({ dir, dataNodes: 1, port: 65_534 });
    expect((await loadClusterConfig(dir)).dataNodes[0]?.port).toBe(65_535);
  });
});

describe('runClusterInit', () => {
  it('parses the flags and prints what it made, never the password', async () => {
    let printed = '';
    const out = { write: (text: string) => (printed += text) };
    const dir = path.join(root, 'c');
    const result = await runClusterInit(
      { dir, datanodes: '3', port: '9100', adminPassword: 'pw-42' },
      out,
    );
    expect(result.dataNodes).toHaveLength(3);
    expect(printed).toBe(describeInit(result));
    expect(printed).toContain(
      `Created a cluster in ${dir}:\n  controller  127.0.0.1:9100\n  dn1         127.0.0.1:9101\n`,
    );
    expect(printed).not.toContain('pw-42');
    expect(printed).not.toContain('123456');
  });

  it('warns when the admin password is the default', async () => {
    let printed = '';
    await runClusterInit(
      { dir: path.join(root, 'c') },
      { write: (text: string) => (printed += text) },
    );
    expect(printed).toContain("The admin password is DolphinDB's default 123456");
  });

  it('refuses flags that are not whole numbers', async () => {
    const out = { write: () => undefined };
    expect(
      await asyncErrorMessage(
        () => runClusterInit({ dir: root, datanodes: 'two' }, out),
        'INVALID_ARGUMENT',
      ),
    ).toBe('--datanodes two is not allowed; use a whole number');
    expect(
      await asyncErrorMessage(
        () => runClusterInit({ dir: root, port: '-1' }, out),
        'INVALID_ARGUMENT',
      ),
    ).toBe('--port -1 is not allowed; use a whole number');
  });
});
