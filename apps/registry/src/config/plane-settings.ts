import { ConfigError, type RegistryConfig } from './load-config.js';

/** Settings of the cluster plane (Raft, Distro, the peer port), read from properties. */
export interface PlaneSettings {
  /** How long a CP write or read barrier may take before REG_CP_TIMEOUT. */
  readonly cpTimeoutMs: number;
  /** Raft election timeout base: elections start after 1-2x this without a leader. */
  readonly electionTimeoutMs: number;
  /** The peer secret (cluster mode only; undefined standalone). */
  readonly clusterSecret: string | undefined;
  /** Compact the Raft log after this many applied entries (when snapshots are on). Default 10000. */
  readonly snapshotAfterEntries?: number;
}

export const PLANE_KEYS = {
  cpTimeout: 'reg.cp.timeout.ms',
  electionTimeout: 'reg.raft.election.timeout.ms',
  snapshotAfterEntries: 'reg.raft.snapshot.after.entries',
  secret: 'reg.cluster.secret',
  identityKey: 'nacos.core.auth.server.identity.key',
  identityValue: 'nacos.core.auth.server.identity.value',
} as const;

/** Shortest accepted secret, in characters (also what the peer transport's HMAC asks for). */
export const MIN_SECRET_LENGTH = 16;

/**
 * Reads and checks the plane's keys; throws one ConfigError listing every problem. In cluster
 * mode the peer secret is required and has no default: a built-in secret would let anyone who
 * can read this source join the cluster.
 */
export function readPlaneSettings(config: RegistryConfig): PlaneSettings {
  const problems: string[] = [];
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = config.properties.get(key);
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw.trim());
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const cpTimeoutMs = int(PLANE_KEYS.cpTimeout, 5_000, 100, 600_000);
  const electionTimeoutMs = int(PLANE_KEYS.electionTimeout, 1_000, 100, 60_000);
  const snapshotAfterEntries = int(PLANE_KEYS.snapshotAfterEntries, 10_000, 100, 10_000_000);
  const clusterSecret = config.mode === 'cluster' ? readSecret(config, problems) : undefined;
  if (problems.length > 0) throw new ConfigError(problems);
  return { cpTimeoutMs, electionTimeoutMs, clusterSecret, snapshotAfterEntries };
}

function readSecret(config: RegistryConfig, problems: string[]): string | undefined {
  const get = (key: string) => {
    const value = config.properties.get(key);
    return value === undefined || value === '' ? undefined : value;
  };
  const own = get(PLANE_KEYS.secret);
  if (own !== undefined) {
    if (own.length >= MIN_SECRET_LENGTH) return own;
    problems.push(`${PLANE_KEYS.secret}: must be at least ${MIN_SECRET_LENGTH} characters`);
    return undefined;
  }
  const key = get(PLANE_KEYS.identityKey);
  const value = get(PLANE_KEYS.identityValue);
  if (key !== undefined && value !== undefined) {
    if (value.length >= MIN_SECRET_LENGTH) return `nacos-identity\u0000${key}\u0000${value}`;
    problems.push(`${PLANE_KEYS.identityValue}: must be at least ${MIN_SECRET_LENGTH} characters`);
    return undefined;
  }
  if (key !== undefined || value !== undefined) {
    const missing = key === undefined ? PLANE_KEYS.identityKey : PLANE_KEYS.identityValue;
    problems.push(
      `${missing} is not set: the peer secret needs both ${PLANE_KEYS.identityKey} and ${PLANE_KEYS.identityValue} (or ${PLANE_KEYS.secret})`,
    );
    return undefined;
  }
  problems.push(
    `cluster mode needs a peer secret, the same on every member: set ${PLANE_KEYS.secret} (at least ${MIN_SECRET_LENGTH} characters), or ${PLANE_KEYS.identityKey} and ${PLANE_KEYS.identityValue} (value at least ${MIN_SECRET_LENGTH} characters)`,
  );
  return undefined;
}
