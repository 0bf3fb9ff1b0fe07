import { networkInterfaces } from 'node:os';

/**
 * The address this member announces when none is configured: the first non-internal IPv4
 * address, else the first non-internal IPv6 one, else loopback. A member announcing loopback
 * still works for clusters whose members all run on one machine.
 */
export function detectIp(interfaces = networkInterfaces()): string {
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal);
  const v4 = external.find((a) => a.family === 'IPv4');
  if (v4) return v4.address;
  const v6 = external.find((a) => a.family === 'IPv6' && !a.address.startsWith('fe80'));
  return v6?.address ?? '127.0.0.1';
}
