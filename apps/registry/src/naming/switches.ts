import { RegistryError } from '../errors.js';

/** Which instances the registry accepts (seed 000): AP ephemeral only, CP persistent into existing services, MIXED both. */
export type ServerMode = 'AP' | 'CP' | 'MIXED';

export interface HealthParams {
  readonly max: number;
  readonly min: number;
  readonly factor: number;
}

/**
 * Nacos' switch bean (`/v1/ns/operator/switches`), replicated through Raft. Field names are the
 * JSON names clients and consoles read. `serverMode` is ours: Nacos 1.x has no such switch, but
 * the seeds' operators switch modes with it.
 */
export interface Switches {
  readonly name: string;
  readonly masters: readonly string[] | null;
  readonly adWeightMap: Readonly<Record<string, number>>;
  readonly defaultPushCacheMillis: number;
  readonly clientBeatInterval: number;
  readonly defaultCacheMillis: number;
  readonly distroThreshold: number;
  readonly healthCheckEnabled: boolean;
  readonly autoChangeHealthCheckEnabled: boolean;
  readonly distroEnabled: boolean;
  readonly enableStandalone: boolean;
  readonly pushEnabled: boolean;
  readonly checkTimes: number;
  readonly httpHealthParams: HealthParams;
  readonly tcpHealthParams: HealthParams;
  readonly mysqlHealthParams: HealthParams;
  readonly incrementalList: readonly string[];
  readonly serverStatusSynchronizationPeriodMillis: number;
  readonly serviceStatusSynchronizationPeriodMillis: number;
  readonly disableAddIP: boolean;
  readonly sendBeatOnly: boolean;
  readonly lightBeatEnabled: boolean;
  readonly limitedUrlMap: Readonly<Record<string, number>>;
  readonly distroServerExpiredMillis: number;
  readonly pushGoVersion: string;
  readonly pushJavaVersion: string;
  readonly pushPythonVersion: string;
  readonly pushCVersion: string;
  readonly pushCSharpVersion: string;
  readonly enableAuthentication: boolean;
  readonly overriddenServerStatus: string | null;
  readonly defaultInstanceEphemeral: boolean;
  readonly healthCheckWhiteList: readonly string[];
  readonly serverMode: ServerMode;
}

export const DEFAULT_SWITCHES: Switches = Object.freeze({
  name: '00-00---000-NACOS_SWITCH_DOMAIN-000---00-00',
  masters: null,
  adWeightMap: {},
  defaultPushCacheMillis: 10_000,
  clientBeatInterval: 5_000,
  defaultCacheMillis: 3_000,
  distroThreshold: 0.7,
  healthCheckEnabled: true,
  autoChangeHealthCheckEnabled: true,
  distroEnabled: true,
  enableStandalone: true,
  pushEnabled: true,
  checkTimes: 3,
  httpHealthParams: { max: 5_000, min: 500, factor: 0.85 },
  tcpHealthParams: { max: 5_000, min: 1_000, factor: 0.75 },
  mysqlHealthParams: { max: 3_000, min: 2_000, factor: 0.65 },
  incrementalList: [],
  serverStatusSynchronizationPeriodMillis: 2_000,
  serviceStatusSynchronizationPeriodMillis: 5_000,
  disableAddIP: false,
  sendBeatOnly: false,
  lightBeatEnabled: true,
  limitedUrlMap: {},
  distroServerExpiredMillis: 10_000,
  pushGoVersion: '0.1.0',
  pushJavaVersion: '0.1.0',
  pushPythonVersion: '0.4.3',
  pushCVersion: '1.0.12',
  pushCSharpVersion: '0.9.0',
  enableAuthentication: false,
  overriddenServerStatus: null,
  defaultInstanceEphemeral: true,
  healthCheckWhiteList: [],
  serverMode: 'MIXED',
});

/** Nacos refuses push caches under 10 s and pull caches under 1 s. */
const MIN_PUSH_CACHE_MS = 10_000;
const MIN_CACHE_MS = 1_000;

type Update = Partial<{ -readonly [K in keyof Switches]: Switches[K] }>;

/**
 * Turns `PUT /operator/switches?entry=&value=` into the fields it changes, or throws a 400 with
 * Nacos' kind of text. Pure, so the same update applies identically on every member.
 */
