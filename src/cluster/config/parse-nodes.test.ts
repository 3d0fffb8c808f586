// Proves cluster.nodes is read as DolphinDB writes it and that each rule of the node list
// (one controller, a data node, unique aliases and addresses, ports, alias form) stops the
// load with the file, the line and the fix. How: small texts, exact messages.

import { describe, expect, it } from 'vitest';
import { parseNodesFile } from './parse-nodes.ts';
import { errorMessage } from './test-support.ts';

const CONTROLLER = '127.0.0.1:8900:controller,controller';

describe('parseNodesFile', () => {
  it('reads nodes in order, skipping the header, comments and blank lines', () => {
    const nodes = parseNodesFile(
      [
        '# our cluster',
        'localSite, mode',
        '',
        `  ${CONTROLLER}  # the controller`,
        'host-a.example:8901:dn1,datanode',
        '[::1]:8902:dn_2,DataNode',
      ].join('\r\n'),
    );
    expect(nodes.controller).toEqual({
      host: '127.0.0.1',
      port: 8900,
      alias: 'controller',
      role: 'controller',
      line: 4,
    });
    expect(nodes.dataNodes.map((n) => [n.host, n.port, n.alias, n.role, n.line])).toEqual([
      ['host-a.example', 8901, 'dn1', 'datanode', 5],
      ['[::1]', 8902, 'dn_2', 'datanode', 6],
    ]);
  });

  it('accepts a file without the header', () => {
    expect(parseNodesFile(`${CONTROLLER}\nh:1:dn1,datanode`).dataNodes).toHaveLength(1);
  });

  it.each([
    [
      `${CONTROLLER}\nh:8901:dn1`,
      'cluster.nodes line 2: h:8901:dn1 is not a node line; use host:port:alias,controller or host:port:alias,datanode',
    ],
    [
      `${CONTROLLER}\nh:8901:dn1,agent`,
      'cluster.nodes line 2: role agent is not allowed; use controller or datanode',
    ],
    [
      `${CONTROLLER}\nh:70000:dn1,datanode`,
      'cluster.nodes line 2: port 70000 is out of range; use 1 to 65535',
    ],
    [
      `${CONTROLLER}\nh:0:dn1,datanode`,
      'cluster.nodes line 2: port 0 is out of range; use 1 to 65535',
    ],
    [
      `${CONTROLLER}\nh:x:dn1,datanode`,
      'cluster.nodes line 2: h:x is not host:port; use host:port:alias,controller or host:port:alias,datanode',
    ],
    [
      `${CONTROLLER}\ndn1,datanode`,
      'cluster.nodes line 2: dn1 is not host:port:alias; use host:port:alias,controller or host:port:alias,datanode',
    ],
    [
      `${CONTROLLER}\nh:8901:1dn,datanode`,
      'cluster.nodes line 2: alias 1dn is not allowed; use a letter, then up to 63 letters, digits or _',
    ],
    [
      `${CONTROLLER}\nh:8901:dn-1,datanode`,
      'cluster.nodes line 2: alias dn-1 is not allowed; use a letter, then up to 63 letters, digits or _',
    ],
    [
      `${CONTROLLER}\nh:8901:dn1,datanode\n\nh:8902:dn1,datanode`,
      'cluster.nodes line 4: alias dn1 is already used on line 2; give each node its own alias',
    ],
    [
      `${CONTROLLER}\nH:8901:dn1,datanode\nh:8901:dn2,datanode`,
      'cluster.nodes line 3: h:8901 is already used by dn1 on line 2; give each node its own port',
    ],
    [
      `${CONTROLLER}\nh:8901:ctl2,controller\nh:8902:dn1,datanode`,
      'cluster.nodes line 2: a second controller (ctl2); a cluster has exactly one: keep one controller line',
    ],
    ['h:8901:dn1,datanode', 'cluster.nodes: no controller; add a line host:port:alias,controller'],
    [`# only\n${CONTROLLER}`, 'cluster.nodes: no data node; add a line host:port:alias,datanode'],
    ['', 'cluster.nodes: no controller; add a line host:port:alias,controller'],
  ])('refuses %j', (text, message) => {
    expect(errorMessage(() => parseNodesFile(text))).toBe(message);
  });

  it('refuses more than 1024 data nodes, naming the first line too many', () => {
    const lines = [CONTROLLER];
    for (let i = 1; i <= 1025; i++) lines.push(`h${i}:9000:dn${i},datanode`);
    expect(errorMessage(() => parseNodesFile(lines.join('\n')))).toBe(
      'cluster.nodes line 1026: more than 1024 data nodes; a cluster may list at most 1024',
    );
  });
});
