// Proves controller.cfg, cluster.cfg and `--key=value` overrides are parsed strictly: each
// rule's error names the file and line (or argument), the key and what is allowed, and any
// valid text parses to the settings it was written from. How: exact messages for each rule,
// and a fast-check property over generated cluster.cfg texts (keys, values, per-node
// overrides, comments, blank lines, padding and line order all drawn at random).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unreachable } from '../../core/assert.ts';
import { CONFIG_KEYS, keySpec, keysFor } from './config-keys.ts';
import type { ConfigKey, ConfigValue, ValueType } from './config-keys.ts';
import { formatConfigValue, oneOf } from './config-values.ts';
import { parseCommandLine, parseConfigFile } from './parse-config.ts';
import type { EntryMap } from './parse-config.ts';
import { errorMessage, NODES } from './test-support.ts';

const cluster = (text: string) => parseConfigFile('cluster.cfg', text, NODES);
const controller = (text: string) => parseConfigFile('controller.cfg', text, NODES);
const values = (entries: EntryMap) =>
  Object.fromEntries([...entries].map(([key, entry]) => [key, entry.value]));

describe('parseConfigFile', () => {
  it('reads key=value lines with comments, blank lines and padding', () => {
    const parsed = cluster(
      [
        '# replication',
        '  clusterReplicationMode = master   # this cluster is the master',
        '',
        'clusterReplicationWorkDir=/data/repl',
        'clusterReplicationSyncPersistence=TRUE',
        'logLevel=Debug',
        'clusterReplicationExecutionPassword=a=b',
        'dn2.maxConnections=64',
      ].join('\n'),
    );
    expect(values(parsed.entries)).toEqual({
      clusterReplicationMode: 'master',
      clusterReplicationWorkDir: '/data/repl',
      clusterReplicationSyncPersistence: true,
      logLevel: 'debug',
      clusterReplicationExecutionPassword: 'a=b',
    });
    expect(parsed.entries.get('clusterReplicationMode')?.source).toEqual({
      kind: 'file',
      file: 'cluster.cfg',
      line: 2,
    });
    expect([...parsed.nodeEntries.keys()]).toEqual(['dn2']);
    expect(values(parsed.nodeEntries.get('dn2') ?? new Map())).toEqual({ maxConnections: 64 });
  });

  it('reads every value type of controller.cfg', () => {
    const parsed = controller(
      [
        'mode=controller',
        'localSite=10.0.0.1:8848:ctl',
        'clusterReplicationMasterCtl=master-ctl.example:8848',
        'slaveReplicationDBScope=dfs://a, dfs://b',
        'clusterReplicationRedoLogCapacity=-1',
        'clusterReplicationOnCapacityExceeded=drop-oldest',
        'home=../data',
      ].join('\n'),
    );
    expect(values(parsed.entries)).toEqual({
      mode: 'controller',
      localSite: { host: '10.0.0.1', port: 8848, alias: 'ctl' },
      clusterReplicationMasterCtl: { host: 'master-ctl.example', port: 8848 },
      slaveReplicationDBScope: ['dfs://a', 'dfs://b'],
      clusterReplicationRedoLogCapacity: -1,
      clusterReplicationOnCapacityExceeded: 'drop-oldest',
      home: '../data',
    });
  });

  it.each([
    [
      'clusterReplicationMode=mastr',
      'cluster.cfg line 7: clusterReplicationMode=mastr is not allowed; use master or slave',
    ],
    [
      'logLevel=loud',
      'cluster.cfg line 7: logLevel=loud is not allowed; use trace, debug, info, warn or error',
    ],
    [
      'maxConnections=0',
      'cluster.cfg line 7: maxConnections=0 is not allowed; use an integer from 1 to 65536',
    ],
    [
      'maxConnections=12.5',
      'cluster.cfg line 7: maxConnections=12.5 is not allowed; use an integer from 1 to 65536',
    ],
    [
      'clusterReplicationSyncPersistence=yes',
      'cluster.cfg line 7: clusterReplicationSyncPersistence=yes is not allowed; use true or false',
    ],
    [
      'logLevel=',
      'cluster.cfg line 7: logLevel has no value; use trace, debug, info, warn or error',
    ],
    [
      'logLevel = # nothing',
      'cluster.cfg line 7: logLevel has no value; use trace, debug, info, warn or error',
    ],
    [
      'clusterReplicationExecutionUsername=',
      'cluster.cfg line 7: clusterReplicationExecutionUsername has no value; use a non-empty value',
    ],
    ['maxConnections 5', 'cluster.cfg line 7: maxConnections 5 is not key=value'],
    ['=5', `cluster.cfg line 7: unknown key (empty); the keys are ${oneOf(keysFor('datanode'))}`],
    [
      'maxConection=5',
      'cluster.cfg line 7: unknown key maxConection. Did you mean maxConnections?',
    ],
    [
      'clusterReplicationChunkSize=100',
      'cluster.cfg line 7: clusterReplicationChunkSize is a controller key, set in controller.cfg; a data node does not take it',
    ],
    [
      'localSite=h:1:dn1',
      'cluster.cfg line 7: localSite is a controller key, set in controller.cfg; a data node does not take it (a data node takes its site from cluster.nodes)',
    ],
    [
      'mode=controller',
      'cluster.cfg line 7: mode=controller does not match cluster.cfg, which configures data nodes: write mode=datanode or remove the line',
    ],
    [
      'dn3.maxConnections=5',
      'cluster.cfg line 7: dn3 is not a data node; cluster.nodes lists dn1, dn2. Did you mean dn1?',
    ],
    [
      'other.maxConnections=5',
      'cluster.cfg line 7: other is not a data node; cluster.nodes lists dn1, dn2',
    ],
    [
      'controller.maxConnections=5',
      'cluster.cfg line 7: controller is the controller; set its keys in controller.cfg',
    ],
    [
      'dn1.clusterReplicationQueue=5',
      'cluster.cfg line 7: clusterReplicationQueue is a controller key, set in controller.cfg; a data node does not take it',
    ],
    [
      'clusterReplicationExecutionPassword=',
      'cluster.cfg line 7: clusterReplicationExecutionPassword has no value; use a non-empty value',
    ],
  ])('refuses %j on line 7 of cluster.cfg', (line, message) => {
    const text = ['# header', '', 'clusterReplicationWorkerNum=4', '', '', '# before', line];
    expect(errorMessage(() => cluster(text.join('\n')))).toBe(message);
  });

  it.each([
    [
      'clusterReplicationWorkerNum=4',
      'controller.cfg line 2: clusterReplicationWorkerNum is a data node key, set in cluster.cfg; the controller does not take it',
    ],
    [
      'mode=datanode',
      'controller.cfg line 2: mode=datanode does not match controller.cfg, which configures the controller: write mode=controller or remove the line',
    ],
    [
      'dn1.logLevel=debug',
      'controller.cfg line 2: per-node overrides (dn1.key) belong in cluster.cfg',
    ],
    [
      'clusterReplicationMasterCtl=master',
      'controller.cfg line 2: clusterReplicationMasterCtl=master is not allowed; use host:port with a port from 1 to 65535',
    ],
    [
      'clusterReplicationMasterCtl=h:65536',
      'controller.cfg line 2: clusterReplicationMasterCtl=h:65536 is not allowed; use host:port with a port from 1 to 65535',
    ],
    [
      'localSite=h:1',
      'controller.cfg line 2: localSite=h:1 is not allowed; use host:port:alias (alias: a letter, then letters, digits or _)',
    ],
    [
      'clusterReplicationRedoLogCapacity=0',
      'controller.cfg line 2: clusterReplicationRedoLogCapacity=0 is not allowed; use -1 (bounded by disk) or an integer from 1 to 9007199254740991',
    ],
    [
      'slaveReplicationDBScope=dfs://a,,dfs://b',
      'controller.cfg line 2: slaveReplicationDBScope=dfs://a,,dfs://b is not allowed; use a comma-separated list of distinct database names, e.g. dfs://db1,dfs://db2',
    ],
    [
      'slaveReplicationDBScope=dfs://a,dfs://a',
      'controller.cfg line 2: slaveReplicationDBScope=dfs://a,dfs://a is not allowed; use a comma-separated list of distinct database names, e.g. dfs://db1,dfs://db2',
    ],
    [
      'clusterReplicationOnCapacityExceeded=block',
      'controller.cfg line 2: clusterReplicationOnCapacityExceeded=block is not allowed; use block-operations or drop-oldest',
    ],
  ])('refuses %j on line 2 of controller.cfg', (line, message) => {
    expect(errorMessage(() => controller(`# the controller\n${line}`))).toBe(message);
  });

  it('refuses a key set twice in one scope, naming both lines', () => {
    expect(errorMessage(() => cluster('logLevel=info\nlogLevel=debug'))).toBe(
      'cluster.cfg line 2: logLevel is already set on line 1; keep one',
    );
    expect(errorMessage(() => cluster('dn1.logLevel=info\n\ndn1.logLevel=debug'))).toBe(
      'cluster.cfg line 3: dn1.logLevel is already set on line 1; keep one',
    );
    expect(values(cluster('logLevel=info\ndn1.logLevel=debug').entries)).toEqual({
      logLevel: 'info',
    });
  });

  it('never shows a password in an error', () => {
    const message = errorMessage(() =>
      cluster('clusterReplicationExecutionPassword=hunter2\nclusterReplicationExecutionPassword=x'),
    );
    expect(message).toBe(
      'cluster.cfg line 2: clusterReplicationExecutionPassword is already set on line 1; keep one',
    );
    expect(message).not.toContain('hunter2');
  });
});

