import { isIP } from 'node:net';

/**
 * Value parsers for configuration properties. Each returns the parsed value or throws an
 * `Error` whose message says what was expected; the loader adds the key and where it came from.
 */

export function parsePort(raw: string): number {
  const trimmed = raw.trim();
  if (!/^\d+$/.test(trimmed)) throw new Error('expected a port number between 1 and 65535');
  const port = Number(trimmed);
  if (port < 1 || port > 65535) throw new Error('expected a port number between 1 and 65535');
  return port;
}

const TRUE_WORDS = new Set(['true', 'on', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', '0']);

/** Spring's relaxed boolean conversion: true/false, on/off, yes/no, 1/0, any case. */
export function parseBoolean(raw: string): boolean {
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new Error('expected true or false');
}

export function parseEnum<const T extends string>(allowed: readonly T[]) {
  return (raw: string): T => {
    const word = raw.trim().toLowerCase();
    const found = allowed.find((a) => a === word);
    if (found === undefined) throw new Error(`expected one of ${allowed.join(', ')}`);
    return found;
  };
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** An IPv4 or IPv6 address (brackets allowed around IPv6) or a DNS hostname. */
export function parseHost(raw: string): string {
  const trimmed = raw.trim();
  const unbracketed = trimmed.replace(/^\[(.*)\]$/, '$1');
  if (isIP(unbracketed) !== 0) return unbracketed;
  if (HOSTNAME.test(trimmed)) return trimmed;
  throw new Error('expected an IP address or a hostname');
}

/** The servlet context path: empty, or `/` followed by path segments, without a trailing slash. */
export function parseContextPath(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed === '/') return '';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed)) {
    throw new Error('expected a path such as /nacos (letters, digits, "." "_" "~" "-" segments)');
  }
  return trimmed;
}

export function parseNonEmpty(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed === '') throw new Error('expected a non-empty value');
  return trimmed;
}
