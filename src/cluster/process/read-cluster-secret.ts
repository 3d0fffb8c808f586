// Reading the cluster secret (cluster.secret in the config folder) that a node signs and
// checks internal tokens with; a missing or malformed secret stops the node at start rather
// than at its first peer call.

import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ShoalError } from '../../core/errors.ts';
import { asDiskError } from '../../storage/durable-write.ts';
import { makeInternalToken } from '../auth/index.ts';
import { CLUSTER_SECRET } from '../config/index.ts';

/** The secret of the cluster configured in `configDir`: INVALID_CONFIG when absent or malformed. */
export async function readClusterSecret(configDir: string): Promise<string> {
  const file = path.join(configDir, CLUSTER_SECRET);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw asDiskError(error, `reading ${file}`);
    }
    throw new ShoalError(
      'INVALID_CONFIG',
      `${file} not found: every node needs the secret \`shoal cluster init\` wrote; copy it from the folder of the cluster's other nodes`,
    );
  }
  const secret = text.trim();
  makeInternalToken(secret, 'startup-check', 0); // throws INVALID_CONFIG for a malformed secret
  return secret;
}
