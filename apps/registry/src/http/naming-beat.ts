import { RegistryError } from '../errors.js';
import { checkWeight, defaultInstanceId } from '../naming/instance.js';
import type { InstanceAddress } from '../naming/instance-ops.js';
import type { InstanceRecord } from '../naming/model.js';
import { checkClusterName, DEFAULT_CLUSTER, type ServiceKey } from '../naming/names.js';
import { isMetadata } from '../naming/record-guards.js';
import { checkedInstance, checkHost, type NamingParams } from './naming-params.js';

/** A parsed `PUT /instance/beat`: the instance it names, and the data to re-create it with. */
export interface BeatRequest {
  readonly at: InstanceAddress;
  /** Present when the beat carried its JSON (`beat=`): an unknown instance is re-registered from it. */
  readonly register?: InstanceRecord;
}

/**
 * Reads a beat as Nacos 1.4 does: the `beat` JSON (RsInfo: ip, port, cluster, serviceName, weight,
 * ephemeral, metadata; unknown fields such as the Node SDK's `scheduled` ignored) wins over plain
 * `ip`/`port`/`clusterName` params; a blank `cluster` falls back to `clusterName`, then DEFAULT.
 */
export function parseBeat(p: NamingParams, key: ServiceKey, now: number): BeatRequest {
  const clusterParam = p.optional('clusterName') ?? DEFAULT_CLUSTER;
  const raw = p.optional('beat');
  if (raw === undefined) {
    const ip = p.optional('ip') ?? '';
    const port = p.params.int('port', 0);
    return { at: { ip, port, clusterName: checkClusterName(clusterParam) } };
  }
  let beat: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    beat = parsed as Record<string, unknown>;
  } catch (err) {
    throw new RegistryError('REG_PARAM_INVALID', `beat format incorrect: ${(err as Error).message}`);
  }
  const ip = typeof beat.ip === 'string' ? checkHost(beat.ip.trim()) : undefined;
  const port = Number(beat.port);
  if (ip === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RegistryError('REG_NAMING_INVALID', 'beat format incorrect: ip and port are required');
  }
  const cluster =
    typeof beat.cluster === 'string' && beat.cluster.trim() !== '' ? beat.cluster.trim() : clusterParam;
  const clusterName = checkClusterName(cluster);
  const weight = beat.weight === undefined ? 1 : checkWeight(Number(beat.weight));
  const metadata: Record<string, string> = {};
  if (beat.metadata !== undefined && beat.metadata !== null) {
    if (typeof beat.metadata !== 'object')
      throw new RegistryError('REG_NAMING_INVALID', 'beat format incorrect: metadata');
    for (const [k, v] of Object.entries(beat.metadata))
      metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
    if (!isMetadata(metadata))
      throw new RegistryError('REG_NAMING_INVALID', 'beat format incorrect: metadata');
  }
  const register = checkedInstance({
    instanceId: defaultInstanceId(ip, port, clusterName, key.grouped),
    ip,
    port,
    clusterName,
    serviceName: key.grouped,
    weight,
    healthy: true,
    enabled: true,
    ephemeral: beat.ephemeral !== false,
    marked: false,
    metadata,
    lastBeat: now,
    app: 'DEFAULT',
  });
  return { at: { ip, port, clusterName }, register };
}
