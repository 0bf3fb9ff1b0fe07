import { ClientError } from '../errors.js';

/** One server the client may talk to. */
export interface ServerAddress {
  /** `host:port` as configured (IPv6 in brackets), for logs and errors. */
  readonly label: string;
  /** Origin plus context path, without a trailing slash: `http://10.0.0.1:8848/nacos`. */
  readonly baseUrl: string;
}

/** Nacos' HTTP port, used when an address names none. */
export const DEFAULT_PORT = 8848;

/**
 * Reads `serverAddr`: a comma-separated string or an array of `host`, `host:port`,
 * `[v6]:port` or `http(s)://host:port` entries. A host without a port gets 8848, as in the
 * Nacos clients. Duplicates are dropped; an empty list or a malformed entry is an option error.
 */
export function parseServerAddresses(
  serverAddr: string | readonly string[],
  contextPath: string,
): ServerAddress[] {
  const entries = (typeof serverAddr === 'string' ? serverAddr.split(',') : [...serverAddr])
    .map((e) => (typeof e === 'string' ? e.trim() : e))
    .filter((e) => e !== '');
  if (entries.length === 0) {
    throw new ClientError('CLIENT_INVALID_OPTION', 'serverAddr: at least one server address is required');
  }
  const context = normalizeContextPath(contextPath);
  const seen = new Map<string, ServerAddress>();
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      throw new ClientError('CLIENT_INVALID_OPTION', `serverAddr: ${String(entry)} is not a string`);
    }
    const withScheme = /^https?:\/\//i.test(entry) ? entry : `http://${entry}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch (cause) {
      throw new ClientError('CLIENT_INVALID_OPTION', `serverAddr: "${entry}" is not host[:port]`, { cause });
    }
    if (url.hostname === '' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
      throw new ClientError('CLIENT_INVALID_OPTION', `serverAddr: "${entry}" is not host[:port]`);
    }
    if (url.username || url.password) {
      throw new ClientError('CLIENT_INVALID_OPTION', `serverAddr: "${entry}" must not carry credentials`);
    }
    const port =
      url.port === '' ? (/^https?:\/\//i.test(entry) ? defaultPortOf(url) : DEFAULT_PORT) : Number(url.port);
    const label = `${url.hostname}:${port}`;
    if (!seen.has(label)) seen.set(label, { label, baseUrl: `${url.protocol}//${label}${context}` });
  }
  return [...seen.values()];
}

function defaultPortOf(url: URL): number {
  return url.protocol === 'https:' ? 443 : 80;
}

/** `nacos`, `/nacos/` and `/nacos` all become `/nacos`; `''` and `/` mean no context path. */
export function normalizeContextPath(contextPath: string): string {
  const trimmed = contextPath.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  if (!/^[A-Za-z0-9._~\-/]+$/.test(trimmed)) {
    throw new ClientError(
      'CLIENT_INVALID_OPTION',
      `contextPath: "${contextPath}" has characters a path cannot hold`,
    );
  }
  return `/${trimmed}`;
}
