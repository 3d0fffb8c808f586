// The cluster.nodes file: one node per line, `host:port:alias,controller|datanode`, with
// DolphinDB's optional header `localSite,mode`. Pure: text in, the checked node list out.

import type { ShoalError } from '../../core/errors.ts';
import type { NodeRole, Site } from './config-keys.ts';
import { contentLines } from './config-lines.ts';
import type { ContentLine } from './config-lines.ts';
import { CLUSTER_NODES, configError } from './config-source.ts';
import { isAlias, parseHostPort, parsePort } from './config-values.ts';

/** Data nodes one cluster may list: bounds the per-node work of every cluster-wide call. */
export const MAX_DATA_NODES = 1_024;

/** One line of cluster.nodes. */
export interface NodeLine extends Site {
  readonly role: NodeRole;
  readonly line: number;
}

/** The nodes of a cluster: exactly one controller and at least one data node. */
export interface ClusterNodes {
  readonly controller: NodeLine;
  /** In file order. */
  readonly dataNodes: readonly NodeLine[];
}

const FORM = 'use host:port:alias,controller or host:port:alias,datanode';

/**
 * Parses cluster.nodes. Throws INVALID_CONFIG naming the line for a malformed line, a bad
 * port or alias, a repeated alias or host:port, a second controller; and naming the file
 * when the controller or every data node is missing.
 */
export function parseNodesFile(text: string): ClusterNodes {
  const lines = contentLines(text);
  const first = lines[0];
  if (first !== undefined && first.text.replace(/\s/g, '').toLowerCase() === 'localsite,mode') {
    lines.shift();
  }
  const nodes = lines.map(parseNodeLine);
  checkUnique(nodes);
  return splitRoles(nodes);
}

function parseNodeLine({ line, text }: ContentLine): NodeLine {
  const where = { kind: 'file', file: CLUSTER_NODES, line } as const;
  const comma = text.lastIndexOf(',');
  if (comma === -1) throw configError(where, `${text} is not a node line; ${FORM}`);
  const role = parseRole(text.slice(comma + 1).trim());
  if (role === undefined) {
    const given = text.slice(comma + 1).trim();
    throw configError(where, `role ${given} is not allowed; use controller or datanode`);
  }
  const siteText = text.slice(0, comma).trim();
  const colon = siteText.lastIndexOf(':');
  const alias = siteText.slice(colon + 1);
  if (colon <= 0) throw configError(where, `${siteText} is not host:port:alias; ${FORM}`);
  const address = parseHostPort(siteText.slice(0, colon));
  if (address === undefined) throw addressError(where, siteText.slice(0, colon));
  if (!isAlias(alias)) {
    throw configError(
      where,
      `alias ${alias} is not allowed; use a letter, then up to 63 letters, digits or _`,
    );
  }
  return { ...address, alias, role, line };
}

function parseRole(text: string): NodeRole | undefined {
  const lower = text.toLowerCase();
  return lower === 'controller' || lower === 'datanode' ? lower : undefined;
}

function addressError(
  where: { readonly kind: 'file'; readonly file: typeof CLUSTER_NODES; readonly line: number },
  address: string,
): ShoalError {
  const colon = address.lastIndexOf(':');
  const port = address.slice(colon + 1);
  if (colon > 0 && /^\d+$/.test(port) && parsePort(port) === undefined) {
    return configError(where, `port ${port} is out of range; use 1 to 65535`);
  }
  return configError(where, `${address} is not host:port; ${FORM}`);
}

function checkUnique(nodes: readonly NodeLine[]): void {
  const aliases = new Map<string, NodeLine>();
  const addresses = new Map<string, NodeLine>();
  for (const node of nodes) {
    const where = { kind: 'file', file: CLUSTER_NODES, line: node.line } as const;
    const sameAlias = aliases.get(node.alias);
    if (sameAlias !== undefined) {
      throw configError(
        where,
        `alias ${node.alias} is already used on line ${sameAlias.line}; give each node its own alias`,
      );
    }
    const address = `${node.host.toLowerCase()}:${node.port}`;
    const sameAddress = addresses.get(address);
    if (sameAddress !== undefined) {
      throw configError(
        where,
        `${node.host}:${node.port} is already used by ${sameAddress.alias} on line ${sameAddress.line}; give each node its own port`,
      );
    }
    aliases.set(node.alias, node);
    addresses.set(address, node);
  }
}

function splitRoles(nodes: readonly NodeLine[]): ClusterNodes {
  const controllers = nodes.filter((node) => node.role === 'controller');
  const dataNodes = nodes.filter((node) => node.role === 'datanode');
  const [controller, second] = controllers;
  if (second !== undefined) {
    throw configError(
      { kind: 'file', file: CLUSTER_NODES, line: second.line },
      `a second controller (${second.alias}); a cluster has exactly one: keep one controller line`,
    );
  }
  if (controller === undefined) {
    throw configError(CLUSTER_NODES, 'no controller; add a line host:port:alias,controller');
  }
  if (dataNodes.length === 0) {
    throw configError(CLUSTER_NODES, 'no data node; add a line host:port:alias,datanode');
  }
  const extra = dataNodes[MAX_DATA_NODES];
  if (extra !== undefined) {
    throw configError(
      { kind: 'file', file: CLUSTER_NODES, line: extra.line },
      `more than ${MAX_DATA_NODES} data nodes; a cluster may list at most ${MAX_DATA_NODES}`,
    );
  }
  return { controller, dataNodes };
}
