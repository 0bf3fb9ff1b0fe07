import { call, callJson } from './http.js';

export interface ServiceSummary {
  readonly name: string;
  readonly groupName: string;
  readonly clusterCount: number;
  readonly ipCount: number;
  readonly healthyInstanceCount: number;
}

export interface Instance {
  readonly instanceId: string;
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  readonly clusterName: string;
  readonly metadata: Record<string, string>;
}

export interface ServiceDetail {
  readonly service: {
    readonly name: string;
    readonly groupName: string;
    readonly protectThreshold: number;
    readonly metadata: Record<string, string>;
  };
  readonly clusters: readonly { readonly name: string; readonly healthChecker: { readonly type: string } }[];
}

export interface ServiceQuery {
  readonly namespaceId: string;
  readonly serviceName: string;
  readonly groupName: string;
  readonly pageNo: number;
  readonly pageSize: number;
}

export function listServices(query: ServiceQuery) {
  return callJson<{ count: number; serviceList: ServiceSummary[] }>('GET', 'v1/ns/catalog/services', {
    withInstances: false,
    namespaceId: query.namespaceId,
    serviceNameParam: query.serviceName,
    groupNameParam: query.groupName,
    pageNo: query.pageNo,
    pageSize: query.pageSize,
  });
}

export function getService(namespaceId: string, groupName: string, serviceName: string) {
  return callJson<ServiceDetail>('GET', 'v1/ns/catalog/service', { namespaceId, groupName, serviceName });
}

export function listInstances(
  namespaceId: string,
  groupName: string,
  serviceName: string,
  clusterName: string,
) {
  return callJson<{ count: number; list: Instance[] }>('GET', 'v1/ns/catalog/instances', {
    namespaceId,
    groupName,
    serviceName,
    clusterName,
    pageNo: 1,
    pageSize: 500,
  });
}

export interface InstanceChange {
  readonly weight: number;
  readonly enabled: boolean;
  readonly metadata: Record<string, string>;
}

/** Changes weight, enabled and metadata of one instance, leaving its health alone (PATCH). */
export function updateInstance(
  namespaceId: string,
  groupName: string,
  serviceName: string,
  instance: Instance,
  change: InstanceChange,
) {
  return call('PATCH', 'v1/ns/instance', {
    namespaceId,
    groupName,
    serviceName,
    ip: instance.ip,
    port: instance.port,
    clusterName: instance.clusterName,
    ephemeral: instance.ephemeral,
    weight: change.weight,
    enabled: change.enabled,
    metadata: JSON.stringify(change.metadata),
  });
}