export function parseSwitchUpdate(entry: string, value: string): Update {
  switch (entry) {
    case 'serverMode': {
      const mode = value.toUpperCase();
      if (mode !== 'AP' && mode !== 'CP' && mode !== 'MIXED') {
        throw invalid(`serverMode can only be AP, CP or MIXED, current: ${value}`);
      }
      return { serverMode: mode };
    }
    case 'distroThreshold': {
      const t = double(value);
      if (t <= 0) throw invalid(`distroThreshold can not be zero or negative: ${value}`);
      return { distroThreshold: t };
    }
    case 'clientBeatInterval':
      return { clientBeatInterval: positiveLong(value) };
    case 'pushCacheMillis': {
      const ms = long(value);
      if (ms < MIN_PUSH_CACHE_MS) throw invalid('min cache time for http or tcp is too small(<10000)');
      return { defaultPushCacheMillis: ms };
    }
    case 'defaultCacheMillis': {
      const ms = long(value);
      if (ms < MIN_CACHE_MS) throw invalid('min default cache time is too small(<1000)');
      return { defaultCacheMillis: ms };
    }
    case 'pushVersion': {
      const [type, raw] = value.split(':');
      const version = (raw ?? '').replace(/^v/, '');
      if (!/^\d+(\.\d+){0,2}$/.test(version)) throw invalid(`illegal version: ${value}`);
      const field = PUSH_VERSION_FIELDS[(type ?? '').toLowerCase()];
      if (!field) throw invalid(`unsupported client type: ${type}`);
      return { [field]: version };
    }
    case 'masters':
      return {
        masters: value
          .split(',')
          .map((m) => m.trim())
          .filter((m) => m !== ''),
      };
    case 'distro':
      return { distroEnabled: bool(value) };
    case 'check':
      return { healthCheckEnabled: bool(value) };
    case 'pushEnabled':
      return { pushEnabled: bool(value) };
    case 'healthCheckTimes':
      return { checkTimes: positiveLong(value) };
    case 'serviceStatusSynchronizationPeriodMillis':
      return { serviceStatusSynchronizationPeriodMillis: positiveLong(value) };
    case 'serverStatusSynchronizationPeriodMillis':
      return { serverStatusSynchronizationPeriodMillis: positiveLong(value) };
    case 'disableAddIP':
      return { disableAddIP: bool(value) };
    case 'sendBeatOnly':
      return { sendBeatOnly: bool(value) };
    case 'enableStandalone':
      return { enableStandalone: bool(value) };
    case 'defaultInstanceEphemeral':
      return { defaultInstanceEphemeral: bool(value) };
    case 'lightBeatEnabled':
      return { lightBeatEnabled: bool(value) };
    case 'autoChangeHealthCheckEnabled':
      return { autoChangeHealthCheckEnabled: bool(value) };
    case 'distroServerExpiredMillis':
      return { distroServerExpiredMillis: positiveLong(value) };
    case 'overriddenServerStatus': {
      const status = value.toUpperCase();
      if (!SERVER_STATUSES.has(status)) throw invalid(`illegal server status: ${value}`);
      return { overriddenServerStatus: status };
    }
    case 'limitedUrlMap':
      return { limitedUrlMap: parseLimitedUrls(value) };
    default:
      throw invalid(`update entry not found: ${entry}`);
  }
}

/** Applies an update produced by {@link parseSwitchUpdate}. */
export function applySwitchUpdate(current: Switches, update: Update): Switches {
  return Object.freeze({ ...current, ...update });
}

/** The bean as `GET /operator/switches` shows it, with Nacos' `checksum` (opaque to clients). */
export function switchesJson(switches: Switches): Record<string, unknown> {
  return { ...switches, checksum: null };
}

const SERVER_STATUSES = new Set(['UP', 'DOWN', 'STARTING', 'PAUSED', 'WRITE_ONLY', 'READ_ONLY']);

const PUSH_VERSION_FIELDS: Record<string, keyof Switches> = {
  java: 'pushJavaVersion',
  go: 'pushGoVersion',
  python: 'pushPythonVersion',
  c: 'pushCVersion',
  csharp: 'pushCSharpVersion',
};

function parseLimitedUrls(value: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.lastIndexOf(':');
    const url = pair.slice(0, at).trim();
    const code = Number(pair.slice(at + 1).trim());
    if (at <= 0 || !Number.isInteger(code) || code < 100 || code > 599) {
      throw invalid(`illegal limitedUrlMap entry: ${pair}`);
    }
    out[url] = code;
  }
  return out;
}

function bool(value: string): boolean {
  return value.toLowerCase() === 'true';
}

function long(value: string): number {
  if (!/^[+-]?\d{1,15}$/.test(value)) throw numberError(value);
  return Number(value);
}

function positiveLong(value: string): number {
  const n = long(value);
  if (n <= 0) throw invalid(`value must be positive: ${value}`);
  return n;
}

function double(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw numberError(value);
  return n;
}

function numberError(value: string): RegistryError {
  return new RegistryError('REG_PARAM_INVALID', `For input string: "${value}"`);
}

function invalid(message: string): RegistryError {
  return new RegistryError('REG_NAMING_INVALID', message);
}
