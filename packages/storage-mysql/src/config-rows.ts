import type { ConfigRecord, HistoryRecord } from '@reg/storage';
import { toMillis } from './context.js';

/** The `config_info` columns reg reads, in SELECT order. */
export const CONFIG_COLUMNS =
  'id, data_id, group_id, tenant_id, content, md5, type, app_name, c_desc, c_use, effect, c_schema, gmt_create, gmt_modified, src_user, src_ip';

/** The `his_config_info` columns reg reads. */
export const HISTORY_COLUMNS =
  'nid, id, data_id, group_id, tenant_id, app_name, content, md5, src_user, src_ip, op_type, gmt_create, gmt_modified';

/** A raw row as mysql2 returns it. */
export type Row = Record<string, unknown>;

const str = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);

/** Maps a `config_info` row (NULLs as Nacos leaves them become `''`) plus its tags. */
export function toConfigRecord(row: Row, tags: readonly string[]): ConfigRecord {
  const created = toMillis(row.gmt_create);
  const modified = toMillis(row.gmt_modified);
  return {
    id: Number(row.id),
    dataId: str(row.data_id),
    group: str(row.group_id),
    tenant: str(row.tenant_id),
    content: str(row.content),
    md5: str(row.md5),
    type: str(row.type),
    appName: str(row.app_name),
    desc: str(row.c_desc),
    tags,
    use: str(row.c_use),
    effect: str(row.effect),
    schema: str(row.c_schema),
    createdTime: created,
    modifiedTime: Math.max(modified, created),
    srcUser: str(row.src_user),
    srcIp: str(row.src_ip),
  };
}

/** Maps a `his_config_info` row. Nacos writes `op_type` as `I`, `U` or `D` (padded in CHAR(10) by some servers). */
export function toHistoryRecord(row: Row): HistoryRecord {
  const op = str(row.op_type).trim();
  return {
    nid: Number(row.nid),
    id: Number(row.id),
    dataId: str(row.data_id),
    group: str(row.group_id),
    tenant: str(row.tenant_id),
    appName: str(row.app_name),
    content: str(row.content),
    md5: str(row.md5),
    srcUser: str(row.src_user),
    srcIp: str(row.src_ip),
    opType: op === 'I' || op === 'U' || op === 'D' ? op : 'U',
    createdTime: toMillis(row.gmt_modified),
    modifiedTime: toMillis(row.gmt_modified),
  };
}
