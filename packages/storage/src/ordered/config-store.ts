import type {
  ChangeMeta,
  ConfigKey,
  ConfigQuery,
  ConfigRecord,
  ConfigStore,
  DeleteResult,
  PublishConfigInput,
  PublishResult,
} from '../config-store.js';
import { StorageError } from '../errors.js';
import type { HistoryRecord } from '../history-store.js';
import type { Page, PageRequest } from '../page.js';
import { makePage, md5Hex, wildcardToRegExp } from '../text.js';
import {
  validateConfigKey,
  validatePage,
  validatePublish,
  validateQuery,
  validateTime,
} from '../validate.js';
import { decodeJson, EMPTY, encodeJson, encodeText } from './codec.js';
import type { Context } from './context.js';
import type { EngineOp } from './engine.js';
import { K, prefixRange } from './keys.js';

const CONFIG_FIELDS = ['id', 'dataId', 'group', 'tenant', 'content', 'md5'] as const;

/** Reads the config stored under a key (one lookup), or `undefined`. Call under the write lock for a consistent read-modify-write. */
export async function readConfig(ctx: Context, key: ConfigKey): Promise<ConfigRecord | undefined> {
  const rowKey = K.configByKey(key.tenant, key.group, key.dataId);
  const row = await ctx.get(rowKey);
  return row === undefined ? undefined : decodeJson<ConfigRecord>(row, rowKey, CONFIG_FIELDS);
}

/** What the per-tenant index keeps of a config: exactly the fields search filters on. */
type ConfigSummary = Pick<ConfigRecord, 'dataId' | 'group' | 'appName' | 'tags'>;

const SUMMARY_FIELDS = ['dataId', 'group', 'appName', 'tags'] as const;

/** The ops that store a config row and its two indexes. */
function configOps(config: ConfigRecord): EngineOp[] {
  const summary: ConfigSummary = {
    dataId: config.dataId,
    group: config.group,
    appName: config.appName,
    tags: config.tags,
  };
  return [
    {
      type: 'put',
      key: K.configByKey(config.tenant, config.group, config.dataId),
      value: encodeJson(config),
    },
    { type: 'put', key: K.configRow(config.tenant, config.id), value: encodeJson(summary) },
    {
      type: 'put',
      key: K.configById(config.id),
      value: encodeJson([config.tenant, config.group, config.dataId]),
    },
  ];
}

/** The ops that write one history row and its three index entries, plus the new sequence. */
function historyOps(row: HistoryRecord): EngineOp[] {
  return [
    { type: 'put', key: K.historyRow(row.nid), value: encodeJson(row) },
    { type: 'put', key: K.historyByKey(row.tenant, row.group, row.dataId, row.nid), value: EMPTY },
    { type: 'put', key: K.historyById(row.id, row.nid), value: EMPTY },
    { type: 'put', key: K.historyByTime(row.modifiedTime, row.nid), value: EMPTY },
    { type: 'put', key: K.historySeq, value: encodeText(String(row.nid)) },
  ];
}

function historyRow(
  nid: number,
  config: ConfigRecord,
  opType: 'I' | 'U' | 'D',
  meta: ChangeMeta,
  time: number,
): HistoryRecord {
  return {
    nid,
    id: config.id,
    dataId: config.dataId,
    group: config.group,
    tenant: config.tenant,
    appName: config.appName,
    content: config.content,
    md5: config.md5,
    srcUser: meta.srcUser ?? '',
    srcIp: meta.srcIp ?? '',
    opType,
    createdTime: time,
    modifiedTime: time,
  };
}

function dedupe(tags: readonly string[] | undefined): string[] {
  return tags === undefined ? [] : [...new Set(tags)];
}

/** {@link ConfigStore} over an ordered engine. */
export class OrderedConfigStore implements ConfigStore {
  constructor(private readonly ctx: Context) {}

  publish(input: PublishConfigInput): Promise<PublishResult> {
    validatePublish(input);
    return this.ctx.exclusive(async () => {
      const old = await readConfig(this.ctx, input);
      if (input.casMd5 !== undefined && input.casMd5 !== (old?.md5 ?? '')) {
        throw new StorageError(
          'STORAGE_CAS_MISMATCH',
          `config md5 is ${old === undefined ? 'absent' : old.md5}, expected ${input.casMd5 === '' ? 'absent' : input.casMd5}`,
          { actualMd5: old?.md5 ?? '' },
        );
      }
      const time = this.ctx.timeOf(input.time);
      const id = old?.id ?? (await this.ctx.counter(K.configSeq)) + 1;
      const config: ConfigRecord = {
        id,
        dataId: input.dataId,
        group: input.group,
        tenant: input.tenant,
        content: input.content,
        md5: md5Hex(input.content),
        type: input.type ?? '',
        appName: input.appName ?? '',
        desc: input.desc ?? '',
        tags: dedupe(input.tags),
        use: input.use ?? '',
        effect: input.effect ?? '',
        schema: input.schema ?? '',
        createdTime: old?.createdTime ?? time,
        modifiedTime: Math.max(time, old?.createdTime ?? time),
        srcUser: input.srcUser ?? '',
        srcIp: input.srcIp ?? '',
      };
      const nid = (await this.ctx.counter(K.historySeq)) + 1;
      // Nacos keeps in history what a rollback needs: the new content on insert, the old on update.
      const history = historyRow(nid, old ?? config, old === undefined ? 'I' : 'U', input, time);
      const ops = configOps(config);
      if (old === undefined) ops.push({ type: 'put', key: K.configSeq, value: encodeText(String(id)) });
      ops.push(...historyOps(history));
      this.ctx.maybeFail('config-write');
      await this.ctx.write(ops);
      if (old === undefined) this.ctx.setCounter(K.configSeq, id);
      this.ctx.setCounter(K.historySeq, nid);
      return { opType: old === undefined ? 'I' : 'U', config, historyNid: nid };
    });
  }

