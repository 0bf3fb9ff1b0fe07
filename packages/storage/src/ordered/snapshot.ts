import { isStorageError, StorageError } from '../errors.js';
import type { KvChunk, KvEntry, KvExportOptions } from '../kv-store.js';
import type { StorageSnapshot } from '../storage.js';
import { compareCodePoints } from '../text.js';
import { decodeCounter, decodeText, encodeText } from './codec.js';
import type { Context } from './context.js';
import type { EngineOp } from './engine.js';
import { HIGH, K, num } from './keys.js';

/** The one key outside every generation: which generation is live. */
export const GENERATION_KEY = '~generation';

/** Deletes go in batches of this many keys. */
const DELETE_BATCH = 1000;

/** The engine prefix of generation `gen`. */
export function generationPrefix(gen: number): string {
  return `g${num(gen)}!`;
}

/** Reads the live generation (0 for a fresh store). */
export async function liveGeneration(ctx: Context): Promise<number> {
  return decodeCounter(await ctx.engine.get(GENERATION_KEY), GENERATION_KEY);
}

/** Deletes every engine key in `[gte, lt)` in bounded batches. */
export async function deleteEngineRange(ctx: Context, gte: string, lt: string): Promise<void> {
  for (let round = 0; round < 1e7; round++) {
    const keys: EngineOp[] = [];
    for await (const [key] of ctx.engine.iterate({ gte, lt, limit: DELETE_BATCH }))
      keys.push({ type: 'del', key });
    if (keys.length === 0) return;
    await ctx.engine.write(keys);
  }
  throw new StorageError('STORAGE_IO', 'range delete does not terminate');
}

/** Removes every generation but the live one (left by an import that crashed or failed). */
export async function dropStaleGenerations(ctx: Context, gen: number): Promise<void> {
  const live = generationPrefix(gen);
  await deleteEngineRange(ctx, 'g', live);
  await deleteEngineRange(ctx, live + HIGH, `g${HIGH}`);
}

/**
 * {@link StorageSnapshot} over an ordered engine: every store key lives under the live
 * generation's prefix; import writes the next generation beside it in bounded batches and makes it
 * live with one write of {@link GENERATION_KEY} (the commit point), then drops the old one.
 */
export class OrderedSnapshot implements StorageSnapshot {
  constructor(
    private readonly ctx: Context,
    private readonly layoutVersion: string,
  ) {}

  export(options: KvExportOptions = {}): AsyncIterable<KvChunk> {
    const chunkBytes = options.chunkBytes ?? 1024 * 1024;
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'chunkBytes must be a positive integer');
    }
    const ctx = this.ctx;
    return {
      async *[Symbol.asyncIterator]() {
        // Started under the write lock so no write or import is half done; the engine iterator
        // then pins a snapshot and the lock is released.
        const rows = await ctx.exclusive(async () => ctx.iterate({}));
        let entries: KvEntry[] = [];
        let size = 0;
        for await (const [key, value] of rows) {
          entries.push({ key, value: new Uint8Array(value) });
          size += key.length * 3 + value.byteLength;
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
      const ctx = this.ctx;
      const gen = await liveGeneration(ctx);
      const next = generationPrefix(gen + 1);
      await deleteEngineRange(ctx, next, next + HIGH);
      let count = 0;
      let last: string | undefined;
      let version: string | undefined;
      try {
        for await (const chunk of source) {
          if (typeof chunk !== 'object' || chunk === null || !Array.isArray(chunk.entries)) {
            throw new StorageError('STORAGE_INVALID_ARGUMENT', 'snapshot chunk must be { entries: [] }');
          }
          const ops: EngineOp[] = [];
          for (const e of chunk.entries) {
            if (typeof e?.key !== 'string' || e.key === '' || !(e.value instanceof Uint8Array)) {
              throw new StorageError(
                'STORAGE_INVALID_ARGUMENT',
                'snapshot entry must be { key: string, value: Uint8Array }',
              );
            }
            if (last !== undefined && compareCodePoints(last, e.key) >= 0) {
              throw new StorageError(
                'STORAGE_INVALID_ARGUMENT',
                `snapshot keys out of order at ${JSON.stringify(e.key)}`,
              );
            }
            last = e.key;
            if (e.key === K.version) version = decodeText(e.value, K.version);
            ops.push({ type: 'put', key: next + e.key, value: e.value });
          }
          await ctx.engine.write(ops);
          count += ops.length;
          if (count > 0) ctx.maybeFail('snapshot-import');
        }
        if (version !== this.layoutVersion) {
          throw new StorageError(
            'STORAGE_INVALID_ARGUMENT',
            `snapshot has layout version ${JSON.stringify(version)}, this store reads ${this.layoutVersion}`,
          );
        }
        // The commit point.
        await ctx.engine.write([{ type: 'put', key: GENERATION_KEY, value: encodeText(String(gen + 1)) }]);
      } catch (err) {
        await deleteEngineRange(ctx, next, next + HIGH).catch(() => undefined);
        if (isStorageError(err)) throw err;
        throw new StorageError('STORAGE_IO', 'snapshot import source failed', { cause: err });
      }
      ctx.setGeneration(next);
      const old = generationPrefix(gen);
      await deleteEngineRange(ctx, old, old + HIGH);
      return count;
    });
  }
}
