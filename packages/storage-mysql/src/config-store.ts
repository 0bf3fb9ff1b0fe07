import {
  type ChangeMeta,
  type ConfigKey,
  type ConfigQuery,
  type ConfigRecord,
  type ConfigStore,
  type DeleteResult,
  makePage,
  md5Hex,
  type Page,
  type PageRequest,
  type PublishConfigInput,
  type PublishResult,
  StorageError,
  validateConfigKey,
  validatePage,
  validatePublish,
  validateQuery,
  validateTime,
} from '@reg/storage';
import type { Sql } from './cluster.js';
import { CONFIG_COLUMNS, type Row, toConfigRecord } from './config-rows.js';
import { blurToLike, checkFourByte, fit, injectedFault, placeholders, type StoreContext } from './context.js';

/** {@link CONFIG_COLUMNS} qualified with the `c` alias, for joins. */
const JOINED_COLUMNS = CONFIG_COLUMNS.split(', ')
  .map((col) => `c.${col}`)
  .join(', ');

/** Distinct tags in first-given order. */
function uniqueTags(tags: readonly string[] | undefined): string[] {
  return [...new Set(tags ?? [])];
}

/** Tags of the given config ids, in insertion (`nid`) order. */
async function tagsOf(sql: Sql, ids: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (ids.length === 0) return out;
  const rows = await sql.query<Row[]>(
    `SELECT id, tag_name FROM config_tags_relation WHERE id IN (${placeholders(ids.length)}) ORDER BY nid`,
    ids,
  );
  for (const r of rows) {
    const id = Number(r.id);
    const list = out.get(id) ?? [];
    const tag = String(r.tag_name);
    if (!list.includes(tag)) list.push(tag);
    out.set(id, list);
  }
  return out;
}

/**
 * The row of exactly this key. The unique key may use a PAD SPACE collation (Nacos' `utf8_bin`),
 * under which `'a'` matches `'a '`, so the match is re-checked byte for byte here.
 */
async function rowOf(sql: Sql, key: ConfigKey, forUpdate: boolean): Promise<Row | undefined> {
  const rows = await sql.query<Row[]>(
    `SELECT ${CONFIG_COLUMNS} FROM config_info WHERE data_id = ? AND group_id = ? AND tenant_id = ?${forUpdate ? ' FOR UPDATE' : ''}`,
    [key.dataId, key.group, key.tenant],
  );
  return rows.find(
    (r) => r.data_id === key.dataId && r.group_id === key.group && (r.tenant_id ?? '') === key.tenant,
  );
}

