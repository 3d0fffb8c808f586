// The text of the files `shoal cluster init` writes: settings files with the given keys set
// and every other key of the file listed as a comment with its meaning and default, and the
// node list. Everything rendered here parses back (see render-config.test.ts).

import { assert, unreachable } from '../../core/assert.ts';
import { keySpec, keysFor } from './config-keys.ts';
import type { ConfigKey, ConfigValue, Site } from './config-keys.ts';
import { CLUSTER_CFG, CLUSTER_NODES, CONTROLLER_CFG } from './config-source.ts';
import type { ConfigFileName } from './config-source.ts';
import { formatConfigValue } from './config-values.ts';
import { fileRole } from './parse-config.ts';

/** A key set to a value in a rendered settings file. */
export type Setting = readonly [ConfigKey, ConfigValue];

const INTRO: Readonly<Record<ConfigFileName, readonly string[]>> = {
  [CONTROLLER_CFG]: ['Settings of the controller.'],
  [CLUSTER_CFG]: [
    'Settings shared by every data node; alias.key=value sets one node (e.g. dn1.logLevel=debug).',
  ],
};

/**
 * A settings file: `set` written as `key=value`, then each other key of the file commented
 * out: `# key: meaning (default …)` and, when the default is a plain value, `#key=default`.
 */
export function renderSettingsFile(file: ConfigFileName, set: readonly Setting[]): string {
  const role = fileRole(file);
  const lines = [
    `# ${file}: written by \`shoal cluster init\`.`,
    ...INTRO[file].map((line) => `# ${line}`),
    '# Lines are key=value; # starts a comment; every key may also be given as --key=value.',
  ];
  if (set.length > 0) lines.push('');
  for (const [key, value] of set) {
    assert(keysFor(role).includes(key), `${key} belongs in ${file}`);
    lines.push(`${key}=${formatConfigValue(keySpec(key).type, value)}`);
  }
  const setKeys = new Set(set.map(([key]) => key));
  for (const key of keysFor(role)) if (!setKeys.has(key)) lines.push('', ...commentedKey(key));
  return lines.join('\n') + '\n';
}

/** cluster.nodes for `controller` and `dataNodes`, with DolphinDB's header line. */
export function renderNodesFile(controller: Site, dataNodes: readonly Site[]): string {
  const line = (site: Site, role: string) => `${site.host}:${site.port}:${site.alias},${role}`;
  return [
    `# ${CLUSTER_NODES}: one node per line, host:port:alias,controller|datanode.`,
    'localSite,mode',
    line(controller, 'controller'),
    ...dataNodes.map((site) => line(site, 'datanode')),
  ]
    .join('\n')
    .concat('\n');
}

function commentedKey(key: ConfigKey): string[] {
  const spec = keySpec(key);
  const fallback = spec.default;
  switch (fallback.kind) {
    case 'value':
      return [
        `# ${key}: ${spec.meaning}.`,
        `#${key}=${formatConfigValue(spec.type, fallback.value)}`,
      ];
    case 'unset':
    case 'derived':
      return [`# ${key}: ${spec.meaning} (default: ${fallback.note}).`];
    default:
      return unreachable(fallback);
  }
}
