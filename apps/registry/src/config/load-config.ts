import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type CliFlags, parseCli } from './cli.js';
import { detectIp as defaultDetectIp } from './detect-ip.js';
import { PlaceholderError, resolvePlaceholders } from './placeholders.js';
import { PropertiesSyntaxError, parseProperties } from './properties.js';
import { parseBoolean, parseContextPath, parseEnum, parseHost, parsePort } from './values.js';

export type Mode = 'standalone' | 'cluster';
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated, frozen configuration of one registry process. */
export interface RegistryConfig {
  readonly mode: Mode;
  readonly version: string;
  readonly home: string;
  readonly confDir: string;
  /** Absolute. Created at start when absent. */
  readonly dataDir: string;
  /** The address this member announces to clients and peers. */
  readonly ip: string;
  /** Where the HTTP server binds; undefined means every interface, like Nacos. */
  readonly bindAddress: string | undefined;
  readonly port: number;
  /** The peer (Raft / Distro) port: always `port - 1000`, as in Nacos. */
  readonly clusterPort: number;
  /** `/nacos` unless `server.servlet.contextPath` says otherwise. */
  readonly contextPath: string;
  readonly logLevel: LogLevel;
  /** Every property after placeholders, environment and flags, for modules with keys of their own. */
  readonly properties: ReadonlyMap<string, string>;
}

/** Raised with every problem found, so that one run shows them all. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

export interface LoadOptions {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The default `nacos.home`: the registry's installation directory. */
  readonly appHome: string;
  readonly version: string;
  readonly detectIp?: () => string;
}

export type LoadResult =
  | { readonly kind: 'config'; readonly config: RegistryConfig }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

/** Keys the registry reads; their environment names are overlaid even when the file lacks them. */
export const KNOWN_KEYS: readonly string[] = [
  'server.port',
  'server.address',
  'server.servlet.contextPath',
  'nacos.standalone',
  'nacos.home',
  'nacos.inetutils.ip-address',
  'nacos.member.list',
  'reg.data.dir',
  'reg.log.level',
  'nacos.core.member.fail-access-cnt',
  'reg.member.report.interval.ms',
  'reg.cp.timeout.ms',
  'reg.raft.election.timeout.ms',
  'reg.raft.snapshot.after.entries',
  'reg.cluster.secret',
  'nacos.core.auth.server.identity.key',
  'nacos.core.auth.server.identity.value',
  // auth (src/auth/auth-settings.ts)
  'nacos.core.auth.enabled',
  'nacos.core.auth.system.type',
  'nacos.core.auth.plugin.nacos.token.expire.seconds',
  'nacos.core.auth.default.token.expire.seconds',
  'nacos.core.auth.plugin.nacos.token.secret.key',
  'nacos.core.auth.default.token.secret.key',
  'nacos.core.auth.caching.enabled',
  'nacos.core.auth.enable.userAgentAuthWhite',
  'reg.auth.admin.password',
  // naming (src/naming/naming-module.ts)
  'reg.naming.beat.check.period.ms',
  'reg.naming.health.check.period.ms',
  'reg.naming.empty.service.ttl.ms',
  'reg.naming.push.target',
  'reg.naming.push.ack.timeout.ms',
  // config center (src/config-center/config-module.ts)
  'nacos.config.retention.days',
  'reg.config.history.purge.interval.ms',
  'reg.config.longpoll.max.hold.ms',
  'reg.config.longpoll.min.hold.ms',
  'spring.datasource.platform',
  'db.num',
  'db.user',
  'db.password',
  // Indexed datasource keys have no single environment name; the first ten are overlaid.
  ...Array.from({ length: 10 }, (_, i) => [`db.url.${i}`, `db.user.${i}`, `db.password.${i}`]).flat(),
];

interface Setting {
  readonly value: string;
  /** Where the value came from, e.g. `conf/application.properties:3`, `env SERVER_PORT`, `flag --port`. */
  readonly source: string;
}

