import { hostname as osHostname, networkInterfaces as osNetworkInterfaces } from 'node:os';
import { formatAddress, type MemberAddress, parseAddress } from './address.js';
import { MembershipError } from './errors.js';

/** One address of a local interface, the subset of `os.networkInterfaces()` used here. */
export interface InterfaceAddress {
  readonly address: string;
  readonly family: 'IPv4' | 'IPv6' | string;
  readonly internal: boolean;
}

/** Local interfaces by name, as `os.networkInterfaces()` returns them. Injectable for tests. */
export type NetworkInterfaces = Readonly<Record<string, readonly InterfaceAddress[] | undefined>>;

/** Options for {@link identifySelf}. */
export interface IdentifySelfOptions {
  /** This member's HTTP port (`server.port`). */
  readonly port: number;
  /** `--ip` from the command line (Nacos' `nacos.server.ip`): wins over everything. */
  readonly cliIp?: string;
  /** The `nacos.inetutils.ip-address` property. */
  readonly ipAddress?: string;
  /** Local interfaces; default `os.networkInterfaces()`. */
  readonly interfaces?: NetworkInterfaces;
  /**
   * Names that mean this machine when a member is listed by hostname (compared case-insensitively,
   * never resolved). Default `['localhost', os.hostname()]`.
   */
  readonly hostnames?: readonly string[];
}

/** Who this member is and how that was decided. */
export interface SelfIdentity {
  readonly self: MemberAddress;
  /** `cli` (`--ip`), `property` (`nacos.inetutils.ip-address`) or `interface` (matched a local address). */
  readonly source: 'cli' | 'property' | 'interface';
}

/**
 * The first non-loopback address of the local interfaces, IPv4 preferred (Nacos' default when
 * no ip is configured), or `undefined` when the machine has only loopback.
 */
export function firstNonLoopbackAddress(
  interfaces: NetworkInterfaces = osNetworkInterfaces(),
): string | undefined {
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal && !a.address.startsWith('fe80:'));
  return (external.find((a) => a.family === 'IPv4') ?? external[0])?.address;
}

/** Every local address (loopback included), canonicalised like member addresses. */
export function localAddresses(interfaces: NetworkInterfaces = osNetworkInterfaces()): string[] {
  const out = new Set<string>();
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) {
      const parsed = parseAddress(a.address.includes(':') ? `[${a.address}]:8848` : a.address);
      if (parsed.ok) out.add(parsed.member.ip);
    }
  }
  return [...out];
}

/**
 * Finds this member in `members` (cluster mode; standalone needs no list).
 *
 * - With `cliIp` or `ipAddress` set, self is exactly `ip:port` and must be listed.
 * - Otherwise self is the one listed member whose host is a local address (loopback included)
 *   and whose port is `port`. That is what lets `127.0.0.1:8848`, `127.0.0.1:8858`, ... run on
 *   one machine (seed 003 had to tell Nacos users to avoid 127.0.0.1; here the port tells the
 *   members apart). A member listed by hostname matches when the name is `localhost` or this
 *   machine's hostname (`hostnames` option); other names are not resolved: list IPs, or set the ip.
 *
 * @throws MembershipError `MEMBERSHIP_INVALID_OPTION` for a malformed ip or port,
 *   `MEMBERSHIP_SELF_NOT_MEMBER` (message lists what was found and what self is),
 *   `MEMBERSHIP_SELF_AMBIGUOUS` when two listed addresses are both local on `port`.
 */
export function identifySelf(members: readonly MemberAddress[], options: IdentifySelfOptions): SelfIdentity {
  const { port } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new MembershipError(
      'MEMBERSHIP_INVALID_OPTION',
      `port must be an integer 1..65535, got ${String(port)}`,
    );
  }
  const listed = members.map((m) => m.address).join(', ') || '(none)';
  const explicit = options.cliIp ?? options.ipAddress;
  if (explicit !== undefined) {
    const source = options.cliIp !== undefined ? 'cli' : 'property';
    const parsed = parseAddress(
      explicit.includes(':') ? `[${explicit.replace(/^\[|\]$/g, '')}]` : explicit,
      port,
    );
    if (!parsed.ok) {
      const key = source === 'cli' ? '--ip' : 'nacos.inetutils.ip-address';
      throw new MembershipError('MEMBERSHIP_INVALID_OPTION', `${key} '${explicit}': ${parsed.reason}`);
    }
    const self = members.find((m) => m.address === parsed.member.address);
    if (self === undefined) {
      throw new MembershipError(
        'MEMBERSHIP_SELF_NOT_MEMBER',
        `self ${parsed.member.address} (from ${source === 'cli' ? '--ip' : 'nacos.inetutils.ip-address'}) is not in the member list: ${listed}`,
      );
    }
    return { self, source };
  }
  const names = (options.hostnames ?? ['localhost', osHostname()]).map((h) =>
    h.toLowerCase().replace(/\.$/, ''),
  );
  const locals = [...localAddresses(options.interfaces), ...names];
  const matches = members.filter((m) => m.port === port && locals.includes(m.ip));
  if (matches.length === 1) return { self: matches[0]!, source: 'interface' };
  if (matches.length > 1) {
    throw new MembershipError(
      'MEMBERSHIP_SELF_AMBIGUOUS',
      `several listed members are this machine on port ${port}: ${matches.map((m) => m.address).join(', ')}; ` +
        'list each member once, or set --ip / nacos.inetutils.ip-address',
    );
  }
  const guess = firstNonLoopbackAddress(options.interfaces) ?? '127.0.0.1';
  throw new MembershipError(
    'MEMBERSHIP_SELF_NOT_MEMBER',
    `self is not in the member list: no listed member is a local address on port ${port} ` +
      `(self would be ${formatAddress(guess, port)}; local addresses: ${locals.join(', ') || '(none)'}; ` +
      `listed: ${listed}); set --ip or nacos.inetutils.ip-address, or fix cluster.conf`,
  );
}
