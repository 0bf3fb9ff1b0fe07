import { ConfigError, type RegistryConfig } from '../config/load-config.js';
import { parseBoolean } from '../config/values.js';
import { parseConfiguredSecret } from './token-secret.js';

/** The auth keys: Nacos' where they exist (1.4 `default` and 2.x `plugin.nacos` spellings), ours as `reg.auth.*`. */
export const AUTH_KEYS = {
  enabled: 'nacos.core.auth.enabled',
  systemType: 'nacos.core.auth.system.type',
  expire: 'nacos.core.auth.plugin.nacos.token.expire.seconds',
  expireLegacy: 'nacos.core.auth.default.token.expire.seconds',
  secret: 'nacos.core.auth.plugin.nacos.token.secret.key',
  secretLegacy: 'nacos.core.auth.default.token.secret.key',
  caching: 'nacos.core.auth.caching.enabled',
  userAgentWhite: 'nacos.core.auth.enable.userAgentAuthWhite',
  identityKey: 'nacos.core.auth.server.identity.key',
  identityValue: 'nacos.core.auth.server.identity.value',
  adminPassword: 'reg.auth.admin.password',
} as const;

/** Every auth key, for the config loader's environment overlay. */
export const AUTH_KEY_NAMES: readonly string[] = Object.values(AUTH_KEYS);

/** An identity value shorter than this is refused: it is a password other members present. */
export const MIN_IDENTITY_VALUE_LENGTH = 16;
/** Nacos 1.4.1-2.2.0 shipped `serverIdentity: security`; scanners try it. */
const PUBLIC_IDENTITY_VALUES = ['security'];

/** The validated auth configuration of one member. */
export interface AuthSettings {
  /** `nacos.core.auth.enabled` (default false, as Nacos). */
  readonly enabled: boolean;
  /** Token lifetime in seconds (18000). */
  readonly tokenTtlSeconds: number;
  /** The configured signing key and the key it came from; undefined means generated per installation. */
  readonly secret: { readonly key: Buffer; readonly from: string } | undefined;
  /** Whether users, roles and permissions are cached briefly between requests (`caching.enabled`). */
  readonly caching: boolean;
  /** The member-to-member identity header (lower-cased name) and value, when both are set. */
  readonly identity: { readonly header: string; readonly value: string } | undefined;
  /** The initial admin password from `reg.auth.admin.password` (env `REG_AUTH_ADMIN_PASSWORD`). */
  readonly adminPassword: string | undefined;
  /** Set when `enable.userAgentAuthWhite=true` was asked for: it is ignored, and start-up says so. */
  readonly ignoredUserAgentWhite: boolean;
}

/** Reads and checks the auth keys; throws one ConfigError listing every problem. */
export function readAuthSettings(config: RegistryConfig): AuthSettings {
  const problems: string[] = [];
  const get = (key: string): string | undefined => {
    const value = config.properties.get(key)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    try {
      return parseBoolean(raw);
    } catch (err) {
      problems.push(`${key}=${JSON.stringify(raw)}: ${(err as Error).message}`);
      return fallback;
    }
  };

  const enabled = bool(AUTH_KEYS.enabled, false);
  const caching = bool(AUTH_KEYS.caching, true);
  const ignoredUserAgentWhite = bool(AUTH_KEYS.userAgentWhite, false);

  const systemType = get(AUTH_KEYS.systemType);
  if (systemType !== undefined && systemType.toLowerCase() !== 'nacos') {
    problems.push(`${AUTH_KEYS.systemType}=${JSON.stringify(systemType)}: only "nacos" is supported`);
  }

  const expireKey = get(AUTH_KEYS.expire) !== undefined ? AUTH_KEYS.expire : AUTH_KEYS.expireLegacy;
  const expireRaw = get(expireKey);
  let tokenTtlSeconds = 18_000;
  if (expireRaw !== undefined) {
    const n = /^\d{1,9}$/.test(expireRaw) ? Number(expireRaw) : Number.NaN;
    if (Number.isInteger(n) && n >= 1) tokenTtlSeconds = n;
    else
      problems.push(
        `${expireKey}=${JSON.stringify(expireRaw)}: expected a whole number of seconds, at least 1`,
      );
  }

  const secretKey = get(AUTH_KEYS.secret) !== undefined ? AUTH_KEYS.secret : AUTH_KEYS.secretLegacy;
  const secretRaw = get(secretKey);
  let secret: AuthSettings['secret'];
  if (secretRaw !== undefined) {
    const parsed = parseConfiguredSecret(secretRaw);
    // The value itself stays out of the message: it is a credential.
    if (typeof parsed === 'string') problems.push(`${secretKey}: ${parsed}`);
    else secret = { key: parsed, from: secretKey };
  }

  const identity = readIdentity(get(AUTH_KEYS.identityKey), get(AUTH_KEYS.identityValue), problems);
  const adminPassword = config.properties.get(AUTH_KEYS.adminPassword);
  if (adminPassword !== undefined && adminPassword !== '' && adminPassword.length < 8) {
    problems.push(`${AUTH_KEYS.adminPassword}: must be at least 8 characters`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    enabled,
    tokenTtlSeconds,
    secret,
    caching,
    identity,
    adminPassword: adminPassword === '' ? undefined : adminPassword,
    ignoredUserAgentWhite,
  };
}

function readIdentity(
  key: string | undefined,
  value: string | undefined,
  problems: string[],
): AuthSettings['identity'] {
  if (key === undefined && value === undefined) return undefined;
  if (key === undefined || value === undefined) {
    const missing = key === undefined ? AUTH_KEYS.identityKey : AUTH_KEYS.identityValue;
    problems.push(`${missing} is not set: member identity needs both the key and the value`);
    return undefined;
  }
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/.test(key)) {
    problems.push(`${AUTH_KEYS.identityKey}: must be an HTTP header name`);
    return undefined;
  }
  if (PUBLIC_IDENTITY_VALUES.includes(value) || value.length < MIN_IDENTITY_VALUE_LENGTH) {
    problems.push(
      `${AUTH_KEYS.identityValue}: must be at least ${MIN_IDENTITY_VALUE_LENGTH} characters and not a published default`,
    );
    return undefined;
  }
  return { header: key.toLowerCase(), value };
}
