import { parseListeningConfigs } from '../config-center/listening-configs.js';
import type { NacosParams } from '../http/params.js';
import { ANY, type DataResource, dataResource, normalizeNamespace } from './resource.js';

const GROUP_SEPARATOR = '@@';
const DEFAULT_GROUP = 'DEFAULT_GROUP';

/**
 * The config a request names, as Nacos' `ConfigResourceParser`: `tenant:group:config/dataId`;
 * without a dataId (lists, searches) every config of the namespace, `tenant:*:config/*`. A blank
 * group becomes `*`, which only a group wildcard covers.
 */
export function configResource(params: NacosParams): DataResource {
  const namespace = normalizeNamespace(params.optional('tenant'));
  const dataId = params.optional('dataId');
  if (dataId === undefined) return dataResource(namespace, ANY, `config/${ANY}`);
  return dataResource(namespace, params.optional('group') ?? ANY, `config/${dataId}`);
}

/**
 * For lookups by row id (history by `nid`, `/history/previous`, delete by `ids`): the row may
 * belong to any config, so each coordinate the request does not pin down is `*`. The config routes
 * refuse a row that does not match the coordinates given, so this covers exactly what can be read.
 */
export function configRowResource(params: NacosParams): DataResource {
  const tenant = params.optional('tenant');
  return dataResource(
    tenant === undefined ? ANY : normalizeNamespace(tenant),
    params.optional('group') ?? ANY,
    `config/${params.optional('dataId') ?? ANY}`,
  );
}

/**
 * Every config a long poll listens on, one resource each (Nacos checks only the request's own
 * `tenant`, which the poll does not send, so it could not grant per-namespace listening). A body
 * that does not parse gets the namespace-wide resource; the route then refuses it with a 400.
 */
export function listenerResources(params: NacosParams): DataResource[] {
  try {
    return parseListeningConfigs(params.raw('Listening-Configs')).map((c) =>
      dataResource(c.tenant, c.group, `config/${c.dataId}`),
    );
  } catch {
    return [configResource(params)];
  }
}

/**
 * The service a naming request names, as Nacos' `NamingResourceParser`:
 * `namespaceId:group:naming/service`, the group taken from a grouped name (`group@@service`) first,
 * then `groupName`, then `DEFAULT_GROUP`; without a service name, `namespaceId:*:naming/*`. When a
 * grouped name and `groupName` disagree, both must be allowed (the routes use the grouped name).
 */
export function namingResources(params: NacosParams): DataResource[] {
  // Naming keeps other spellings (`PUBLIC`, `null`) as namespaces of their own, so only the
  // default's exact name maps to the public namespace here.
  const namespaceId = params.optional('namespaceId');
  const namespace = namespaceId === undefined || namespaceId === 'public' ? '' : namespaceId;
  const serviceName = params.optional('serviceName');
  if (serviceName === undefined) return [dataResource(namespace, ANY, `naming/${ANY}`)];
  const groupName = params.optional('groupName');
  const at = serviceName.indexOf(GROUP_SEPARATOR);
  if (at === -1) return [dataResource(namespace, groupName ?? DEFAULT_GROUP, `naming/${serviceName}`)];
  const group = serviceName.slice(0, at);
  const service = serviceName.slice(at + GROUP_SEPARATOR.length);
  const resources = [dataResource(namespace, group, `naming/${service}`)];
  if (groupName !== undefined && groupName !== group) {
    resources.push(dataResource(namespace, groupName, `naming/${service}`));
  }
  return resources;
}