describe('parseCommandLine', () => {
  it('reads --key=value arguments of either role', () => {
    const parsed = parseCommandLine([
      '--logLevel=warn',
      '--clusterReplicationChunkSize=9',
      '--home= /x ',
    ]);
    expect(values(parsed)).toEqual({
      logLevel: 'warn',
      clusterReplicationChunkSize: 9,
      home: '/x',
    });
    expect(parsed.get('home')?.source).toEqual({ kind: 'argument', index: 3 });
  });

  it.each([
    [['--logLevel'], 'command line argument 1: --logLevel is not --key=value'],
    [['logLevel=info'], 'command line argument 1: logLevel=info is not --key=value'],
    [
      ['--logLevel=info', '--loglevel=debug'],
      'command line argument 2: unknown key loglevel. Did you mean logLevel?',
    ],
    [
      ['--maxRequestBytes=12'],
      'command line argument 1: maxRequestBytes=12 is not allowed; use an integer from 1024 to 2147483647',
    ],
    [
      ['--dn1.logLevel=info'],
      'command line argument 1: --dn1.logLevel: per-node overrides (alias.key) belong in cluster.cfg; on the command line give --key=value for the node being started',
    ],
    [
      ['--logLevel=info', '--logLevel=warn'],
      'command line argument 2: logLevel is already set on argument 1; keep one',
    ],
  ])('refuses %j', (args, message) => {
    expect(errorMessage(() => parseCommandLine(args))).toBe(message);
  });
});

