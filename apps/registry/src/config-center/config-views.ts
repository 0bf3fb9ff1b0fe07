import type { ConfigRecord, HistoryRecord, NamespaceRecord, Page } from '@reg/storage';

/**
 * The JSON shapes of Nacos 1.4's config and namespace models. Java `long` ids are strings;
 * `Timestamp` fields are ISO-8601 the way Spring Boot's Jackson writes them (UTC, `+0000`).
 */

/** Jackson's default `java.util.Date` format under Spring Boot. */
export function jacksonDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** `GET /v1/cs/configs?show=all`: Nacos `ConfigAllInfo`. */
export function configAllInfo(c: ConfigRecord) {
  return {
    id: String(c.id),
    dataId: c.dataId,
    group: c.group,
    content: c.content,
    md5: c.md5,
    tenant: c.tenant,
    appName: c.appName,
    type: c.type === '' ? null : c.type,
    createTime: c.createdTime,
    modifyTime: c.modifiedTime,
    createUser: c.srcUser === '' ? null : c.srcUser,
    createIp: c.srcIp,
    desc: c.desc === '' ? null : c.desc,
    use: c.use === '' ? null : c.use,
    effect: c.effect === '' ? null : c.effect,
    schema: c.schema === '' ? null : c.schema,
    configTags: c.tags.length === 0 ? null : c.tags.join(','),
  };
}

/** One item of a config search page: Nacos `ConfigInfo`. */
export function configInfo(c: ConfigRecord) {
  return {
    id: String(c.id),
    dataId: c.dataId,
    group: c.group,
    content: c.content,
    md5: c.md5,
    tenant: c.tenant,
    appName: c.appName,
    type: c.type === '' ? null : c.type,
  };
}

/**
 * Nacos `ConfigHistoryInfo`. `id` is the row's `nid` (the console opens a row with `?nid=<id>`).
 * The list query of 1.4 selects neither content nor md5; the detail does.
 */
export function historyInfo(h: HistoryRecord, withContent: boolean) {
  return {
    id: String(h.nid),
    lastId: -1,
    dataId: h.dataId,
    group: h.group,
    tenant: h.tenant,
    appName: h.appName,
    md5: withContent ? h.md5 : null,
    content: withContent ? h.content : null,
    srcIp: h.srcIp,
    srcUser: h.srcUser === '' ? null : h.srcUser,
    opType: h.opType,
    createdTime: jacksonDate(h.createdTime),
    lastModifiedTime: jacksonDate(h.modifiedTime),
  };
}

/** A storage page mapped item by item (the shape is already Nacos' `Page`). */
export function mapPage<T, U>(page: Page<T>, map: (item: T) => U) {
  return {
    totalCount: page.totalCount,
    pageNumber: page.pageNumber,
    pagesAvailable: page.pagesAvailable,
    pageItems: page.pageItems.map(map),
  };
}

/** Nacos' per-namespace config quota shown by the console. */
export const NAMESPACE_QUOTA = 200;

/** `GET /v1/console/namespaces` items: Nacos `Namespace` (`type` 0 public, 2 custom). */
export function namespaceInfo(ns: NamespaceRecord | undefined, configCount: number) {
  return {
    namespace: ns?.id ?? '',
    namespaceShowName: ns?.name ?? 'public',
    quota: NAMESPACE_QUOTA,
    configCount,
    type: ns === undefined ? 0 : 2,
  };
}

/** `GET /v1/console/namespaces?show=all`: Nacos `NamespaceAllInfo`. */
export function namespaceAllInfo(ns: NamespaceRecord | undefined, configCount: number) {
  return {
    namespace: ns?.id ?? '',
    namespaceShowName: ns?.name ?? 'Public',
    quota: NAMESPACE_QUOTA,
    configCount,
    type: ns === undefined ? 0 : 2,
    namespaceDesc: ns === undefined ? 'Public Namespace' : ns.desc,
  };
}

/** Nacos' `RestResult` success wrapper. */
export function restResult<T>(data: T, message: string | null = null) {
  return { code: 200, message, data };
}
