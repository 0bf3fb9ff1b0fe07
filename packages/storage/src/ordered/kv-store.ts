import { isStorageError, StorageError } from '../errors.js';
import type { KvChunk, KvEntry, KvExportOptions, KvOp, KvRange, KvStore } from '../kv-store.js';
import { compareCodePoints } from '../text.js';
import { checkString, KV_LIMITS, validateLimit } from '../validate.js';
import { decodeCounter, encodeText } from './codec.js';
import type { Context } from './context.js';
import type { EngineOp } from './engine.js';
import { HIGH, K, prefixRange } from './keys.js';

/** Deletes are issued in batches of this many keys, so no single batch grows with the store. */
const DELETE_BATCH = 1000;

function checkKey(key: unknown): string {
  return checkString('kv key', key, KV_LIMITS.kvKey, true);
}

function checkValue(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new StorageError('STORAGE_INVALID_ARGUMENT', 'kv value must be a Uint8Array');
  if (value.byteLength > KV_LIMITS.kvValueBytes) {
    throw new StorageError(
      'STORAGE_INVALID_ARGUMENT',
      `kv value is larger than ${KV_LIMITS.kvValueBytes} bytes`,
    );
  }
  return value;
}

/**
 * {@link KvStore} over an ordered engine.
 *
 * Import is atomic through generations: entries live under `k!<generation>!`, and only the
 * generation named by `m!kv-generation` is visible. An import writes the next generation in
 * bounded batches, flips the pointer in one write (the commit point), then deletes the old
 * generation. A crash before the flip leaves a stale generation that {@link cleanup} removes at open.
 */
export class OrderedKvStore implements KvStore {
  constructor(private readonly ctx: Context) {}

  private async generation(): Promise<number> {
    return decodeCounter(await this.ctx.get(K.kvGeneration), K.kvGeneration);
  }

  /** Removes every generation but the live one (leftovers of an import that crashed). */
  async cleanup(): Promise<void> {
    const live = K.kvPrefix(await this.generation());
    await this.deleteRange({ gte: 'k!', lt: live });
    await this.deleteRange({ gte: live + HIGH, lt: `k!${HIGH}` });
  }

  private async deleteRange(range: { gte: string; lt: string }): Promise<void> {
    for (let round = 0; ; round++) {
      const keys = await this.ctx.collect({ ...range, limit: DELETE_BATCH });
      if (keys.length === 0) return;
      await this.ctx.write(keys.map(([key]): EngineOp => ({ type: 'del', key })));
      if (round > 1e7) throw new StorageError('STORAGE_IO', 'kv cleanup does not terminate');
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key);
    this.ctx.checkOpen();
    const v = await this.ctx.get(K.kv(await this.generation(), key));
    return v === undefined ? undefined : new Uint8Array(v);
  }

  batch(ops: readonly KvOp[]): Promise<void> {
    if (!Array.isArray(ops) || ops.length > 100_000) {
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'ops must be an array of at most 100000');
    }
    const checked = ops.map((op) => {
      if (typeof op !== 'object' || op === null)
        throw new StorageError('STORAGE_INVALID_ARGUMENT', 'op must be an object');
      checkKey(op.key);
      if (op.type === 'del') return op;
      if (op.type !== 'put') throw new StorageError('STORAGE_INVALID_ARGUMENT', 'op type must be put or del');
      return { type: 'put' as const, key: op.key, value: new Uint8Array(checkValue(op.value)) };
    });
    return this.ctx.exclusive(async () => {
      const gen = await this.generation();
      await this.ctx.write(
        checked.map(
          (op): EngineOp =>
            op.type === 'put' ? { ...op, key: K.kv(gen, op.key) } : { type: 'del', key: K.kv(gen, op.key) },
        ),
      );
    });
  }

  async range(range: KvRange, limit: number): Promise<readonly KvEntry[]> {
    if (range.gte !== undefined) checkString('gte', range.gte, KV_LIMITS.kvKey, false);
    if (range.lt !== undefined) checkString('lt', range.lt, KV_LIMITS.kvKey, false);
    validateLimit(limit, KV_LIMITS.rangeLimit);
    this.ctx.checkOpen();
    const prefix = K.kvPrefix(await this.generation());
    const rows = await this.ctx.collect({
      gte: prefix + (range.gte ?? ''),
      lt: range.lt === undefined ? prefix + HIGH : prefix + range.lt,
      limit,
    });
    return rows.map(([k, value]) => ({ key: k.slice(prefix.length), value: new Uint8Array(value) }));
  }

  export(options: KvExportOptions = {}): AsyncIterable<KvChunk> {
    const chunkBytes = options.chunkBytes ?? 1024 * 1024;
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'chunkBytes must be a positive integer');
    }
    const ctx = this.ctx;
    // The iterator is created under the write lock so the generation it reads is the live one
    // and no import can flip it in between; the engine iterator then pins a snapshot.
    const start = () =>
      ctx.exclusive(async () => {
        const prefix = K.kvPrefix(await this.generation());
        return { prefix, rows: ctx.iterate(prefixRange(prefix)) };
      });
    return {
      async *[Symbol.asyncIterator]() {
        const { prefix, rows } = await start();
        let entries: KvEntry[] = [];
        let size = 0;
        for await (const [k, v] of rows) {
          const key = k.slice(prefix.length);
          entries.push({ key, value: new Uint8Array(v) });
          size += key.length * 3 + v.byteLength;
          if (size >= chunkBytes) {
            yield { entries };
            entries = [];
            size = 0;
          }
        }
        if (entries.length > 0) yield { entries };
      },
    };
  }

  import(source: AsyncIterable<KvChunk>): Promise<number> {
    return this.ctx.exclusive(async () => {
      const gen = await this.generation();
      const next = gen + 1;
      // A crashed import may have left part of `next` behind; start clean.
      await this.deleteRange(prefixRange(K.kvPrefix(next)));
      let count = 0;
      let last: string | undefined;
      try {
        for await (const chunk of source) {
          if (typeof chunk !== 'object' || chunk === null || !Array.isArray(chunk.entries)) {
            throw new StorageError('STORAGE_INVALID_ARGUMENT', 'kv chunk must be { entries: [] }');
          }
          const ops: EngineOp[] = [];
          for (const e of chunk.entries) {
            const key = checkKey(e.key);
            const value = checkValue(e.value);
            if (last !== undefined && compareCodePoints(last, key) >= 0) {
              throw new StorageError(
                'STORAGE_INVALID_ARGUMENT',
                `kv import keys out of order at ${JSON.stringify(key)}`,
              );
            }
            last = key;
            ops.push({ type: 'put', key: K.kv(next, key), value });
          }
          await this.ctx.write(ops);
          count += ops.length;
          if (count > 0) this.ctx.maybeFail('kv-import');
        }
        // The commit point: one write makes the new generation live.
        await this.ctx.write([{ type: 'put', key: K.kvGeneration, value: encodeText(String(next)) }]);
      } catch (err) {
        await this.deleteRange(prefixRange(K.kvPrefix(next))).catch(() => undefined);
        if (isStorageError(err)) throw err;
        throw new StorageError('STORAGE_IO', 'kv import source failed', { cause: err });
      }
      await this.deleteRange(prefixRange(K.kvPrefix(gen)));
      return count;
    });
  }
}
