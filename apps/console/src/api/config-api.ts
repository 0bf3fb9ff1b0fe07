import { call, callJson } from './http.js';

/** The config types Nacos knows; anything else is stored as `text`. */
export const CONFIG_TYPES = ['text', 'json', 'yaml', 'properties', 'xml', 'html'] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

export interface ConfigItem {
  readonly id: string;
  readonly dataId: string;
  readonly group: string;
  readonly tenant: string;
  readonly appName: string;
  readonly type: string | null;
  readonly md5: string;
}

export interface ConfigDetail extends ConfigItem {
  readonly content: string;
  readonly desc: string | null;
  readonly modifyTime: number;
}

export interface Page<T> {
  readonly totalCount: number;
  readonly pageNumber: number;
  readonly pagesAvailable: number;
  readonly pageItems: T[];
}

export interface HistoryRow {
  readonly id: string;
  readonly dataId: string;
  readonly group: string;
  readonly tenant: string;
  readonly opType: string;
  readonly srcIp: string | null;
  readonly srcUser: string | null;
  readonly lastModifiedTime: string;
  readonly content: string | null;
}

export interface ConfigKey {
  readonly tenant: string;
  readonly dataId: string;
  readonly group: string;
}

/** Blur search: `*` wildcards, and a blank field matches everything. */
export function searchConfigs(
  tenant: string,
  dataId: string,
  group: string,
  pageNo: number,
  pageSize: number,
) {
  const wild = (text: string) => (text === '' ? '' : text.includes('*') ? text : `*${text}*`);
  return callJson<Page<ConfigItem>>('GET', 'v1/cs/configs', {
    search: 'blur',
    tenant,
    dataId: wild(dataId),
    group: wild(group),
    pageNo,
    pageSize,
  });
}

/** The whole row, or undefined when there is none (the server answers an empty 200). */
export async function getConfig(key: ConfigKey): Promise<ConfigDetail | undefined> {
  const text = await call('GET', 'v1/cs/configs', { show: 'all', ...key });
  return text.trim() === '' ? undefined : (JSON.parse(text) as ConfigDetail);
}

export interface ConfigWrite extends ConfigKey {
  readonly content: string;
  readonly type: string;
  readonly desc: string;
  /** The md5 the editor started from: the write fails if someone changed it meanwhile. */
  readonly casMd5?: string;
}

export function publishConfig(write: ConfigWrite) {
  return call('POST', 'v1/cs/configs', { ...write, casMd5: write.casMd5 || undefined });
}

export function deleteConfig(key: ConfigKey) {
  return call('DELETE', 'v1/cs/configs', { ...key });
}

export function listHistory(key: ConfigKey, pageNo: number) {
  return callJson<Page<HistoryRow>>('GET', 'v1/cs/history', {
    search: 'accurate',
    ...key,
    pageNo,
    pageSize: 50,
  });
}

export function getHistoryRow(key: ConfigKey, nid: string) {
  return callJson<HistoryRow>('GET', 'v1/cs/history', { nid, ...key });
}
