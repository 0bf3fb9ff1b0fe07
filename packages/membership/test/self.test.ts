import { describe, expect, it } from 'vitest';
import { parseClusterConf } from '../src/cluster-conf.js';
import { MembershipError } from '../src/errors.js';
import {
  firstNonLoopbackAddress,
  identifySelf,
  localAddresses,
  type NetworkInterfaces,
} from '../src/self.js';

const lan: NetworkInterfaces = {
  lo: [
    { address: '127.0.0.1', family: 'IPv4', internal: true },
    { address: '::1', family: 'IPv6', internal: true },
  ],
  eth0: [
    { address: 'fe80::1234', family: 'IPv6', internal: false },
    { address: '2001:db8::10', family: 'IPv6', internal: false },
    { address: '10.0.0.5', family: 'IPv4', internal: false },
  ],
};
const loopbackOnly: NetworkInterfaces = { lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }] };

function list(text: string) {
  const r = parseClusterConf(text);
  if (!r.ok) throw r.error;
  return r.members;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MembershipError) return `${err.code}: ${err.message}`;
    throw err;
  }
  throw new Error('expected a throw');
}

describe('firstNonLoopbackAddress', () => {
  it('prefers IPv4, skips loopback and link-local', () => {
    expect(firstNonLoopbackAddress(lan)).toBe('10.0.0.5');
    expect(
      firstNonLoopbackAddress({ eth0: [{ address: '2001:db8::10', family: 'IPv6', internal: false }] }),
    ).toBe('2001:db8::10');
    expect(firstNonLoopbackAddress(loopbackOnly)).toBeUndefined();
  });

  it('lists every local address, canonical', () => {
    expect(localAddresses(lan).sort()).toEqual(
      ['10.0.0.5', '127.0.0.1', '2001:db8::10', '::1', 'fe80::1234'].sort(),
    );
  });
});

describe('identifySelf', () => {
  it('finds self by local interface address and port', () => {
    const members = list('10.0.0.4:8848\n10.0.0.5:8848\n10.0.0.6:8848');
    expect(identifySelf(members, { port: 8848, interfaces: lan })).toEqual({
      self: { ip: '10.0.0.5', port: 8848, address: '10.0.0.5:8848' },
      source: 'interface',
    });
  });

  it('tells several loopback members on one machine apart by port', () => {
    const members = list('127.0.0.1:8848\n127.0.0.1:8858\n127.0.0.1:8868');
    for (const port of [8848, 8858, 8868]) {
      expect(identifySelf(members, { port, interfaces: loopbackOnly }).self.address).toBe(
        `127.0.0.1:${port}`,
      );
    }
    // Also on a machine that has a LAN address: loopback entries still match.
    expect(identifySelf(members, { port: 8858, interfaces: lan }).self.address).toBe('127.0.0.1:8858');
  });

  it("matches members listed as localhost or by this machine's hostname, by port", () => {
    const members = list('localhost:8848\nlocalhost:8858\nNode-A.example:8868\nnode-b.example:8868');
    const opts = { interfaces: loopbackOnly, hostnames: ['localhost', 'node-a.EXAMPLE'] };
    expect(identifySelf(members, { port: 8858, ...opts }).self.address).toBe('localhost:8858');
    expect(identifySelf(members, { port: 8868, ...opts }).self.address).toBe('node-a.example:8868');
    expect(() => identifySelf(members, { port: 8868, interfaces: loopbackOnly, hostnames: [] })).toThrow(
      expect.objectContaining({ code: 'MEMBERSHIP_SELF_NOT_MEMBER' }),
    );
  });

  it('matches IPv6 loopback members', () => {
    const members = list('[::1]:8848\n[::1]:8858');
    expect(identifySelf(members, { port: 8858, interfaces: lan }).self.address).toBe('[::1]:8858');
  });

  it('uses --ip over nacos.inetutils.ip-address over interfaces', () => {
    const members = list('10.0.0.5:8848\n10.0.0.7:8848\n192.168.1.1:8848');
    expect(
      identifySelf(members, { port: 8848, cliIp: '10.0.0.7', ipAddress: '192.168.1.1', interfaces: lan }),
    ).toEqual({
      self: { ip: '10.0.0.7', port: 8848, address: '10.0.0.7:8848' },
      source: 'cli',
    });
    expect(identifySelf(members, { port: 8848, ipAddress: '192.168.1.1', interfaces: lan }).source).toBe(
      'property',
    );
    expect(
      identifySelf(list('[2001:db8::9]:8848'), { port: 8848, ipAddress: '2001:db8::9' }).self.address,
    ).toBe('[2001:db8::9]:8848');
    expect(
      identifySelf(list('[2001:db8::9]:8848'), { port: 8848, cliIp: '[2001:db8::9]' }).self.address,
    ).toBe('[2001:db8::9]:8848');
  });

  it('fails clearly when self is not listed, naming self and the list', () => {
    const members = list('10.0.0.1:8848\n10.0.0.2:8848');
    const auto = codeOf(() => identifySelf(members, { port: 8848, interfaces: lan }));
    expect(auto).toMatch(/^MEMBERSHIP_SELF_NOT_MEMBER/);
    expect(auto).toContain('self would be 10.0.0.5:8848');
    expect(auto).toContain('listed: 10.0.0.1:8848, 10.0.0.2:8848');
    const explicit = codeOf(() => identifySelf(members, { port: 8848, cliIp: '10.0.0.9' }));
    expect(explicit).toBe(
      'MEMBERSHIP_SELF_NOT_MEMBER: self 10.0.0.9:8848 (from --ip) is not in the member list: 10.0.0.1:8848, 10.0.0.2:8848',
    );
    // Right ip, wrong port.
    expect(codeOf(() => identifySelf(list('10.0.0.5:8850'), { port: 8848, interfaces: lan }))).toMatch(
      /^MEMBERSHIP_SELF_NOT_MEMBER/,
    );
  });

  it('refuses a list that names this machine twice on the same port', () => {
    const members = list('127.0.0.1:8848\n10.0.0.5:8848\n10.0.0.6:8848');
    expect(codeOf(() => identifySelf(members, { port: 8848, interfaces: lan }))).toMatch(
      /^MEMBERSHIP_SELF_AMBIGUOUS: .*127\.0\.0\.1:8848, 10\.0\.0\.5:8848/,
    );
    // An explicit ip resolves the ambiguity.
    expect(identifySelf(members, { port: 8848, ipAddress: '10.0.0.5', interfaces: lan }).self.address).toBe(
      '10.0.0.5:8848',
    );
  });

  it('rejects a malformed ip or port', () => {
    expect(codeOf(() => identifySelf(list('10.0.0.5'), { port: 8848, cliIp: '10.0.0.300' }))).toMatch(
      /^MEMBERSHIP_INVALID_OPTION: --ip '10\.0\.0\.300'/,
    );
    expect(codeOf(() => identifySelf(list('10.0.0.5'), { port: 70000, interfaces: lan }))).toMatch(
      /^MEMBERSHIP_INVALID_OPTION: port/,
    );
  });
});
