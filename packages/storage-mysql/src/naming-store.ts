import {
  checkString,
  KV_LIMITS,
  makePage,
  type NamingEntry,
  type NamingOp,
  type NamingStore,
  type Page,
  type PageRequest,
  StorageError,
  validateNamingKind,
  validatePage,
} from '@reg/storage';
import type { Sql } from './cluster.js';
import type { Row } from './config-rows.js';
import { escapeLike, type StoreContext } from './context.js';

/** The most ops one {@link MysqlNamingStore.batch} takes, so one transaction stays bounded. */
const BATCH_MAX = 10_000;

function checkKey(key: unknown): void {
  checkString('naming key', key, KV_LIMITS.namingKey, true);
}

function checkValue(value: unknown): void {
  checkString('naming value', value, KV_LIMITS.namingValueChars, false);
}

const keyBytes = (key: string): Buffer => Buffer.from(key, 'utf8');

async function put(sql: Sql, kind: string, key: string, value: string): Promise<void> {
  await sql.query(
    'INSERT INTO reg_naming (kind, k, v, gmt_modified) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v), gmt_modified = VALUES(gmt_modified)',
    [kind, keyBytes(key), value, Date.now()],
  );
}

/**
 * {@link NamingStore} over `reg_naming` (Nacos' schema has no table for persistent naming data).
 * Keys are stored as UTF-8 bytes in a VARBINARY column: equality is exact and order is byte
 * order, which is code point order.
 */
export class MysqlNamingStore implements NamingStore {
  constructor(private readonly ctx: StoreContext) {}

  async put(kind: string, key: string, value: string): Promise<void> {
    validateNamingKind(kind);
    checkKey(key);
    checkValue(value);
    await this.ctx.cluster.write('put naming entry', (sql) => put(sql, kind, key, value));
  }

  async get(kind: string, key: string): Promise<string | undefined> {
    validateNamingKind(kind);
    checkKey(key);
    return this.ctx.cluster.read('read naming entry', async (sql) => {
      const rows = await sql.query<Row[]>('SELECT v FROM reg_naming WHERE kind = ? AND k = ?', [
        kind,
        keyBytes(key),
      ]);
      const row = rows[0];
      return row === undefined ? undefined : String(row.v);
    });
  }

  async delete(kind: string, key: string): Promise<boolean> {
    validateNamingKind(kind);
    checkKey(key);
    return this.ctx.cluster.write('delete naming entry', async (sql) => {
      const res = await sql.query<{ affectedRows: number }>(
        'DELETE FROM reg_naming WHERE kind = ? AND k = ?',
        [kind, keyBytes(key)],
      );
      return Number(res.affectedRows) > 0;
    });
  }

  async batch(ops: readonly NamingOp[]): Promise<void> {
    if (!Array.isArray(ops)) throw new StorageError('STORAGE_INVALID_ARGUMENT', 'ops must be an array');
    if (ops.length > BATCH_MAX)
      throw new StorageError('STORAGE_INVALID_ARGUMENT', `at most ${BATCH_MAX} ops per batch`);
    for (const op of ops) {
      if (typeof op !== 'object' || op === null || (op.type !== 'put' && op.type !== 'del')) {
        throw new StorageError(
          'STORAGE_INVALID_ARGUMENT',
          'each op must be {type: "put"|"del", kind, key[, value]}',
        );
      }
      validateNamingKind(op.kind);
      checkKey(op.key);
      if (op.type === 'put') checkValue(op.value);
    }
    if (ops.length === 0) return;
    await this.ctx.cluster.write('naming batch', async (sql) => {
      // In order, in one transaction: a later op on the same key wins, and all land or none.
      for (const op of ops) {
        if (op.type === 'put') await put(sql, op.kind, op.key, op.value);
        else await sql.query('DELETE FROM reg_naming WHERE kind = ? AND k = ?', [op.kind, keyBytes(op.key)]);
      }
    });
  }

  async list(kind: string, page: PageRequest, prefix = ''): Promise<Page<NamingEntry>> {
    validateNamingKind(kind);
    validatePage(page);
    checkString('prefix', prefix, KV_LIMITS.namingKey, false);
    const where = prefix === '' ? 'kind = ?' : "kind = ? AND k LIKE ? ESCAPE '|'";
    const params: unknown[] = prefix === '' ? [kind] : [kind, keyBytes(`${escapeLike(prefix)}%`)];
    return this.ctx.cluster.read('list naming entries', async (sql) => {
      const [countRow] = await sql.query<Row[]>(
        `SELECT COUNT(*) AS n FROM reg_naming WHERE ${where}`,
        params,
      );
      const total = Number(countRow?.n ?? 0);
      const offset = (page.pageNo - 1) * page.pageSize;
      if (offset >= total) return makePage<NamingEntry>(total, page, []);
      const rows = await sql.query<Row[]>(
        `SELECT k, v FROM reg_naming WHERE ${where} ORDER BY k LIMIT ? OFFSET ?`,
        [...params, page.pageSize, offset],
      );
      return makePage(
        total,
        page,
        rows.map((r) => ({ kind, key: Buffer.from(r.k as Buffer).toString('utf8'), value: String(r.v) })),
      );
    });
  }
}
