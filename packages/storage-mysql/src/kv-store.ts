import {
  checkString,
  KV_LIMITS,
  type KvChunk,
  type KvEntry,
  type KvExportOptions,
  type KvOp,
  type KvRange,
  type KvStore,
  StorageError,
  validateLimit,
} from '@reg/storage';
import type { Sql } from './cluster.js';
import type { Row } from './config-rows.js';
import { injectedFault, type StoreContext } from './context.js';
import { KV_KEY_MAX_BYTES } from './schema.js';

const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** Keep each INSERT well below MariaDB's default 16 MiB max_allowed_packet. */
const INSERT_BYTES = 4 * 1024 * 1024;
const INSERT_ROWS = 500;
const BATCH_MAX = 10_000;
/** Statement timeout of an import's bulk statements: emptying a large space takes longer than a query. */
const BULK_TIMEOUT_MS = 120_000;

function invalid(message: string): StorageError {
  return new StorageError('STORAGE_INVALID_ARGUMENT', message);
}

function keyBytes(key: unknown): Buffer {
  checkString('kv key', key, KV_LIMITS.kvKey, true);
  const bytes = Buffer.from(key as string, 'utf8');
  if (bytes.length > KV_KEY_MAX_BYTES)
    throw invalid(`kv key is longer than ${KV_KEY_MAX_BYTES} UTF-8 bytes (the MySQL adapter's index limit)`);
  return bytes;
}

function valueBytes(value: unknown): Buffer {
  if (!(value instanceof Uint8Array)) throw invalid('kv value must be a Uint8Array');
  if (value.byteLength > KV_LIMITS.kvValueBytes)
    throw invalid(`kv value is larger than ${KV_LIMITS.kvValueBytes} bytes`);
  // Copy: the caller may reuse its buffer after the call.
  return Buffer.from(value);
}

const toEntry = (r: Row): KvEntry => ({
  key: Buffer.from(r.k as Buffer).toString('utf8'),
  value: new Uint8Array(r.v as Buffer),
});

async function insertRows(sql: Sql, rows: ReadonlyArray<readonly [Buffer, Buffer]>): Promise<void> {
  let i = 0;
  while (i < rows.length) {
    const part: Array<readonly [Buffer, Buffer]> = [];
    let bytes = 0;
    while (i < rows.length && part.length < INSERT_ROWS) {
      const row = rows[i] as readonly [Buffer, Buffer];
      if (part.length > 0 && bytes + row[0].length + row[1].length > INSERT_BYTES) break;
      part.push(row);
      bytes += row[0].length + row[1].length;
      i++;
    }
    await sql.query(`INSERT INTO reg_kv (k, v) VALUES ${part.map(() => '(?, ?)').join(', ')}`, part.flat(), {
      timeoutMs: BULK_TIMEOUT_MS,
    });
  }
}

