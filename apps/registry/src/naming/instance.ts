import { isIPv4 } from 'node:net';
import { RegistryError } from '../errors.js';
import { GROUP_SEPARATOR } from './names.js';

/** Per-instance metadata keys that override server timings (all in milliseconds). */
export const PRESERVED = {
  heartBeatInterval: 'preserved.heart.beat.interval',
  heartBeatTimeout: 'preserved.heart.beat.timeout',
  ipDeleteTimeout: 'preserved.ip.delete.timeout',
  instanceIdGenerator: 'preserved.instance.id.generator',
  registerSource: 'preserved.register.source',
} as const;

/** Nacos' defaults: beat every 5 s, unhealthy after 15 s of silence, removed after 30 s. */
export const DEFAULT_BEAT_INTERVAL_MS = 5_000;
export const DEFAULT_BEAT_TIMEOUT_MS = 15_000;
export const DEFAULT_DELETE_TIMEOUT_MS = 30_000;

export const MIN_WEIGHT = 0.01;
export const MAX_WEIGHT = 10_000;

/**
 * The `metadata` parameter: a JSON object, or Nacos' fallback `k1=v1,k2=v2`. Values become
 * strings, as Nacos' `Map<String, String>` makes them.
 */
export function parseMetadata(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw.trim() === '') return {};
  const text = raw.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw metadataError(raw);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw metadataError(raw);
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      out[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return out;
  }
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw metadataError(raw);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** An IP made only of digits and dots must be a valid IPv4 address; anything else is a hostname. */
export function checkInstanceIp(ip: string): string {
  if (/^[\d.]+$/.test(ip) && !isIPv4(ip)) {
    throw new RegistryError(
      'REG_NAMING_INVALID',
      'instance format invalid: Your IP address is spelled incorrectly',
    );
  }
  return ip;
}

/** Weights live in [0, 10000]; positive weights below 0.01 are raised to 0.01. */
export function checkWeight(weight: number): number {
  if (!(weight >= 0 && weight <= MAX_WEIGHT)) {
    throw new RegistryError(
      'REG_NAMING_INVALID',
      'instance format invalid: The weights range from 0.0 to 10000.0',
    );
  }
  return weight > 0 && weight < MIN_WEIGHT ? MIN_WEIGHT : weight;
}

/** Nacos' default instance id: `ip#port#cluster#group@@service`. */
export function defaultInstanceId(
  ip: string,
  port: number,
  clusterName: string,
  groupedService: string,
): string {
  if (!groupedService.includes(GROUP_SEPARATOR)) throw new Error(`not a grouped name: ${groupedService}`);
  return `${ip}#${port}#${clusterName}#${groupedService}`;
}

/** A per-instance timing override from metadata, or the default when absent or not a positive integer. */
export function metadataMillis(
  metadata: Readonly<Record<string, string>>,
  key: string,
  fallback: number,
): number {
  const raw = metadata[key];
  if (raw === undefined || !/^\d{1,12}$/.test(raw.trim())) return fallback;
  const value = Number(raw.trim());
  return value > 0 ? value : fallback;
}

function metadataError(raw: string): RegistryError {
  return new RegistryError('REG_NAMING_INVALID', `metadata format incorrect:${raw}`);
}
