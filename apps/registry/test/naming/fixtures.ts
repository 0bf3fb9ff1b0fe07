import type { InstanceRecord } from '../../src/naming/model.js';

/** An instance of `DEFAULT_GROUP@@orders` with Nacos' defaults; override what a test is about. */
export function instance(ip: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  const port = overrides.port ?? 8080;
  const clusterName = overrides.clusterName ?? 'DEFAULT';
  return {
    instanceId: `${ip}#${port}#${clusterName}#DEFAULT_GROUP@@orders`,
    ip,
    port,
    clusterName,
    serviceName: 'DEFAULT_GROUP@@orders',
    weight: 1,
    healthy: true,
    enabled: true,
    ephemeral: true,
    marked: false,
    metadata: {},
    lastBeat: 0,
    app: 'DEFAULT',
    ...overrides,
  };
}

export const at = (ip: string, port = 8080, clusterName = 'DEFAULT') => ({ ip, port, clusterName });