/** Values of `type` that are valid and print without a comment sign or line break. */
function validValue(type: ValueType): fc.Arbitrary<ConfigValue> {
  const word = fc.stringMatching(/^[A-Za-z0-9/._:-]{1,12}$/);
  switch (type.kind) {
    case 'string':
    case 'path':
      return fc
        .string({ unit: fc.constantFrom(...'aZ09 !$%=/.:,_-\\"\''.split('')), minLength: 1 })
        .filter((s) => s.trim() === s && s !== '');
    case 'integer': {
      const range = fc.integer({ min: type.min, max: Math.min(type.max, 2 ** 31 - 1) });
      const edges = fc.constantFrom(type.min, type.max);
      const sentinel = type.sentinel === undefined ? [] : [fc.constant(type.sentinel.value)];
      return fc.oneof(range, edges, ...sentinel);
    }
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...type.values);
    case 'hostPort':
      return fc.record({
        host: fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
        port: fc.integer({ min: 1, max: 65_535 }),
      });
    case 'site':
      return fc.record({
        host: fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
        port: fc.integer({ min: 1, max: 65_535 }),
        alias: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/),
      });
    case 'list':
      return fc.uniqueArray(word, { minLength: 1, maxLength: 5 });
    default:
      return unreachable(type);
  }
}

const DATA_NODE_KEYS = keysFor('datanode');

/** The next item of an infinite stream. */
function take<T>(stream: Iterator<T>): T {
  const next = stream.next();
  if (next.done === true) throw new Error('an infinite stream ended');
  return next.value;
}

/** A partial record of data node settings with valid values. */
const settings = fc.record(
  Object.fromEntries(
    DATA_NODE_KEYS.map((key) => [
      key,
      key === 'mode' ? fc.constant<ConfigValue>('datanode') : validValue(keySpec(key).type),
    ]),
  ),
  { requiredKeys: [] },
) as fc.Arbitrary<Partial<Record<ConfigKey, ConfigValue>>>;

/** How one `key=value` line is written: padding and an optional trailing comment. */
const lineStyle = fc.record({
  before: fc.constantFrom('', ' ', '\t'),
  around: fc.constantFrom('', ' ', '  '),
  comment: fc.constantFrom('', ' # why', '\t#x#y'),
});

describe('parseConfigFile (property)', () => {
  it('parses any valid generated cluster.cfg to the settings it was generated from', () => {
    const texts = fc.record({
      shared: settings,
      dn1: settings,
      dn2: settings,
      extras: fc.array(fc.constantFrom('', '# a comment', '   ', '#key=value'), { maxLength: 6 }),
      styles: fc.infiniteStream(lineStyle),
      order: fc.infiniteStream(fc.nat()),
    });
    fc.assert(
      fc.property(texts, ({ shared, dn1, dn2, extras, styles, order }) => {
        const lines: string[] = [...extras];
        const write = (prefix: string, record: Partial<Record<ConfigKey, ConfigValue>>) => {
          for (const [key, value] of Object.entries(record) as [ConfigKey, ConfigValue][]) {
            const s = take(styles);
            const text = formatConfigValue(CONFIG_KEYS[key].type, value);
            lines.push(`${s.before}${prefix}${key}${s.around}=${s.around}${text}${s.comment}`);
          }
        };
        write('', shared);
        write('dn1.', dn1);
        write('dn2.', dn2);
        const shuffled = lines
          .map((line) => ({ line, rank: take(order) }))
          .sort((a, b) => a.rank - b.rank)
          .map((x) => x.line);
        const parsed = cluster(shuffled.join('\n'));
        expect(values(parsed.entries)).toEqual(shared);
        expect(values(parsed.nodeEntries.get('dn1') ?? new Map())).toEqual(dn1);
        expect(values(parsed.nodeEntries.get('dn2') ?? new Map())).toEqual(dn2);
      }),
      { numRuns: 300 },
    );
  });
});