  async get(key: ConfigKey): Promise<ConfigRecord | undefined> {
    validateConfigKey(key);
    this.ctx.checkOpen();
    return readConfig(this.ctx, key);
  }

  async getById(id: number): Promise<ConfigRecord | undefined> {
    if (!Number.isSafeInteger(id))
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'id must be an integer');
    this.ctx.checkOpen();
    if (id < 1) return undefined;
    const idKey = K.configById(id);
    const where = await this.ctx.get(idKey);
    if (where === undefined) return undefined;
    const [tenant, group, dataId] = decodeJson<string[]>(where, idKey, ['0', '1', '2']);
    const config = await readConfig(this.ctx, {
      tenant: tenant ?? '',
      group: group ?? '',
      dataId: dataId ?? '',
    });
    if (config === undefined || config.id !== id) {
      throw new StorageError('STORAGE_CORRUPTED', `config id index ${id} points at a missing row`, {
        location: idKey,
      });
    }
    return config;
  }

  delete(key: ConfigKey, meta: ChangeMeta = {}): Promise<DeleteResult | undefined> {
    validateConfigKey(key);
    validateTime(meta.time);
    return this.ctx.exclusive(async () => {
      const old = await readConfig(this.ctx, key);
      if (old === undefined) return undefined;
      const time = this.ctx.timeOf(meta.time);
      const nid = (await this.ctx.counter(K.historySeq)) + 1;
      const ops: EngineOp[] = [
        { type: 'del', key: K.configRow(old.tenant, old.id) },
        { type: 'del', key: K.configByKey(old.tenant, old.group, old.dataId) },
        { type: 'del', key: K.configById(old.id) },
        ...historyOps(historyRow(nid, old, 'D', meta, time)),
      ];
      this.ctx.maybeFail('config-write');
      await this.ctx.write(ops);
      this.ctx.setCounter(K.historySeq, nid);
      return { config: old, historyNid: nid };
    });
  }

  async search(query: ConfigQuery, page: PageRequest): Promise<Page<ConfigRecord>> {
    validateQuery(query);
    validatePage(page);
    this.ctx.checkOpen();
    const match = matcher(query);
    const start = (page.pageNo - 1) * page.pageSize;
    const items: ConfigRecord[] = [];
    let total = 0;
    // One tenant's index, by id: small summaries, so a search never decodes contents it does not
    // return. Only the requested window is kept, then its rows are read.
    const window: ConfigSummary[] = [];
    for await (const [key, value] of this.ctx.iterate(prefixRange(K.configTenantPrefix(query.tenant)))) {
      const summary = decodeJson<ConfigSummary>(value, key, SUMMARY_FIELDS);
      if (!match(summary)) continue;
      if (total >= start && window.length < page.pageSize) window.push(summary);
      total++;
    }
    for (const s of window) {
      const config = await readConfig(this.ctx, { tenant: query.tenant, group: s.group, dataId: s.dataId });
      if (config === undefined) {
        throw new StorageError(
          'STORAGE_CORRUPTED',
          `config index of ${JSON.stringify(s.dataId)} points at a missing row`,
          {
            location: K.configTenantPrefix(query.tenant),
          },
        );
      }
      items.push(config);
    }
    return makePage(total, page, items);
  }

  async count(tenant: string): Promise<number> {
    validateQuery({ tenant, mode: 'accurate' });
    this.ctx.checkOpen();
    return this.ctx.count(prefixRange(K.configTenantPrefix(tenant)));
  }
}

/** Compiles a query into a predicate. */
function matcher(query: ConfigQuery): (c: ConfigSummary) => boolean {
  const field = (pattern: string | undefined): ((v: string) => boolean) => {
    if (pattern === undefined || pattern === '') return () => true;
    if (query.mode === 'accurate') return (v) => v === pattern;
    const re = wildcardToRegExp(pattern);
    return (v) => re.test(v);
  };
  const dataId = field(query.dataId);
  const group = field(query.group);
  const appName = field(query.appName);
  const tags = query.tags !== undefined && query.tags.length > 0 ? new Set(query.tags) : undefined;
  return (c) =>
    dataId(c.dataId) &&
    group(c.group) &&
    appName(c.appName) &&
    (tags === undefined || c.tags.some((t) => tags.has(t)));
}
