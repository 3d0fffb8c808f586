// Proves how long `cluster stop` waits for a controller: an explicit timeout as given, the
// 30 s default for a controller that does not drain, and for a replication master's
// controller at least its own stop deadline (60 s plus clusterReplicationShutdownTimeout).
// How: the pure choice, with the limits the node runtime uses.

import { describe, expect, it } from 'vitest';
import { DEFAULT_STOP_TIMEOUT_MILLIS, NODE_STOP_TIMEOUT_MILLIS } from './process-limits.ts';
import { controllerStopMillis } from './stop-cluster.ts';

describe('controllerStopMillis', () => {
  it('uses an explicit timeout as given, drain or not', () => {
    expect(controllerStopMillis(5_000, 300_000)).toBe(5_000);
    expect(controllerStopMillis(0, 0)).toBe(0);
  });

  it('waits the default for a controller that does not drain', () => {
    expect(controllerStopMillis(undefined, 0)).toBe(DEFAULT_STOP_TIMEOUT_MILLIS);
  });

  it("outwaits a master controller's own deadline", () => {
    expect(controllerStopMillis(undefined, 300_000)).toBe(NODE_STOP_TIMEOUT_MILLIS + 300_000);
    expect(controllerStopMillis(undefined, 1)).toBeGreaterThan(NODE_STOP_TIMEOUT_MILLIS);
  });
});
