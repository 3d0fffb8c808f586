// Proves a node started in-process locks its folder, answers /health through its life
// (starting while the service starts, ready once listening), runs the service in order
// (register, start, listen; stop after the server closed), lets a request in flight finish
// on stop, releases the lock, and undoes a failed start. How: startNode with a recording
// service on a config folder made on free ports, called over real HTTP.

import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../net/index.ts';
import { asyncErrorMessage } from '../config/test-support.ts';
import { loadClusterConfig } from '../config/index.ts';
import { HEALTH_PATH } from './node-health.ts';
import { NODE_LOCK_FILE } from './node-lock.ts';
import { startNode } from './node-runtime.ts';
import type { NodeContext, NodeService, NodeServices, ServiceFactory } from './node-service.ts';
import { createTestClusterDir } from './test-cluster.ts';

let dir: string;

beforeEach(async () => {
  dir = await createTestClusterDir({ dataNodes: 1, overrides: ['logLevel=warn'] });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A service that records what the runtime asks of it, and can be told to fail. */
function recordingService(log: string[], failStart = false): ServiceFactory {
  return async (config, context: NodeContext): Promise<NodeService> => {
    log.push(`create ${config.alias} ${path.basename(context.dataDir)}`);
    let app: FastifyInstance | undefined;
    return {
      register: (server) => {
        app = server;
        log.push('register');
        server.get('/answer', async () => ({ answer: 42 }));
      },
      start: async () => {
        const health = await app?.inject({ method: 'GET', url: HEALTH_PATH });
        log.push(`start (health ${health?.json<{ status: string }>().status})`);
        if (failStart) throw new Error('start failed on purpose');
      },
      stop: async () => {
        log.push('stop');
      },
    };
  };
}

const services = (factory: ServiceFactory): NodeServices => ({
  controller: factory,
  dataNode: factory,
});

const lockPath = () => path.join(dir, 'dn1', NODE_LOCK_FILE);

describe('startNode', () => {
  it('serves /health and the service routes, in order, and stops cleanly', async () => {
    const log: string[] = [];
    const node = await startNode({
      configDir: dir,
      alias: 'dn1',
      overrides: [],
      services: services(recordingService(log)),
    });
    const client = new HttpClient(node.address.url, { nodeName: 'dn1' });
    try {
      expect(await client.getJson(HEALTH_PATH)).toEqual({
        alias: 'dn1',
        role: 'datanode',
        status: 'ready',
        pid: process.pid,
      });
      expect(await client.getJson('/answer')).toEqual({ answer: 42 });
      expect(await readFile(lockPath(), 'utf8')).toBe(`${process.pid}\n`);
      const cluster = await loadClusterConfig(dir);
      expect(node.address.port).toBe(cluster.dataNodes[0]?.port);
    } finally {
      await client.close();
    }
    await node.stop();
    expect(node.status()).toBe('stopping');
    expect(log).toEqual(['create dn1 dn1', 'register', 'start (health starting)', 'stop']);
    await expect(readFile(lockPath(), 'utf8')).rejects.toThrow(/ENOENT/);
    const after = new HttpClient(node.address.url, { nodeName: 'dn1', timeoutMillis: 2_000 });
    await expect(after.getJson(HEALTH_PATH)).rejects.toMatchObject({ kind: 'NODE_UNAVAILABLE' });
    await after.close();
  });

  it('runs the controller service for the controller alias, with the override applied', async () => {
    const seen: string[] = [];
    const factory: ServiceFactory = async (config, context) => {
      seen.push(`${config.role} ${config.settings.logLevel} ${context.secret.length}`);
      return {
        register: () => undefined,
        start: async () => undefined,
        stop: async () => undefined,
      };
    };
    const node = await startNode({
      configDir: dir,
      alias: 'controller',
      overrides: ['--logLevel=error'],
      services: { controller: factory, dataNode: () => Promise.reject(new Error('wrong role')) },
    });
    await node.stop();
    expect(seen).toEqual(['controller error 64']);
  });

  it('lets a request in flight finish when stopping', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const factory: ServiceFactory = async () => ({
      register: (app) => {
        app.get('/slow', async () => {
          entered();
          await gate;
          return { done: true };
        });
      },
      start: async () => undefined,
      stop: async () => undefined,
    });
    const node = await startNode({
      configDir: dir,
      alias: 'dn1',
      overrides: [],
      services: services(factory),
    });
    const client = new HttpClient(node.address.url, { nodeName: 'dn1' });
    const answer = client.getJson('/slow');
    await inside;
    const stopped = node.stop();
    expect(node.status()).toBe('stopping');
    release();
    expect(await answer).toEqual({ done: true });
    await stopped;
    await client.close();
  });

  it('refuses a second node on the same folder while the first runs', async () => {
    const first = await startNode({
      configDir: dir,
      alias: 'dn1',
      overrides: [],
      services: services(recordingService([])),
    });
    try {
      const message = await asyncErrorMessage(() =>
        startNode({
          configDir: dir,
          alias: 'dn1',
          overrides: [],
          services: services(recordingService([])),
        }),
      );
      expect(message).toContain(`locked by process ${process.pid}`);
    } finally {
      await first.stop();
    }
  });

  it('undoes a failed start: no lock left, port free', async () => {
    const log: string[] = [];
    const failing = startNode({
      configDir: dir,
      alias: 'dn1',
      overrides: [],
      services: services(recordingService(log, true)),
    });
    await expect(failing).rejects.toThrow('start failed on purpose');
    expect(log).toEqual(['create dn1 dn1', 'register', 'start (health starting)']);
    await expect(readFile(lockPath(), 'utf8')).rejects.toThrow(/ENOENT/);
    const again = await startNode({
      configDir: dir,
      alias: 'dn1',
      overrides: [],
      services: services(recordingService([])),
    });
    await again.stop();
  });

  it('stops the service and unlocks when the port is taken', async () => {
    const cluster = await loadClusterConfig(dir);
    const squatter = createServer();
    await new Promise<void>((resolve) =>
      squatter.listen(cluster.controller.port, cluster.controller.host, resolve),
    );
    try {
      const log: string[] = [];
      const message = await asyncErrorMessage(() =>
        startNode({
          configDir: dir,
          alias: 'controller',
          overrides: [],
          services: services(recordingService(log)),
        }),
      );
      expect(message).toContain('cannot listen');
      expect(log).toEqual([
        'create controller controller',
        'register',
        'start (health starting)',
        'stop',
      ]);
      await expect(readFile(path.join(dir, 'controller', NODE_LOCK_FILE))).rejects.toThrow(
        /ENOENT/,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('refuses to start without the cluster secret', async () => {
    await rm(path.join(dir, 'cluster.secret'));
    const message = await asyncErrorMessage(() =>
      startNode({
        configDir: dir,
        alias: 'dn1',
        overrides: [],
        services: services(recordingService([])),
      }),
    );
    expect(message).toContain('cluster.secret not found');
  });

  it('refuses an unknown alias and a bad override', async () => {
    const unknown = await asyncErrorMessage(
      () =>
        startNode({
          configDir: dir,
          alias: 'dn9',
          overrides: [],
          services: services(recordingService([])),
        }),
      'INVALID_ARGUMENT',
    );
    expect(unknown).toContain('Did you mean dn1?');
    const message = await asyncErrorMessage(() =>
      startNode({
        configDir: dir,
        alias: 'dn1',
        overrides: ['--maxConnections=lots'],
        services: services(recordingService([])),
      }),
    );
    expect(message).toContain('maxConnections');
  });
});
