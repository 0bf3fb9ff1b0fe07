/** One key-value pair of the {@link KvStore}. */
export interface KvEntry {
  /** 1..1024 characters, no NUL. */
  readonly key: string;
  readonly value: Uint8Array;
}

/** One chunk of a {@link KvStore} export or import. */
export interface KvChunk {
  /** Entries in ascending key order, continuing where the previous chunk stopped. */
  readonly entries: readonly KvEntry[];
}

/** One operation of {@link KvStore.batch}. */
export type KvOp =
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: string };

/** A key range: `gte` inclusive, `lt` exclusive, both optional. */
export interface KvRange {
  readonly gte?: string;
  readonly lt?: string;
}

/** Options of {@link KvStore.export}. */
export interface KvExportOptions {
  /** Target chunk size in bytes of keys plus values (default 1 MiB). A single larger entry gets a chunk of its own. */
  readonly chunkBytes?: number;
}

/**
 * An ordered key-value space for Raft state-machine snapshots (and anything else the state machine
 * keeps). Keys order by Unicode code point (equal to UTF-8 byte order), never by UTF-16 unit.
 *
 * ## Contract
 * - {@link batch} is atomic. Values are copied on the way in and out.
 * - {@link export} streams a consistent view taken when it starts: later writes do not show.
 *   Chunks are bounded by `chunkBytes`, so memory stays flat for any store size.
 * - {@link import} replaces the whole space atomically: when it resolves the space holds exactly
 *   the imported entries; when it rejects (bad chunk, source error, crash) the space is unchanged.
 *   Chunks must be in strictly ascending key order across the whole stream, else
 *   `STORAGE_INVALID_ARGUMENT`.
 */
export interface KvStore {
  get(key: string): Promise<Uint8Array | undefined>;
  batch(ops: readonly KvOp[]): Promise<void>;
  /** Entries in `range`, ascending, at most `limit` (1..10000). */
  range(range: KvRange, limit: number): Promise<readonly KvEntry[]>;
  export(options?: KvExportOptions): AsyncIterable<KvChunk>;
  /** Resolves the number of entries imported. */
  import(source: AsyncIterable<KvChunk>): Promise<number>;
}
