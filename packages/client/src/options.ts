import { homedir } from 'node:os';
import { ClientError } from './errors.js';
import { AuthSession } from './http/auth-session.js';
import { parseServerAddresses, type ServerAddress } from './http/server-address.js';
import { ServerList } from './http/server-list.js';
import { ServerRequester } from './http/server-requester.js';
import { type Logger, silentLogger } from './logger.js';

/** Options both clients share. */
export interface CommonClientOptions {
  /**
   * The servers: a comma-separated string or an array of `host[:port]` / `http(s)://host:port`
   * entries (port 8848 when absent). One entry may be a domain name that resolves to several
   * servers; a lone entry is tried up to three times per call.
   */
  readonly serverAddr: string | readonly string[];
  /** Namespace id. Default `public` (config's public tenant is sent as `''`). */
  readonly namespace?: string;
  /** Context path of the servers' API. Default `nacos`. */
  readonly contextPath?: string;
  /** Login name; with `password`, every call carries an access token (see README, Auth). */
  readonly username?: string;
  readonly password?: string;
  /** Timeout of one attempt against one server, in ms. Default 5000. */
  readonly requestTimeoutMs?: number;
  /**
   * Root of the local caches: naming snapshots go to `{cacheHome}/nacos/naming/{namespace}` and
   * config snapshots to `{cacheHome}/nacos/config/...`, as the Nacos clients lay them out.
   * Default the user's home directory.
   */
  readonly cacheHome?: string;
  /**
   * `User-Agent` sent to servers. Default `Nacos-Java-Client:v1.4.2`: Nacos servers push UDP
   * updates only to client kinds they know, and answer this one with grouped names.
   */
  readonly userAgent?: string;
  /** Where the client logs (a pino logger fits). Default silent. */
  readonly logger?: Logger;
  /** Random source in [0, 1) for the start server and weighted selection. Default `Math.random`. */
  readonly random?: () => number;
}

export const DEFAULT_NAMESPACE = 'public';
export const DEFAULT_GROUP = 'DEFAULT_GROUP';
export const DEFAULT_USER_AGENT = 'Nacos-Java-Client:v1.4.2';

/** The validated common options and the server connection built from them. */
export interface Connection {
  readonly namespace: string;
  readonly cacheHome: string;
  readonly logger: Logger;
  readonly random: () => number;
  readonly addresses: readonly ServerAddress[];
  readonly requester: ServerRequester;
  readonly auth: AuthSession | undefined;
}

/** Validates the shared options and builds the failover requester (and login session). */
export function openConnection(options: CommonClientOptions, component: string): Connection {
  if (options === null || typeof options !== 'object') {
    throw new ClientError('CLIENT_INVALID_OPTION', 'options must be an object');
  }
  const addresses = parseServerAddresses(
    options.serverAddr,
    optionalString(options, 'contextPath') ?? 'nacos',
  );
  const namespace = optionalString(options, 'namespace')?.trim() || DEFAULT_NAMESPACE;
  if (!/^[\w-]{1,128}$/.test(namespace)) {
    throw new ClientError(
      'CLIENT_INVALID_OPTION',
      `namespace: "${namespace}" must match [A-Za-z0-9_-]{1,128}`,
    );
  }
  const requestTimeoutMs = positiveInteger(options, 'requestTimeoutMs', 5000);
  const username = optionalString(options, 'username');
  const password = optionalString(options, 'password');
  if ((username === undefined) !== (password === undefined)) {
    throw new ClientError('CLIENT_INVALID_OPTION', 'username and password go together');
  }
  const random = options.random ?? Math.random;
  if (typeof random !== 'function')
    throw new ClientError('CLIENT_INVALID_OPTION', 'random must be a function');
  const logger = (options.logger ?? silentLogger).child({ component });
  const requester = new ServerRequester({
    servers: new ServerList(addresses, { random }),
    requestTimeoutMs,
    userAgent: optionalString(options, 'userAgent') ?? DEFAULT_USER_AGENT,
    logger,
  });
  const auth =
    username !== undefined && password !== undefined
      ? new AuthSession({ username, password, requester, logger })
      : undefined;
  if (auth) requester.useTokens(auth);
  return {
    namespace,
    cacheHome: optionalString(options, 'cacheHome') ?? homedir(),
    logger,
    random,
    addresses,
    requester,
    auth,
  };
}

/** A string option, or undefined when absent; anything else is an option error. */
export function optionalString<T extends object>(options: T, key: keyof T & string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ClientError('CLIENT_INVALID_OPTION', `${key} must be a string`);
  return value;
}

/** A positive integer option (ms, counts), or the fallback when absent. */
export function positiveInteger<T extends object>(
  options: T,
  key: keyof T & string,
  fallback: number,
): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    throw new ClientError(
      'CLIENT_INVALID_OPTION',
      `${key} must be a positive integer (ms), got ${String(value)}`,
    );
  }
  return value;
}

/** A boolean option, or the fallback when absent. */
export function optionalBoolean<T extends object>(
  options: T,
  key: keyof T & string,
  fallback: boolean,
): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ClientError('CLIENT_INVALID_OPTION', `${key} must be a boolean`);
  return value;
}
