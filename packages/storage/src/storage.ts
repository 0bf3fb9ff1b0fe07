import type { PermissionStore, RoleStore, UserStore } from './auth-store.js';
import type { ConfigStore } from './config-store.js';
import type { ConfigHistoryStore } from './history-store.js';
import type { KvChunk, KvExportOptions, KvStore } from './kv-store.js';
import type { NamespaceStore } from './namespace-store.js';
import type { NamingStore } from './naming-store.js';

/**
 * Optional capabilities of an adapter. The conformance suite runs the cases a flag enables and
 * skips the others, so an adapter states honestly what it can do (abstract-level's `supports`).
 */
export interface StorageSupports {
  /** Data survives `close()` and a new instance over the same location (false for memory). */
  readonly persistent: boolean;
  /** Strings may hold characters outside the BMP (4-byte UTF-8, e.g. emoji); false for MySQL `utf8` (utf8mb3) tables. */
  readonly fourByteUtf8: boolean;
  /** {@link Storage.faults} is present, so the suite can prove atomicity by failing writes half way. */
  readonly faultInjection: boolean;
  /** {@link Storage.snapshot} is present (whole-store export and atomic import). Default false. */
  readonly snapshot?: boolean;
}

/**
 * A whole-store snapshot: what a Raft state machine whose state lives in this store hands to a
 * lagging follower (export on the leader, import on the follower). Optional capability: present
 * when `supports.snapshot` is true (the embedded adapters; a shared MySQL database needs none).
 *
 * The chunks are opaque and adapter-specific (they carry the key layout and its version): import
 * them only into the same adapter type. Import checks the layout version and refuses others.
 */
export interface StorageSnapshot {
  /**
   * Streams every record of every store as of one moment (writes after the stream started do not
   * show), in bounded chunks (`chunkBytes`, default 1 MiB).
   */
  export(options?: KvExportOptions): AsyncIterable<KvChunk>;
  /**
   * Replaces the whole store with a stream from {@link export}, atomically: when it resolves the
   * store holds exactly the snapshot (ids continue from it); when it rejects (bad chunk, source
   * error, crash) the store is unchanged. Writes wait while it runs. Resolves the entry count.
   */
  import(source: AsyncIterable<KvChunk>): Promise<number>;
}

/** Where {@link FaultInjector} makes the next write fail. */
export type FaultPoint =
  /**
   * The next config publish or delete fails after the config change was prepared (and, where the
   * engine allows, partly applied) but before its history row landed and the write committed.
   */
  | 'config-write'
  /** The next KV import fails after at least one chunk was written to the engine, before the switch-over. */
  | 'kv-import'
  /** The next whole-store snapshot import fails after at least one chunk was written, before the switch-over. */
  | 'snapshot-import';

/**
 * A test hook that makes chosen writes fail half way with `STORAGE_INJECTED_FAULT`. Adapters
 * expose it only when asked to (it is never on by default in production builds of the registry).
 */
export interface FaultInjector {
  /** Arms a one-shot failure at `point`. */
  failNext(point: FaultPoint): void;
  /** Disarms every pending failure. */
  clear(): void;
}

/**
 * Everything the registry persists, as focused stores over one engine.
 *
 * ## Lifecycle
 * Construct, then `await open()` (idempotent; creates or validates the schema or files). Every
 * store method rejects with `STORAGE_CLOSED` before `open()` and after `close()`. `close()` waits
 * for writes in flight, releases files and connections, and is idempotent.
 *
 * ## Errors
 * Every rejection is a `StorageError` (match on `code`); engine failures are wrapped with
 * `{ cause }` as `STORAGE_IO`, damaged data as `STORAGE_CORRUPTED` naming the file or row.
 */
export interface Storage {
  readonly supports: StorageSupports;
  readonly configs: ConfigStore;
  readonly history: ConfigHistoryStore;
  readonly namespaces: NamespaceStore;
  readonly users: UserStore;
  readonly roles: RoleStore;
  readonly permissions: PermissionStore;
  readonly naming: NamingStore;
  readonly kv: KvStore;
  /** Present when `supports.faultInjection` is true. */
  readonly faults?: FaultInjector;
  /** Present when `supports.snapshot` is true. */
  readonly snapshot?: StorageSnapshot;
  open(): Promise<void>;
  close(): Promise<void>;
}
