// SPEC §7.10: a node reachable from other machines must not keep DolphinDB's default admin
// password. Pure: the caller says whether admin's hash still matches 123456.

import { isIPv4, isIPv6 } from 'node:net';
import { ShoalError } from '../../core/errors.ts';

/** DolphinDB's default password of the built-in admin user. */
export const DEFAULT_ADMIN_PASSWORD = '123456';

/** A node and the host it listens on. */
export interface ListenHost {
  readonly alias: string;
  readonly host: string;
}

/**
 * Throws INVALID_CONFIG naming the first node of `listenHosts` that listens beyond loopback,
 * when `adminHashMatches123456`. Host names other than localhost count as beyond loopback:
 * resolving them would be I/O, and a wrong guess must not let the default password out.
 */
export function checkDefaultAdminPassword(
  listenHosts: readonly ListenHost[],
  adminHashMatches123456: boolean,
): void {
  if (!adminHashMatches123456) return;
  const exposed = listenHosts.find((node) => !isLoopbackHost(node.host));
  if (exposed === undefined) return;
  throw new ShoalError(
    'INVALID_CONFIG',
    `node ${exposed.alias} listens on ${exposed.host === '' ? '(every address)' : exposed.host} (not loopback) and the admin password is still the default ${DEFAULT_ADMIN_PASSWORD}: change it with \`shoal cluster init --admin-password\` or changePwd before listening beyond loopback`,
  );
}

/** True for localhost, an address in 127.0.0.0/8, ::1, or ::ffff: mapped 127.x (any spelling). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIPv4(bare)) return bare.startsWith('127.');
  // A zone index (fe80::1%eth0) names an interface, never loopback.
  if (!isIPv6(bare) || bare.includes('%')) return false;
  // The URL parser writes IPv6 in its canonical compressed form, so ::1 has one spelling.
  const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
}
