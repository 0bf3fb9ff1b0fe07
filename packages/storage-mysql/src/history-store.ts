import {
  type ConfigHistoryStore,
  type ConfigKey,
  type HistoryRecord,
  makePage,
  type Page,
  type PageRequest,
  StorageError,
  validateConfigKey,
  validateLimit,
  validatePage,
  validateTime,
} from '@reg/storage';
import { HISTORY_COLUMNS, type Row, toHistoryRecord } from './config-rows.js';
import type { StoreContext } from './context.js';

/** The most rows one {@link MysqlHistoryStore.purgeBefore} call deletes. */
const PURGE_MAX = 100_000;

function checkNid(name: string, n: number): void {
  if (!Number.isSafeInteger(n))
    throw new StorageError('STORAGE_INVALID_ARGUMENT', `${name} must be an integer`);
}

/** {@link ConfigHistoryStore} over Nacos' `his_config_info`. */
export class MysqlHistoryStore implements ConfigHistoryStore {
  constructor(private readonly ctx: StoreContext) {}

  async list(key: ConfigKey, page: PageRequest): Promise<Page<HistoryRecord>> {
    validateConfigKey(key);
    validatePage(page);
    // BINARY comparisons: exact bytes whatever the table's collation.
    const clause = 'data_id = BINARY ? AND group_id = BINARY ? AND tenant_id = BINARY ?';
    const params = [key.dataId, key.group, key.tenant];
    return this.ctx.cluster.read('list config history', async (sql) => {
      const [countRow] = await sql.query<Row[]>(
        `SELECT COUNT(*) AS n FROM his_config_info WHERE ${clause}`,
        params,
      );
      const total = Number(countRow?.n ?? 0);
      const offset = (page.pageNo - 1) * page.pageSize;
      if (offset >= total) return makePage<HistoryRecord>(total, page, []);
      const rows = await sql.query<Row[]>(
        `SELECT ${HISTORY_COLUMNS} FROM his_config_info WHERE ${clause} ORDER BY nid DESC LIMIT ? OFFSET ?`,
        [...params, page.pageSize, offset],
      );
      return makePage(total, page, rows.map(toHistoryRecord));
    });
  }

  async get(nid: number): Promise<HistoryRecord | undefined> {
    checkNid('nid', nid);
    return this.ctx.cluster.read('read config history', async (sql) => {
      const rows = await sql.query<Row[]>(`SELECT ${HISTORY_COLUMNS} FROM his_config_info WHERE nid = ?`, [
        nid,
      ]);
      const row = rows[0];
      return row === undefined ? undefined : toHistoryRecord(row);
    });
  }

  async previous(id: number, beforeNid?: number): Promise<HistoryRecord | undefined> {
    checkNid('id', id);
    if (beforeNid !== undefined) checkNid('beforeNid', beforeNid);
    return this.ctx.cluster.read('read previous config history', async (sql) => {
      const rows =
        beforeNid === undefined
          ? await sql.query<Row[]>(
              `SELECT ${HISTORY_COLUMNS} FROM his_config_info WHERE id = ? ORDER BY nid DESC LIMIT 1`,
              [id],
            )
          : await sql.query<Row[]>(
              `SELECT ${HISTORY_COLUMNS} FROM his_config_info WHERE id = ? AND nid < ? ORDER BY nid DESC LIMIT 1`,
              [id, beforeNid],
            );
      const row = rows[0];
      return row === undefined ? undefined : toHistoryRecord(row);
    });
  }

  async purgeBefore(time: number, limit: number): Promise<number> {
    validateTime(time);
    validateLimit(limit, PURGE_MAX);
    return this.ctx.cluster.write('purge config history', async (sql) => {
      // Oldest first, bounded: DELETE ... ORDER BY ... LIMIT keeps one call short.
      const res = await sql.query<{ affectedRows: number }>(
        'DELETE FROM his_config_info WHERE gmt_modified < ? ORDER BY nid LIMIT ?',
        [new Date(time), limit],
      );
      return Number(res.affectedRows);
    });
  }
}
