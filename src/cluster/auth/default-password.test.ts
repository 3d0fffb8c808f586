// Proves the default admin password is refused exactly when some node listens beyond
// loopback (127.0.0.0/8, ::1, localhost, in their spellings), naming the node and host.

import { describe, expect, it } from 'vitest';
import { checkDefaultAdminPassword, isLoopbackHost } from './default-password.ts';
import { expectShoalError } from './test-support.ts';

describe('isLoopbackHost', () => {
  it('accepts loopback addresses in every spelling', () => {
    for (const host of [
      '127.0.0.1',
      '127.0.0.2',
      '127.255.255.254',
      'localhost',
      'LocalHost',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '0000:0000:0000:0000:0000:0000:0000:0001',
      '::ffff:127.0.0.1',
      '[::ffff:7f00:1]',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('refuses everything else', () => {
    for (const host of [
      '10.0.0.5',
      '0.0.0.0',
      '::',
      '',
      '128.0.0.1',
      '1.127.0.0',
      '::2',
      '::ffff:10.0.0.1',
      'fe80::1%lo',
      'example.com',
      'localhost.example.com',
      '127.0.0.1.nip.io',
      '127.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('checkDefaultAdminPassword', () => {
  const loopback = [
    { alias: 'controller', host: '127.0.0.1' },
    { alias: 'dn1', host: 'localhost' },
    { alias: 'dn2', host: '::1' },
  ];

  it('allows the default password on loopback only', () => {
    checkDefaultAdminPassword(loopback, true);
  });

  it('allows any host once the password is changed', () => {
    checkDefaultAdminPassword([...loopback, { alias: 'dn3', host: '0.0.0.0' }], false);
  });

  it('refuses the default password beyond loopback, naming the node and host', async () => {
    await expectShoalError(
      () => checkDefaultAdminPassword([...loopback, { alias: 'dn3', host: '10.0.0.5' }], true),
      'INVALID_CONFIG',
      'node dn3 listens on 10.0.0.5 (not loopback) and the admin password is still the default 123456: change it with `shoal cluster init --admin-password` or changePwd before listening beyond loopback',
    );
    await expectShoalError(
      () => checkDefaultAdminPassword([{ alias: 'dn1', host: '' }], true),
      'INVALID_CONFIG',
      /node dn1 listens on \(every address\)/,
    );
  });
});
