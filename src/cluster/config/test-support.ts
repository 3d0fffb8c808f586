// Shared by the config tests: a small cluster's files and a way to catch the error a call
// throws, checking its kind.

import { expect } from 'vitest';
import { isShoalError } from '../../core/errors.ts';
import type { ErrorCodeName } from '../../core/errors.ts';
import { parseNodesFile } from './parse-nodes.ts';
import type { ClusterNodes } from './parse-nodes.ts';

/** cluster.nodes of a controller and two data nodes on one machine. */
export const NODES_TEXT = [
  'localSite,mode',
  '127.0.0.1:8900:controller,controller',
  '127.0.0.1:8901:dn1,datanode',
  '127.0.0.1:8902:dn2,datanode',
].join('\n');

/** NODES_TEXT parsed. */
export const NODES: ClusterNodes = parseNodesFile(NODES_TEXT);

/** The message of the ShoalError of `kind` that `run` throws; fails the test otherwise. */
export function errorMessage(run: () => unknown, kind: ErrorCodeName = 'INVALID_CONFIG'): string {
  try {
    run();
  } catch (error) {
    expect(isShoalError(error, kind), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a ShoalError, but the call returned');
}

/** As errorMessage, for a call that returns a promise. */
export async function asyncErrorMessage(
  run: () => Promise<unknown>,
  kind: ErrorCodeName = 'INVALID_CONFIG',
): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(isShoalError(error, kind), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a ShoalError, but the call returned');
}
