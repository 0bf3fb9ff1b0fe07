import { isIPv4, isIPv6 } from 'node:net';

/** The default member port when an entry has none (Nacos' `server.port`). */
export const DEFAULT_MEMBER_PORT = 8848;

/**
 * The cluster (peer) port of a member is its HTTP port minus this offset (8848 → 7848), as in
 * Nacos. That is why member ports below 1001 are rejected: they would have no cluster port.
 */
export const CLUSTER_PORT_OFFSET = 1000;

/** Smallest member port accepted (its cluster port is 1). */
export const MIN_MEMBER_PORT = CLUSTER_PORT_OFFSET + 1;

/** Largest TCP port. */
export const MAX_MEMBER_PORT = 65535;

/** A member's network identity. Invariant: `address === formatAddress(ip, port)`. */
export interface MemberAddress {
  /** IPv4 dotted quad, canonical IPv6 without brackets, or a lower-case hostname. */
  readonly ip: string;
  /** HTTP port (`server.port`), 1001..65535. */
  readonly port: number;
  /** The member's key everywhere: `ip:port`, or `[ipv6]:port`. */
  readonly address: string;
}

/** Formats `ip:port`, bracketing IPv6 addresses (`[::1]:8848`). */
export function formatAddress(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The cluster port (`port - 1000`) a member's peer transport listens on. */
export function clusterPortOf(member: Pick<MemberAddress, 'port'>): number {
  return member.port - CLUSTER_PORT_OFFSET;
}

/** Outcome of {@link parseAddress}: the address, or a short reason it is invalid. */
export type AddressParse =
  | { readonly ok: true; readonly member: MemberAddress }
  | { readonly ok: false; readonly reason: string };

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parses one entry `host[:port]`, `[ipv6][:port]` or a bare IPv6 address (which never carries a
 * port: `fe80::1:8848` is an address, write `[fe80::1]:8848` for a port). Pure; never throws.
 */
export function parseAddress(entry: string, defaultPort = DEFAULT_MEMBER_PORT): AddressParse {
  if (entry.length === 0) return { ok: false, reason: 'empty entry' };
  if (/\s/.test(entry)) return { ok: false, reason: 'contains whitespace' };
  let host: string;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) return { ok: false, reason: "missing ']' after IPv6 address" };
    host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(':')) return { ok: false, reason: `unexpected '${rest}' after ']'` };
      portText = rest.slice(1);
    }
    if (!isIPv6(host)) return { ok: false, reason: `'${host}' is not an IPv6 address` };
  } else {
    const colons = entry.split(':').length - 1;
    if (colons >= 2) {
      host = entry;
      if (!isIPv6(host)) return { ok: false, reason: `'${host}' is not an IPv6 address` };
    } else if (colons === 1) {
      const at = entry.indexOf(':');
      host = entry.slice(0, at);
      portText = entry.slice(at + 1);
    } else {
      host = entry;
    }
  }
  const port = portText === undefined ? defaultPort : parsePort(portText);
  if (typeof port === 'string') return { ok: false, reason: port };
  const ip = normalizeHost(host);
  if (typeof ip !== 'string') return { ok: false, reason: ip.reason };
  return { ok: true, member: { ip, port, address: formatAddress(ip, port) } };
}

function parsePort(text: string): number | string {
  if (text.length === 0) return 'empty port';
  if (!/^[0-9]{1,5}$/.test(text)) return `port '${text}' is not a number`;
  const port = Number(text);
  if (port < MIN_MEMBER_PORT || port > MAX_MEMBER_PORT) {
    return `port ${port} out of range ${MIN_MEMBER_PORT}..${MAX_MEMBER_PORT} (cluster port = port - ${CLUSTER_PORT_OFFSET})`;
  }
  return port;
}

function normalizeHost(host: string): string | { reason: string } {
  if (host.length === 0) return { reason: 'empty host' };
  if (host.includes(':')) {
    if (host.includes('%')) return { reason: 'IPv6 zone ids are not supported' };
    // WHATWG URL canonicalises IPv6 (0:0:0:0:0:0:0:1 → ::1) so spellings of one address compare equal.
    return new URL(`http://[${host}]/`).hostname.slice(1, -1);
  }
  if (/^[0-9.]+$/.test(host)) {
    return isIPv4(host) ? host : { reason: `'${host}' is not a valid IPv4 address` };
  }
  const lower = host.toLowerCase();
  if (lower.length > 253) return { reason: 'hostname longer than 253 characters' };
  const labels = lower.endsWith('.') ? lower.slice(0, -1).split('.') : lower.split('.');
  for (const label of labels) {
    if (!HOST_LABEL.test(label)) return { reason: `'${host}' is not a valid hostname` };
  }
  return lower;
}
