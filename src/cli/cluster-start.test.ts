// Proves what `cluster start` and `cluster stop` print: an aligned table of ready nodes, a
// failure with the log tail and what was stopped, one line per stopped node, and that bad
// --timeout-ms values are refused. How: the describe functions on hand-made results.

import { describe, expect, it } from 'vitest';
import { errorMessage } from '../cluster/config/test-support.ts';
import { describeFailure, describeStarted, parseMillisFlag } from './cluster-start.ts';
import { describeStopped } from './cluster-stop.ts';

describe('cluster start output', () => {
  it('prints an aligned table of the nodes', () => {
    const text = describeStarted('/c', [
      {
        alias: 'controller',
        role: 'controller',
        address: '127.0.0.1:8900',
        url: 'http://127.0.0.1:8900',
        pid: 101,
        state: 'already running',
      },
      {
        alias: 'dn1',
        role: 'datanode',
        address: '127.0.0.1:8901',
        url: 'http://127.0.0.1:8901',
        pid: 7,
        state: 'started',
      },
    ]);
    expect(text).toBe(
      [
        'Cluster /c is ready:',
        '  alias       role        address         pid',
        '  controller  controller  127.0.0.1:8900  101  already running',
        '  dn1         datanode    127.0.0.1:8901  7    started',
        '',
      ].join('\n'),
    );
  });

  it('prints the failed node, its log tail and what was stopped', () => {
    const text = describeFailure({
      kind: 'failed',
      dir: '/c',
      alias: 'dn1',
      reason: 'its process 7 exited with code 1',
      logFile: '/c/logs/dn1.log',
      logTail: ['first', 'error S00601 (INVALID_CONFIG): bad'],
      stopped: [{ alias: 'controller', outcome: 'stopped' }],
    });
    expect(text).toBe(
      [
        'Node dn1 failed to start: its process 7 exited with code 1.',
        'Last 2 lines of /c/logs/dn1.log:',
        '  | first',
        '  | error S00601 (INVALID_CONFIG): bad',
        'Stopped the nodes this start launched: controller stopped.',
        '',
      ].join('\n'),
    );
  });

  it('says so when the log is empty', () => {
    const text = describeFailure({
      kind: 'failed',
      dir: '/c',
      alias: 'controller',
      reason: 'not ready in time (no answer)',
      logFile: '/c/logs/controller.log',
      logTail: [],
      stopped: [],
    });
    expect(text).toContain('Its log /c/logs/controller.log is empty or missing.');
    expect(text).not.toContain('Stopped');
  });

  it('reads --timeout-ms as whole milliseconds', () => {
    expect(parseMillisFlag('--timeout-ms', ' 2500 ')).toBe(2500);
    for (const bad of ['-1', '1.5', 'soon', '', '12345678901']) {
      const message = errorMessage(() => parseMillisFlag('--timeout-ms', bad), 'INVALID_ARGUMENT');
      expect(message).toContain('--timeout-ms');
    }
  });
});

describe('cluster stop output', () => {
  it('prints one line per node and the note', () => {
    const text = describeStopped('/c', {
      nodes: [
        { alias: 'dn1', kind: 'signalled', pid: 7, outcome: 'stopped' },
        { alias: 'dn2', kind: 'not running', pid: 8 },
        { alias: 'controller', kind: 'signalled', pid: 6, outcome: 'killed' },
      ],
      note: 'the configuration does not load (x), so every node was stopped at once',
    });
    expect(text.split('\n')).toEqual([
      'Stopping /c:',
      '  dn1         stopped (pid 7)',
      '  dn2         not running (pid 8 is gone; stale pid file removed)',
      '  controller  killed with SIGKILL after the timeout (pid 6)',
      'Note: the configuration does not load (x), so every node was stopped at once.',
      '',
    ]);
    expect(describeStopped('/c', { nodes: [] })).toBe('No node of /c is running (no pid files).\n');
  });
});