/** Spring's relaxed binding: `nacos.inetutils.ip-address` is `NACOS_INETUTILS_IP_ADDRESS`. */
export function envNameOf(key: string): string {
  return key.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** Loads defaults < `application.properties` < environment < flags, then validates. */
export function loadConfig(options: LoadOptions): LoadResult {
  const { env } = options;
  let flags: CliFlags;
  try {
    flags = parseCli(options.argv);
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };

  const problems: string[] = [];
  const home = resolve(flags.home ?? env.NACOS_HOME ?? options.appHome);
  const confDir = resolve(home, flags.confDir ?? env.REG_CONF_DIR ?? 'conf');
  const settings = readFileSettings(confDir, env, problems);

  for (const key of new Set([...KNOWN_KEYS, ...settings.keys()])) {
    const name = envNameOf(key);
    const value = env[name];
    if (value !== undefined) settings.set(key, { value, source: `env ${name}` });
  }
  for (const [key, { value, flag }] of flags.properties) settings.set(key, { value, source: `flag ${flag}` });

  const read = <T>(key: string, parse: (raw: string) => T, fallback: T): T => {
    const setting = settings.get(key);
    if (setting === undefined) return fallback;
    try {
      return parse(setting.value);
    } catch (err) {
      problems.push(`${key}=${JSON.stringify(setting.value)} (${setting.source}): ${(err as Error).message}`);
      return fallback;
    }
  };

  const mode = resolveMode(flags, env, settings, problems);
  const port = read('server.port', parsePort, 8848);
  if (mode === 'cluster' && port <= 1000) {
    problems.push(
      `server.port=${port}: in cluster mode the peer port (server.port - 1000) must be at least 1`,
    );
  }
  const bindAddress = read('server.address', (raw) => parseHost(raw), undefined);
  const configuredIp = read('nacos.inetutils.ip-address', (raw) => parseHost(raw), undefined);
  const contextPath = read('server.servlet.contextPath', parseContextPath, '/nacos');
  const logLevel = read('reg.log.level', parseEnum(LOG_LEVELS), 'info');
  const dataHome = resolve(settings.get('nacos.home')?.value ?? home);
  const dataDirSetting = settings.get('reg.data.dir')?.value;
  const dataDir = dataDirSetting ? resolve(dataHome, dataDirSetting) : join(dataHome, 'data');

  if (problems.length > 0) throw new ConfigError(problems);
  const properties = new Map([...settings].map(([key, s]) => [key, s.value]));
  const config: RegistryConfig = {
    mode,
    version: options.version,
    home,
    confDir,
    dataDir,
    ip: configuredIp ?? (options.detectIp ?? defaultDetectIp)(),
    bindAddress,
    port,
    clusterPort: port - 1000,
    contextPath,
    logLevel,
    properties,
  };
  return { kind: 'config', config: Object.freeze(config) };
}

function readFileSettings(
  confDir: string,
  env: LoadOptions['env'],
  problems: string[],
): Map<string, Setting> {
  const settings = new Map<string, Setting>();
  const file = join(confDir, 'application.properties');
  if (!existsSync(file)) return settings;
  const label = displayPath(file);
  let entries: ReturnType<typeof parseProperties>;
  try {
    entries = parseProperties(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) problems.push(`${label}:${err.line}: ${err.message}`);
    else problems.push(`${label}: cannot be read: ${(err as Error).message}`);
    return settings;
  }
  for (const entry of entries.values()) {
    try {
      const value = resolvePlaceholders(entry.key, entry.value, (name) => entries.get(name)?.value, env);
      settings.set(entry.key, { value, source: `${label}:${entry.line}` });
    } catch (err) {
      if (!(err instanceof PlaceholderError)) throw err;
      problems.push(`${entry.key} (${label}:${entry.line}): ${err.message}`);
    }
  }
  return settings;
}

function resolveMode(
  flags: CliFlags,
  env: LoadOptions['env'],
  settings: ReadonlyMap<string, Setting>,
  problems: string[],
): Mode {
  const parseMode = parseEnum(['standalone', 'cluster'] as const);
  const explicit = flags.mode !== undefined ? { value: flags.mode, source: 'flag -m' } : undefined;
  const fromEnv = env.MODE !== undefined ? { value: env.MODE, source: 'env MODE' } : undefined;
  const chosen = explicit ?? fromEnv;
  if (chosen) {
    try {
      return parseMode(chosen.value);
    } catch (err) {
      problems.push(`mode=${JSON.stringify(chosen.value)} (${chosen.source}): ${(err as Error).message}`);
      return 'standalone';
    }
  }
  const standalone = settings.get('nacos.standalone');
  if (standalone === undefined) return 'cluster';
  try {
    return parseBoolean(standalone.value) ? 'standalone' : 'cluster';
  } catch (err) {
    problems.push(
      `nacos.standalone=${JSON.stringify(standalone.value)} (${standalone.source}): ${(err as Error).message}`,
    );
    return 'standalone';
  }
}

function displayPath(file: string): string {
  const cwd = process.cwd();
  return isAbsolute(file) && file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
}