/** The history row every config write adds, in Nacos' column layout. */
async function insertHistory(
  sql: Sql,
  ctx: StoreContext,
  h: {
    id: number;
    key: ConfigKey;
    appName: string;
    content: string;
    md5: string;
    srcUser: string;
    srcIp: string;
    op: 'I' | 'U' | 'D';
    time: number;
  },
): Promise<number> {
  const at = new Date(h.time);
  const res = await sql.query<{ insertId: number }>(
    `INSERT INTO his_config_info (id, data_id, group_id, tenant_id, app_name, content, md5, src_user, src_ip, op_type, gmt_create, gmt_modified)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      h.id,
      h.key.dataId,
      h.key.group,
      h.key.tenant,
      h.appName,
      h.content,
      h.md5,
      h.srcUser,
      fit(h.srcIp, ctx.schema().srcIpMax.his_config_info ?? 50),
      h.op,
      at,
      at,
    ],
  );
  return Number(res.insertId);
}

async function writeTags(
  sql: Sql,
  id: number,
  key: ConfigKey,
  tags: readonly string[],
  fresh: boolean,
): Promise<void> {
  if (!fresh) await sql.query('DELETE FROM config_tags_relation WHERE id = ?', [id]);
  for (const tag of tags) {
    // tag_type '' (not NULL) so the (id, tag_name, tag_type) unique key really is unique.
    await sql.query(
      'INSERT INTO config_tags_relation (id, tag_name, tag_type, data_id, group_id, tenant_id) VALUES (?, ?, ?, ?, ?, ?)',
      [id, tag, '', key.dataId, key.group, key.tenant],
    );
  }
}

/** {@link ConfigStore} over Nacos' `config_info`, `config_tags_relation` and `his_config_info`. */
export class MysqlConfigStore implements ConfigStore {
  constructor(private readonly ctx: StoreContext) {}

  async publish(input: PublishConfigInput): Promise<PublishResult> {
    validatePublish(input);
    const { ctx } = this;
    checkFourByte(ctx, {
      dataId: input.dataId,
      group: input.group,
      tenant: input.tenant,
      content: input.content,
      appName: input.appName,
      desc: input.desc,
      tags: (input.tags ?? []).join(''),
      type: input.type,
      srcUser: input.srcUser,
      use: input.use,
      effect: input.effect,
      schema: input.schema,
    });
    const key: ConfigKey = { dataId: input.dataId, group: input.group, tenant: input.tenant };
    const time = input.time ?? Date.now();
    const md5 = md5Hex(input.content);
    const tags = uniqueTags(input.tags);
    const fields = {
      type: input.type ?? '',
      appName: input.appName ?? '',
      desc: input.desc ?? '',
      use: input.use ?? '',
      effect: input.effect ?? '',
      schema: input.schema ?? '',
      srcUser: input.srcUser ?? '',
      srcIp: fit(input.srcIp ?? '', ctx.schema().srcIpMax.config_info ?? 50),
    };
    return ctx.cluster.write('publish config', async (sql) => {
      const old = await rowOf(sql, key, true);
      if (input.casMd5 !== undefined) {
        const actual = old === undefined ? '' : String(old.md5 ?? '');
        if (input.casMd5 === '' ? old !== undefined : old === undefined || actual !== input.casMd5) {
          throw new StorageError(
            'STORAGE_CAS_MISMATCH',
            `casMd5 ${input.casMd5 || '(absent)'} does not match the stored md5 ${actual || '(absent)'}`,
            {
              actualMd5: actual,
            },
          );
        }
      }
      let id: number;
      let created: number;
      let modified: number;
      let historyNid: number;
      if (old === undefined) {
        created = time;
        modified = time;
        const at = new Date(time);
        const res = await sql.query<{ insertId: number }>(
          `INSERT INTO config_info (data_id, group_id, tenant_id, content, md5, type, app_name, c_desc, c_use, effect, c_schema, src_user, src_ip, gmt_create, gmt_modified)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            key.dataId,
            key.group,
            key.tenant,
            input.content,
            md5,
            fields.type,
            fields.appName,
            fields.desc,
            fields.use,
            fields.effect,
            fields.schema,
            fields.srcUser,
            fields.srcIp,
            at,
            at,
          ],
        );
        id = Number(res.insertId);
        await writeTags(sql, id, key, tags, true);
        if (ctx.takeFault('config-write')) throw injectedFault('config-write');
        historyNid = await insertHistory(sql, ctx, {
          id,
          key,
          appName: fields.appName,
          content: input.content,
          md5,
          srcUser: fields.srcUser,
          srcIp: fields.srcIp,
          op: 'I',
          time,
        });
      } else {
        const before = toConfigRecord(old, []);
        id = before.id;
        created = before.createdTime;
        modified = Math.max(time, created);
        await sql.query(
          `UPDATE config_info SET content = ?, md5 = ?, type = ?, app_name = ?, c_desc = ?, c_use = ?, effect = ?, c_schema = ?, src_user = ?, src_ip = ?, gmt_modified = ?
           WHERE id = ?`,
          [
            input.content,
            md5,
            fields.type,
            fields.appName,
            fields.desc,
            fields.use,
            fields.effect,
            fields.schema,
            fields.srcUser,
            fields.srcIp,
            new Date(modified),
            id,
          ],
        );
        await writeTags(sql, id, key, tags, false);
        if (ctx.takeFault('config-write')) throw injectedFault('config-write');
        // Nacos keeps the content *before* the update in the U row: what a rollback needs.
        historyNid = await insertHistory(sql, ctx, {
          id,
          key,
          appName: before.appName,
          content: before.content,
          md5: before.md5 || md5Hex(before.content),
          srcUser: fields.srcUser,
          srcIp: fields.srcIp,
          op: 'U',
          time: modified,
        });
      }
      // Built from what was written rather than read back: one round trip less per publish.
      const config: ConfigRecord = {
        id,
        ...key,
        content: input.content,
        md5,
        type: fields.type,
        appName: fields.appName,
        desc: fields.desc,
        tags,
        use: fields.use,
        effect: fields.effect,
        schema: fields.schema,
        createdTime: created,
        modifiedTime: modified,
        srcUser: fields.srcUser,
        srcIp: fields.srcIp,
      };
      return { opType: old === undefined ? 'I' : 'U', config, historyNid };
    });
  }

  async get(key: ConfigKey): Promise<ConfigRecord | undefined> {
    validateConfigKey(key);
    return this.ctx.cluster.read('read config', async (sql) => {
      // One round trip: the config joined with its tags (one row per tag, or one with NULL).
      const rows = await sql.query<Row[]>(
        `SELECT ${JOINED_COLUMNS}, t.tag_name AS reg_tag FROM config_info c
           LEFT JOIN config_tags_relation t ON t.id = c.id
          WHERE c.data_id = ? AND c.group_id = ? AND c.tenant_id = ? ORDER BY c.id, t.nid`,
        [key.dataId, key.group, key.tenant],
      );
      const exact = rows.filter(
        (r) => r.data_id === key.dataId && r.group_id === key.group && (r.tenant_id ?? '') === key.tenant,
      );
      const first = exact[0];
      if (first === undefined) return undefined;
      const tags: string[] = [];
      for (const r of exact) {
        if (r.reg_tag !== null && r.reg_tag !== undefined && !tags.includes(String(r.reg_tag)))
          tags.push(String(r.reg_tag));
      }
      return toConfigRecord(first, tags);
    });
  }

  async getById(id: number): Promise<ConfigRecord | undefined> {
    if (!Number.isSafeInteger(id))
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'id must be an integer');
    return this.ctx.cluster.read('read config', async (sql) => {
      const rows = await sql.query<Row[]>(`SELECT ${CONFIG_COLUMNS} FROM config_info WHERE id = ?`, [id]);
      const row = rows[0];
      if (row === undefined) return undefined;
      return toConfigRecord(row, (await tagsOf(sql, [id])).get(id) ?? []);
    });
  }

  async delete(key: ConfigKey, meta: ChangeMeta = {}): Promise<DeleteResult | undefined> {
    validateConfigKey(key);
    validateTime(meta.time);
    const { ctx } = this;
    const time = meta.time ?? Date.now();
    return ctx.cluster.write('delete config', async (sql) => {
      const old = await rowOf(sql, key, true);
      if (old === undefined) return undefined;
      const id = Number(old.id);
      const config = toConfigRecord(old, (await tagsOf(sql, [id])).get(id) ?? []);
      await sql.query('DELETE FROM config_info WHERE id = ?', [id]);
      await sql.query('DELETE FROM config_tags_relation WHERE id = ?', [id]);
      if (ctx.takeFault('config-write')) throw injectedFault('config-write');
      const historyNid = await insertHistory(sql, ctx, {
        id,
        key,
        appName: config.appName,
        content: config.content,
        md5: config.md5 || md5Hex(config.content),
        srcUser: meta.srcUser ?? '',
        srcIp: meta.srcIp ?? '',
        op: 'D',
        time,
      });
      return { config, historyNid };
    });
  }

  async search(query: ConfigQuery, page: PageRequest): Promise<Page<ConfigRecord>> {
    validateQuery(query);
    validatePage(page);
    // Only fixed fragments shape the SQL; every value is a bound parameter.
    const where: string[] = ['tenant_id = ?'];
    const params: unknown[] = [query.tenant];
    const fields: Array<[string, string | undefined]> = [
      ['data_id', query.dataId],
      ['group_id', query.group],
      ['app_name', query.appName],
    ];
    for (const [column, value] of fields) {
      if (value === undefined || value === '') continue;
      if (query.mode === 'blur') {
        where.push(`${column} LIKE ? ESCAPE '|'`);
        params.push(blurToLike(value));
      } else {
        // BINARY: exact bytes, also under a PAD SPACE collation.
        where.push(`${column} = BINARY ?`);
        params.push(value);
      }
    }
    const tags = uniqueTags(query.tags);
    if (tags.length > 0) {
      where.push(
        `id IN (SELECT id FROM config_tags_relation WHERE tag_name IN (${placeholders(tags.length)}))`,
      );
      params.push(...tags);
    }
    const clause = where.join(' AND ');
    return this.ctx.cluster.read('search configs', async (sql) => {
      const [countRow] = await sql.query<Row[]>(
        `SELECT COUNT(*) AS n FROM config_info WHERE ${clause}`,
        params,
      );
      const total = Number(countRow?.n ?? 0);
      const offset = (page.pageNo - 1) * page.pageSize;
      if (offset >= total) return makePage<ConfigRecord>(total, page, []);
      const rows = await sql.query<Row[]>(
        `SELECT ${CONFIG_COLUMNS} FROM config_info WHERE ${clause} ORDER BY id LIMIT ? OFFSET ?`,
        [...params, page.pageSize, offset],
      );
      const tagMap = await tagsOf(
        sql,
        rows.map((r) => Number(r.id)),
      );
      return makePage(
        total,
        page,
        rows.map((r) => toConfigRecord(r, tagMap.get(Number(r.id)) ?? [])),
      );
    });
  }

  async count(tenant: string): Promise<number> {
    if (typeof tenant !== 'string')
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'tenant must be a string');
    return this.ctx.cluster.read('count configs', async (sql) => {
      const [row] = await sql.query<Row[]>('SELECT COUNT(*) AS n FROM config_info WHERE tenant_id = ?', [
        tenant,
      ]);
      return Number(row?.n ?? 0);
    });
  }
}
