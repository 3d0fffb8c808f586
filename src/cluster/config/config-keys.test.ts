// Proves the key registry is coherent (each default is a valid value of its key, each key
// documented, SPEC §2's keys present in the right place) and that the settings types derived
// from it are what nodes rely on. How: a pass over the registry, and expectTypeOf (checked by tsc).

import { describe, expect, expectTypeOf, it } from 'vitest';
import { CONFIG_KEY_NAMES, keySpec, keysFor } from './config-keys.ts';
import type { ControllerSettings, DataNodeSettings, HostPort, Site } from './config-keys.ts';
import { valueFitsType } from './config-values.ts';

describe('CONFIG_KEYS', () => {
  it('gives every key a meaning and a default its own type accepts', () => {
    for (const key of CONFIG_KEY_NAMES) {
      const spec = keySpec(key);
      expect(spec.meaning.length, key).toBeGreaterThan(10);
      if (spec.default.kind === 'value') {
        expect(valueFitsType(spec.type, spec.default.value), key).toBe(true);
      } else {
        expect(spec.default.note.length, key).toBeGreaterThan(0);
      }
    }
  });

  it('places the replication and channel keys of SPEC §2 where the spec says', () => {
    const controllerOnly = [
      'clusterReplicationSlaveNum',
      'clusterReplicationMasterCtl',
      'clusterReplicationQueue',
      'slaveReplicationDBScope',
      'clusterReplicationChunkSize',
      'clusterReplicationIntervalMillis',
      'clusterReplicationIntervalOpers',
      'clusterReplicationShutdownTimeout',
      'clusterReplicationRedoLogCapacity',
      'clusterReplicationOnCapacityExceeded',
    ];
    const dataNodeOnly = [
      'clusterReplicationMode',
      'clusterReplicationWorkDir',
      'clusterReplicationSyncPersistence',
      'clusterReplicationExecutionUsername',
      'clusterReplicationExecutionPassword',
      'clusterReplicationWorkerNum',
    ];
    for (const key of controllerOnly) {
      expect(keysFor('controller'), key).toContain(key);
      expect(keysFor('datanode'), key).not.toContain(key);
    }
    for (const key of dataNodeOnly) {
      expect(keysFor('datanode'), key).toContain(key);
      expect(keysFor('controller'), key).not.toContain(key);
    }
    expect(keysFor('controller')).toContain('enableClusterReplicationSSL');
    expect(keysFor('datanode')).toContain('enableClusterReplicationSSL');
  });

  it('has the SPEC defaults', () => {
    const defaults = Object.fromEntries(
      CONFIG_KEY_NAMES.flatMap((key) => {
        const d = keySpec(key).default;
        return d.kind === 'value' ? [[key, d.value]] : [];
      }),
    );
    expect(defaults).toMatchObject({
      maxConnections: 512,
      sessionTimeoutMillis: 3_600_000,
      requestTimeoutMillis: 30_000,
      maxRequestBytes: 256 * 1024 * 1024,
      transactionTimeoutMillis: 60_000,
      logLevel: 'info',
      clusterReplicationSlaveNum: 2,
      clusterReplicationSyncPersistence: false,
      clusterReplicationExecutionUsername: 'admin',
      clusterReplicationWorkerNum: 4,
      enableClusterReplicationSSL: false,
      clusterReplicationChunkSize: 500,
      clusterReplicationIntervalMillis: 3000,
      clusterReplicationIntervalOpers: 500,
      clusterReplicationShutdownTimeout: 300_000,
      clusterReplicationRedoLogCapacity: -1,
      clusterReplicationOnCapacityExceeded: 'block-operations',
    });
  });

  it('derives typed settings records from the registry', () => {
    expectTypeOf<ControllerSettings['clusterReplicationChunkSize']>().toEqualTypeOf<number>();
    expectTypeOf<ControllerSettings['clusterReplicationOnCapacityExceeded']>().toEqualTypeOf<
      'block-operations' | 'drop-oldest'
    >();
    expectTypeOf<ControllerSettings['clusterReplicationMasterCtl']>().toEqualTypeOf<
      HostPort | undefined
    >();
    expectTypeOf<ControllerSettings['localSite']>().toEqualTypeOf<Site>();
    expectTypeOf<ControllerSettings['slaveReplicationDBScope']>().toEqualTypeOf<
      readonly string[] | undefined
    >();
    expectTypeOf<DataNodeSettings['clusterReplicationMode']>().toEqualTypeOf<
      'master' | 'slave' | undefined
    >();
    expectTypeOf<DataNodeSettings['clusterReplicationSyncPersistence']>().toEqualTypeOf<boolean>();
    expectTypeOf<DataNodeSettings['home']>().toEqualTypeOf<string>();
    expectTypeOf<DataNodeSettings['logLevel']>().toEqualTypeOf<
      'trace' | 'debug' | 'info' | 'warn' | 'error'
    >();
    expectTypeOf<DataNodeSettings>().not.toHaveProperty('clusterReplicationChunkSize');
    expectTypeOf<ControllerSettings>().not.toHaveProperty('clusterReplicationWorkDir');
    expect(keysFor('controller').length + keysFor('datanode').length).toBeGreaterThan(
      CONFIG_KEY_NAMES.length,
    );
  });
});
