import type { FastifyInstance } from 'fastify';
import { RegistryError } from '../errors.js';
import {
  DEFAULT_BEAT_INTERVAL_MS,
  DEFAULT_BEAT_TIMEOUT_MS,
  DEFAULT_DELETE_TIMEOUT_MS,
  metadataMillis,
  PRESERVED,
} from '../naming/instance.js';
import type { ClusterRecord, InstanceRecord } from '../naming/model.js';
import { NamingParams } from './naming-params.js';
import type { NamingRouteOptions } from './naming-routes.js';
import { serviceSummary, servicesOf } from './naming-service-routes.js';

/** `/v1/ns/catalog/*`: what a console shows (service list, service detail, instance pages). */
export async function catalogRoutes(app: FastifyInstance, options: NamingRouteOptions): Promise<void> {
  const { core } = options;

  app.get('/v1/ns/catalog/services', async (request) => {
    const p = new NamingParams(request);
    const namespaceId = p.namespaceId();
    const nameFilter = p.optional('serviceNameParam') ?? '';
    const groupFilter = p.optional('groupNameParam') ?? '';
    const instanceFilter = p.optional('instance');
    const hasIpCount = p.bool('hasIpCount', false);
    const keys = servicesOf(core, namespaceId).filter((key) => {
      if (!key.serviceName.includes(nameFilter) || !key.groupName.includes(groupFilter)) return false;
      const instances = core.instances(key);
      if (hasIpCount && instances.length === 0) return false;
      if (instanceFilter !== undefined) {
        return instances.some((i) => i.ip === instanceFilter || `${i.ip}:${i.port}` === instanceFilter);
      }
      return true;
    });

    // Nacos defaults to the detailed form; the console asks for `withInstances=false`.
    if (p.bool('withInstances', true)) {
      return keys.map((key) => {
        const clusterMap: Record<string, unknown> = {};
        for (const cluster of core.clusters(key)) {
          clusterMap[cluster.name] = {
            ...clusterJson(cluster.name, key.grouped, cluster),
            hosts: core
              .instances(key)
              .filter((i) => i.clusterName === cluster.name)
              .map((i) => ({
                ip: i.ip,
                port: i.port,
                valid: i.healthy,
                weight: i.weight,
                enabled: i.enabled,
                metadata: i.metadata,
              })),
          };
        }
        return {
          serviceName: key.serviceName,
          groupName: key.groupName,
          metadata: core.service(key)?.metadata ?? {},
          clusterMap,
        };
      });
    }

    const pageNo = Math.max(1, p.params.int('pageNo', 1));
    const pageSize = Math.max(1, p.params.int('pageSize', 10));
    p.required('pageNo');
    p.required('pageSize');
    const page = keys.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    return {
      count: keys.length,
      serviceList: page.map((key) => {
        const instances = core.instances(key);
        return {
          name: key.serviceName,
          groupName: key.groupName,
          clusterCount: core.clusters(key).length,
          ipCount: instances.length,
          healthyInstanceCount: instances.filter((i) => i.healthy).length,
          triggerFlag: String(protectionReached(core.service(key)?.protectThreshold ?? 0, instances)),
        };
      }),
    };
  });

  app.get('/v1/ns/catalog/service', async (request) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const service = core.service(key);
    if (!service) throw new RegistryError('REG_NAMING_NOT_FOUND', `service ${key.grouped} is not found!`);
    return {
      service: serviceSummary(key, service),
      clusters: core.clusters(key).map((c) => clusterJson(c.name, key.grouped, c)),
    };
  });

  app.get('/v1/ns/catalog/instances', async (request) => {
    const p = new NamingParams(request);
    const key = p.serviceKey();
    const clusterName = p.required('clusterName');
    const pageNo = Math.max(1, p.params.int('pageNo', 1));
    const pageSize = Math.max(1, p.params.int('pageSize', 10));
    p.required('pageNo');
    p.required('pageSize');
    if (!core.service(key))
      throw new RegistryError('REG_NAMING_NOT_FOUND', `service ${key.grouped} is not found!`);
    if (!core.clusters(key).some((c) => c.name === clusterName)) {
      throw new RegistryError('REG_NAMING_NOT_FOUND', `cluster ${clusterName} is not found!`);
    }
    const all = core.instances(key).filter((i) => i.clusterName === clusterName);
    return {
      list: all.slice((pageNo - 1) * pageSize, pageNo * pageSize).map(fullInstanceJson),
      count: all.length,
    };
  });
}

function clusterJson(name: string, serviceName: string, cluster: ClusterRecord | undefined) {
  return {
    name,
    serviceName,
    healthChecker: cluster?.healthChecker ?? { type: 'TCP' },
    defaultPort: 80,
    defaultCheckPort: cluster?.checkPort ?? 80,
    useIPPort4Check: cluster?.useInstancePort4Check ?? true,
    metadata: cluster?.metadata ?? {},
  };
}

/** Nacos' full Instance JSON, as the console's instance table reads it. */
export function fullInstanceJson(i: InstanceRecord) {
  return {
    instanceId: i.instanceId,
    ip: i.ip,
    port: i.port,
    weight: i.weight,
    healthy: i.healthy,
    enabled: i.enabled,
    ephemeral: i.ephemeral,
    clusterName: i.clusterName,
    serviceName: i.serviceName,
    metadata: i.metadata,
    lastBeat: i.lastBeat,
    marked: i.marked,
    app: i.app,
    instanceHeartBeatInterval: metadataMillis(
      i.metadata,
      PRESERVED.heartBeatInterval,
      DEFAULT_BEAT_INTERVAL_MS,
    ),
    instanceHeartBeatTimeOut: metadataMillis(i.metadata, PRESERVED.heartBeatTimeout, DEFAULT_BEAT_TIMEOUT_MS),
    ipDeleteTimeout: metadataMillis(i.metadata, PRESERVED.ipDeleteTimeout, DEFAULT_DELETE_TIMEOUT_MS),
    instanceIdGenerator: i.metadata[PRESERVED.instanceIdGenerator] ?? 'simple',
  };
}

/** The console's `triggerFlag`: whether the protect threshold currently serves unhealthy instances. */
function protectionReached(threshold: number, instances: readonly InstanceRecord[]): boolean {
  if (instances.length === 0) return false;
  return instances.filter((i) => i.healthy).length / instances.length <= threshold;
}
