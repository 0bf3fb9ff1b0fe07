import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineOp, EngineRange, OrderedEngine } from '@reg/storage';
import { StorageError } from '@reg/storage';
import { Level } from 'level';
import { mapLevelError } from './level-errors.js';
import { checkRecovery } from './level-recovery.js';
import { frame, unframe } from './value-frame.js';

/** Options of {@link LevelEngine}. */
export interface LevelEngineOptions {
  /** The database folder; created if missing. */
  readonly location: string;
  /**
   * fsync every write (LevelDB `sync: true`). Default false: in the embedded cluster the Raft log
   * is the durable record and the state store is rebuilt from it, so a state write need not wait
   * for the disk. Set true when the store is the only copy (standalone without Raft).
   */
  readonly sync?: boolean;
}

/**
 * An `OrderedEngine` over LevelDB (`level`, i.e. classic-level). Keys are UTF-8 strings, so
 * LevelDB's byte order is code point order, as the contract requires; values are raw bytes.
 * Iterators read LevelDB's implicit snapshot, taken synchronously when {@link iterate} is called.
 */
export class LevelEngine implements OrderedEngine {
  readonly location: string;
  private readonly sync: boolean;
  /**
   * Created in {@link open}, not in the constructor: abstract-level opens a database as soon as it
   * is constructed, and an unopened store must not hold the folder's lock.
   */
  private handle: Level<string, Uint8Array> | undefined;

  constructor(options: LevelEngineOptions) {
    if (typeof options.location !== 'string' || options.location === '') {
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'location must be a non-empty path');
    }
    this.location = options.location;
    this.sync = options.sync ?? false;
  }

  private get db(): Level<string, Uint8Array> {
    if (this.handle === undefined)
      throw new StorageError('STORAGE_CLOSED', `LevelDB at ${this.location} is not open`);
    return this.handle;
  }

  async open(): Promise<void> {
    try {
      await mkdir(this.location, { recursive: true });
      this.handle ??= new Level<string, Uint8Array>(this.location, {
        keyEncoding: 'utf8',
        valueEncoding: 'view',
      });
      await this.handle.open({ createIfMissing: true });
    } catch (err) {
      throw mapLevelError(err, this.location, 'open');
    }
    try {
      await checkRecovery(this.location);
    } catch (err) {
      await this.db.close().catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.handle === undefined) return;
    try {
      await this.handle.close();
    } catch (err) {
      throw mapLevelError(err, this.location, 'close');
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.db.get(key);
    } catch (err) {
      throw await this.explain(mapLevelError(err, this.location, `read of ${JSON.stringify(key)}`));
    }
    if (bytes === undefined) return undefined;
    try {
      return unframe(bytes, key, this.location);
    } catch (err) {
      throw await this.explain(err as StorageError);
    }
  }

  /**
   * Adds the table files to a corruption error that names only the folder: LevelDB's read errors
   * ("corrupted compressed block contents") do not say which file, and the operator needs one.
   */
  private async explain(err: StorageError): Promise<StorageError> {
    if (err.code !== 'STORAGE_CORRUPTED' || err.location !== this.location) return err;
    const files = await readdir(this.location).catch(() => [] as string[]);
    const tables = files.filter((f) => /\.(?:ldb|sst)$/.test(f)).map((f) => join(this.location, f));
    if (tables.length === 0) return err;
    const where = tables.length === 1 ? (tables[0] as string) : `one of ${tables.join(', ')}`;
    return new StorageError('STORAGE_CORRUPTED', `${err.message} (damaged table: ${where})`, {
      cause: err.cause ?? err,
      location: tables.length === 1 ? (tables[0] as string) : this.location,
    });
  }

  iterate(range: EngineRange): AsyncIterable<readonly [string, Uint8Array]> {
    const options: { gte?: string; lt?: string; reverse?: boolean; limit?: number } = {};
    if (range.gte !== undefined) options.gte = range.gte;
    if (range.lt !== undefined) options.lt = range.lt;
    if (range.reverse !== undefined) options.reverse = range.reverse;
    if (range.limit !== undefined) options.limit = range.limit;
    let iterator: ReturnType<typeof this.db.iterator<string, Uint8Array>>;
    try {
      // Created now, not on first next(): LevelDB pins the snapshot at creation.
      iterator = this.db.iterator<string, Uint8Array>(options);
    } catch (err) {
      throw mapLevelError(err, this.location, 'iterate');
    }
    const location = this.location;
    const explain = (err: StorageError) => this.explain(err);
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            let rows: Array<[string, Uint8Array]>;
            try {
              rows = await iterator.nextv(256);
              for (const row of rows) row[1] = unframe(row[1], row[0], location);
            } catch (err) {
              throw await explain(mapLevelError(err, location, 'iterate'));
            }
            if (rows.length === 0) return;
            for (const row of rows) yield row;
          }
        } finally {
          await iterator.close();
        }
      },
    };
  }

  async write(ops: readonly EngineOp[]): Promise<void> {
    try {
      await this.db.batch(
        ops.map((op) =>
          op.type === 'put'
            ? { type: 'put', key: op.key, value: frame(op.value) }
            : { type: 'del', key: op.key },
        ),
        { sync: this.sync },
      );
    } catch (err) {
      throw mapLevelError(err, this.location, 'write');
    }
  }
}