/** {@link KvStore} over `reg_kv` (VARBINARY keys: byte order = code point order). */
export class MysqlKvStore implements KvStore {
  constructor(private readonly ctx: StoreContext) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    const k = keyBytes(key);
    return this.ctx.cluster.read('read kv', async (sql) => {
      const rows = await sql.query<Row[]>('SELECT v FROM reg_kv WHERE k = ?', [k]);
      const row = rows[0];
      return row === undefined ? undefined : new Uint8Array(row.v as Buffer);
    });
  }

  async batch(ops: readonly KvOp[]): Promise<void> {
    if (!Array.isArray(ops)) throw invalid('ops must be an array');
    if (ops.length > BATCH_MAX) throw invalid(`at most ${BATCH_MAX} ops per batch`);
    const prepared = ops.map((op) => {
      if (typeof op !== 'object' || op === null || (op.type !== 'put' && op.type !== 'del')) {
        throw invalid('each op must be {type: "put"|"del", key[, value]}');
      }
      return op.type === 'put'
        ? { put: true, k: keyBytes(op.key), v: valueBytes(op.value) }
        : { put: false, k: keyBytes(op.key), v: undefined };
    });
    if (prepared.length === 0) return;
    await this.ctx.cluster.write('kv batch', async (sql) => {
      for (const op of prepared) {
        if (op.put)
          await sql.query('INSERT INTO reg_kv (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)', [
            op.k,
            op.v,
          ]);
        else await sql.query('DELETE FROM reg_kv WHERE k = ?', [op.k]);
      }
    });
  }

  async range(range: KvRange, limit: number): Promise<readonly KvEntry[]> {
    if (typeof range !== 'object' || range === null) throw invalid('range must be an object');
    validateLimit(limit, KV_LIMITS.rangeLimit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (range.gte !== undefined) {
      checkString('gte', range.gte, KV_LIMITS.kvKey * 4, false);
      where.push('k >= ?');
      params.push(Buffer.from(range.gte, 'utf8'));
    }
    if (range.lt !== undefined) {
      checkString('lt', range.lt, KV_LIMITS.kvKey * 4, false);
      where.push('k < ?');
      params.push(Buffer.from(range.lt, 'utf8'));
    }
    const clause = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
    return this.ctx.cluster.read('kv range', async (sql) => {
      const rows = await sql.query<Row[]>(`SELECT k, v FROM reg_kv${clause} ORDER BY k LIMIT ?`, [
        ...params,
        limit,
      ]);
      return rows.map(toEntry);
    });
  }

  /**
   * Streams the space from one consistent snapshot (`START TRANSACTION WITH CONSISTENT SNAPSHOT`
   * held on one connection until the iteration ends or is abandoned).
   */
  async *export(options: KvExportOptions = {}): AsyncIterable<KvChunk> {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1)
      throw invalid('chunkBytes must be a positive integer');
    const session = await this.ctx.cluster.session('kv export');
    try {
      // Sessions default to READ COMMITTED; a consistent snapshot needs REPEATABLE READ.
      await session.sql.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await session.sql.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
      let after: Buffer | undefined;
      for (;;) {
        // Plan a chunk from key sizes first, so a chunk of huge values is never read at once.
        const sizes = await session.sql.query<Row[]>(
          `SELECT k, LENGTH(v) AS n FROM reg_kv${after === undefined ? '' : ' WHERE k > ?'} ORDER BY k LIMIT 1000`,
          after === undefined ? [] : [after],
        );
        if (sizes.length === 0) break;
        let bytes = 0;
        let last: Buffer | undefined;
        for (const s of sizes) {
          const k = s.k as Buffer;
          // Keys weigh 3x: a consumer holding them as JS strings (or re-encoding them) stays
          // within chunkBytes too, whatever its measure.
          const cost = k.length * 3 + Number(s.n);
          if (last !== undefined && bytes + cost > chunkBytes) break;
          bytes += cost;
          last = k;
        }
        const first = (sizes[0] as Row).k as Buffer;
        const rows = await session.sql.query<Row[]>(
          'SELECT k, v FROM reg_kv WHERE k >= ? AND k <= ? ORDER BY k',
          [first, last],
        );
        yield { entries: rows.map(toEntry) };
        after = last;
      }
      await session.sql.query('COMMIT');
    } finally {
      session.release();
    }
  }

  /** Replaces the whole space in one transaction; any failure rolls it back (the space is unchanged). */
  async import(source: AsyncIterable<KvChunk>): Promise<number> {
    if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source))
      throw invalid('source must be an async iterable of chunks');
    const { ctx } = this;
    // No automatic retry: the source stream cannot be replayed.
    return ctx.cluster.write(
      'kv import',
      async (sql) => {
        await sql.query('DELETE FROM reg_kv', [], { timeoutMs: BULK_TIMEOUT_MS });
        let count = 0;
        let previous: Buffer | undefined;
        let chunks = 0;
        for await (const chunk of source) {
          if (typeof chunk !== 'object' || chunk === null || !Array.isArray(chunk.entries))
            throw invalid('each chunk must be {entries: KvEntry[]}');
          const rows: Array<readonly [Buffer, Buffer]> = [];
          for (const e of chunk.entries) {
            if (typeof e !== 'object' || e === null) throw invalid('each entry must be {key, value}');
            const k = keyBytes(e.key);
            if (previous !== undefined && Buffer.compare(previous, k) >= 0)
              throw invalid(`import keys must be strictly ascending (at ${JSON.stringify(e.key)})`);
            previous = k;
            rows.push([k, valueBytes(e.value)]);
          }
          await insertRows(sql, rows);
          count += rows.length;
          chunks++;
          if (chunks === 1 && ctx.takeFault('kv-import')) throw injectedFault('kv-import');
        }
        if (chunks === 0 && ctx.takeFault('kv-import')) throw injectedFault('kv-import');
        return count;
      },
      { retry: false },
    );
  }
}
