/** One write of an {@link OrderedEngine} batch. Keys are strings, values bytes. */
export type EngineOp =
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: string };

/** Options of {@link OrderedEngine.iterate}. `gte` inclusive, `lt` exclusive. */
export interface EngineRange {
  readonly gte?: string;
  readonly lt?: string;
  readonly reverse?: boolean;
  /** Stop after this many entries. */
  readonly limit?: number;
}

/**
 * The small ordered key-value engine that {@link OrderedStorage} builds every store on. Implement
 * these five methods over any sorted store (LevelDB, LMDB, RocksDB) and you get all of `Storage`,
 * passing the conformance suite, with the key layout documented in `@reg/storage-level`'s README.
 *
 * ## Contract
 * - Keys order by Unicode code point (UTF-8 byte order).
 * - {@link write} is atomic: after it settles (also after a crash) either every op applied or none.
 * - {@link iterate} reads a consistent snapshot taken when it is called.
 * - Failures reject with a `StorageError` (`STORAGE_IO`, `STORAGE_CORRUPTED` naming the file).
 */
export interface OrderedEngine {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  iterate(range: EngineRange): AsyncIterable<readonly [string, Uint8Array]>;
  write(ops: readonly EngineOp[]): Promise<void>;
}
