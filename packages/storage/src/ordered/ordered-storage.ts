import type { PermissionStore, RoleStore, UserStore } from '../auth-store.js';
import type { ConfigStore } from '../config-store.js';
import { StorageError } from '../errors.js';
import type { ConfigHistoryStore } from '../history-store.js';
import type { NamespaceStore } from '../namespace-store.js';
import type { NamingStore } from '../naming-store.js';
import type { FaultInjector, Storage, StorageSnapshot, StorageSupports } from '../storage.js';
import { OrderedPermissionStore, OrderedRoleStore, OrderedUserStore } from './auth-store.js';
import { decodeText, encodeText } from './codec.js';
import { OrderedConfigStore } from './config-store.js';
import { Context } from './context.js';
import type { OrderedEngine } from './engine.js';
import { OrderedHistoryStore } from './history-store.js';
import { K } from './keys.js';
import { OrderedKvStore } from './kv-store.js';
import { OrderedNamespaceStore } from './namespace-store.js';
import { OrderedNamingStore } from './naming-store.js';
import { dropStaleGenerations, generationPrefix, liveGeneration, OrderedSnapshot } from './snapshot.js';

/** The layout version written at `m!version`; a store with another version refuses to open. */
export const LAYOUT_VERSION = '1';

/** Options of {@link OrderedStorage}. */
export interface OrderedStorageOptions {
  readonly engine: OrderedEngine;
  /** What the adapter can do (see {@link StorageSupports}). */
  readonly supports: StorageSupports;
  /** Clock for changes without an explicit `time` (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * Every store of {@link Storage} built over one {@link OrderedEngine}. `MemoryStorage` and
 * `@reg/storage-level`'s `LevelStorage` are this class over their engines, so they share one
 * implementation of the contracts and differ only in where bytes live.
 */
export class OrderedStorage implements Storage {
  readonly supports: StorageSupports;
  readonly configs: ConfigStore;
  readonly history: ConfigHistoryStore;
  readonly namespaces: NamespaceStore;
  readonly users: UserStore;
  readonly roles: RoleStore;
  readonly permissions: PermissionStore;
  readonly naming: NamingStore;
  readonly kv: OrderedKvStore;
  readonly faults?: FaultInjector;
  readonly snapshot?: StorageSnapshot;
  private readonly ctx: Context;
  private opening: Promise<void> | undefined;
  private closed = false;

  constructor(options: OrderedStorageOptions) {
    this.supports = options.supports;
    this.ctx = new Context(options.engine, options.now ?? Date.now);
    this.configs = new OrderedConfigStore(this.ctx);
    this.history = new OrderedHistoryStore(this.ctx);
    this.namespaces = new OrderedNamespaceStore(this.ctx);
    this.users = new OrderedUserStore(this.ctx);
    this.roles = new OrderedRoleStore(this.ctx);
    this.permissions = new OrderedPermissionStore(this.ctx);
    this.naming = new OrderedNamingStore(this.ctx);
    this.kv = new OrderedKvStore(this.ctx);
    if (options.supports.faultInjection) this.faults = this.ctx.faults;
    if (options.supports.snapshot === true) this.snapshot = new OrderedSnapshot(this.ctx, LAYOUT_VERSION);
  }

  /** Opens the engine and checks the layout version. Idempotent; an instance cannot reopen after {@link close}. */
  open(): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError('STORAGE_CLOSED', 'storage is closed'));
    this.opening ??= this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    const { engine } = this.ctx;
    await engine.open();
    try {
      const gen = await liveGeneration(this.ctx);
      this.ctx.setGeneration(generationPrefix(gen));
      await dropStaleGenerations(this.ctx, gen);
      const version = await this.ctx.get(K.version);
      if (version === undefined) {
        await this.ctx.write([{ type: 'put', key: K.version, value: encodeText(LAYOUT_VERSION) }]);
      } else if (decodeText(version, K.version) !== LAYOUT_VERSION) {
        throw new StorageError(
          'STORAGE_CORRUPTED',
          `unsupported layout version ${JSON.stringify(decodeText(version, K.version))} (this build reads ${LAYOUT_VERSION})`,
          { location: K.version },
        );
      }
      this.ctx.setState('open');
      await this.kv.cleanup();
    } catch (err) {
      this.ctx.setState('closed');
      await engine.close().catch(() => undefined);
      throw err;
    }
  }

  /** Waits for writes in flight, then closes the engine. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.ctx.isOpen) {
      // Wait for a pending open so the engine is not left open behind our back.
      await this.opening?.catch(() => undefined);
      if (!this.ctx.isOpen) {
        this.ctx.setState('closed');
        return;
      }
    }
    await this.ctx.drain();
    this.ctx.setState('closed');
    await this.ctx.engine.close();
  }
}
