import type { ConfigKey } from '../config-store.js';
import { StorageError } from '../errors.js';
import type { ConfigHistoryStore, HistoryRecord } from '../history-store.js';
import type { Page, PageRequest } from '../page.js';
import { makePage } from '../text.js';
import { validateConfigKey, validateLimit, validatePage, validateTime } from '../validate.js';
import { decodeJson } from './codec.js';
import type { Context } from './context.js';
import type { EngineOp } from './engine.js';
import { HIGH, K, num, prefixRange, SEP } from './keys.js';

const HISTORY_FIELDS = ['nid', 'id', 'dataId', 'group', 'tenant', 'content', 'opType'] as const;

/** The trailing 16-digit number of an index key. */
function tailNumber(key: string): number {
  return Number(key.slice(-16));
}

/** {@link ConfigHistoryStore} over an ordered engine. */
export class OrderedHistoryStore implements ConfigHistoryStore {
  constructor(private readonly ctx: Context) {}

  private async row(nid: number): Promise<HistoryRecord | undefined> {
    const key = K.historyRow(nid);
    const bytes = await this.ctx.get(key);
    return bytes === undefined ? undefined : decodeJson<HistoryRecord>(bytes, key, HISTORY_FIELDS);
  }

  private async mustRow(nid: number, indexKey: string): Promise<HistoryRecord> {
    const row = await this.row(nid);
    if (row === undefined) {
      throw new StorageError(
        'STORAGE_CORRUPTED',
        `history index ${JSON.stringify(indexKey)} points at missing row`,
        {
          location: indexKey,
        },
      );
    }
    return row;
  }

  async list(key: ConfigKey, page: PageRequest): Promise<Page<HistoryRecord>> {
    validateConfigKey(key);
    validatePage(page);
    this.ctx.checkOpen();
    const range = prefixRange(K.historyKeyPrefix(key.tenant, key.group, key.dataId));
    const start = (page.pageNo - 1) * page.pageSize;
    const total = await this.ctx.count(range);
    const items: HistoryRecord[] = [];
    if (start < total) {
      const window = await this.ctx.collect({ ...range, reverse: true, limit: start + page.pageSize });
      for (const [k] of window.slice(start)) items.push(await this.mustRow(tailNumber(k), k));
    }
    return makePage(total, page, items);
  }

  async get(nid: number): Promise<HistoryRecord | undefined> {
    if (!Number.isSafeInteger(nid))
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'nid must be an integer');
    this.ctx.checkOpen();
    return nid < 1 ? undefined : this.row(nid);
  }

  async previous(id: number, beforeNid?: number): Promise<HistoryRecord | undefined> {
    if (!Number.isSafeInteger(id) || (beforeNid !== undefined && !Number.isSafeInteger(beforeNid))) {
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'id and beforeNid must be integers');
    }
    this.ctx.checkOpen();
    if (id < 1 || (beforeNid !== undefined && beforeNid < 1)) return undefined;
    const prefix = K.historyIdPrefix(id);
    const lt = beforeNid === undefined ? prefix + HIGH : K.historyById(id, beforeNid);
    const found = await this.ctx.collect({ gte: prefix, lt, reverse: true, limit: 1 });
    const first = found[0];
    return first === undefined ? undefined : this.mustRow(tailNumber(first[0]), first[0]);
  }

  purgeBefore(time: number, limit: number): Promise<number> {
    validateTime(time);
    validateLimit(limit, 100_000);
    return this.ctx.exclusive(async () => {
      const old = await this.ctx.collect({ gte: 'h!t!', lt: `h!t!${num(time)}${SEP}`, limit });
      const ops: EngineOp[] = [];
      for (const [k] of old) {
        const row = await this.mustRow(tailNumber(k), k);
        ops.push(
          { type: 'del', key: k },
          { type: 'del', key: K.historyRow(row.nid) },
          { type: 'del', key: K.historyByKey(row.tenant, row.group, row.dataId, row.nid) },
          { type: 'del', key: K.historyById(row.id, row.nid) },
        );
      }
      await this.ctx.write(ops);
      return old.length;
    });
  }
}
