// cluster.secret: 32 random bytes written as 64 hex digits and a newline, the seed from which
// nodes derive the cluster's internal token (read by src/cluster/auth/internal-token.ts).

import { randomBytes } from 'node:crypto';

/** Bytes of randomness in a cluster secret. */
export const CLUSTER_SECRET_BYTES = 32;

/** The text of a new cluster.secret file. */
export function newClusterSecretText(): string {
  return randomBytes(CLUSTER_SECRET_BYTES).toString('hex') + '\n';
}
