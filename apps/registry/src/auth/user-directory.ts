import { hasStorageCode, type Storage, type UserRecord } from '@reg/storage';
import { GLOBAL_ADMIN_ROLE } from './auth-commands.js';
import type { PermissionGrant } from './permission-matcher.js';

/** A user as authorisation sees it. */
export interface Principal {
  readonly username: string;
  /** The stored bcrypt hash (for password checks; never sent anywhere). */
  readonly passwordHash: string;
  readonly roles: readonly string[];
  readonly globalAdmin: boolean;
  readonly permissions: readonly PermissionGrant[];
}

export interface UserDirectoryOptions {
  /** How long a looked-up user (or its absence) is reused; 0 disables caching. */
  readonly ttlMs: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly principal: Principal | undefined;
  readonly until: number;
}

/**
 * Users with their roles and permissions, read from storage and cached briefly (Nacos reloads
 * its role cache every 15 s; we keep entries for `ttlMs`). Every auth change applied on this
 * member calls {@link invalidate}, so a deleted user's tokens stop working at once here; other
 * members sharing a MySQL database see the change within `ttlMs`. Disabled users count as absent.
 */
export class UserDirectory {
  readonly #storage: Storage;
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  /** Bumped by invalidate(): a lookup that started before it must not repopulate the cache. */
  #generation = 0;

  constructor(storage: Storage, options: UserDirectoryOptions) {
    this.#storage = storage;
    this.#ttlMs = options.ttlMs;
    this.#max = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async get(username: string): Promise<Principal | undefined> {
    const cached = this.#entries.get(username);
    if (cached !== undefined && cached.until > this.#now()) return cached.principal;
    const generation = this.#generation;
    const principal = await this.#load(username);
    if (this.#ttlMs > 0 && generation === this.#generation) {
      if (this.#entries.size >= this.#max) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      this.#entries.delete(username);
      this.#entries.set(username, { principal, until: this.#now() + this.#ttlMs });
    }
    return principal;
  }

  /** Drops every cached user: roles and permissions are shared, so one change can affect many users. */
  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
  }

  async #load(username: string): Promise<Principal | undefined> {
    let user: UserRecord | undefined;
    try {
      user = await this.#storage.users.get(username);
    } catch (err) {
      // A name the store refuses (too long, NUL) belongs to nobody; other failures propagate.
      if (!hasStorageCode(err, 'STORAGE_INVALID_ARGUMENT')) throw err;
    }
    if (user === undefined || !user.enabled) return undefined;
    const roles = (await this.#storage.roles.listByUsername(username)).map((r) => r.role);
    const globalAdmin = roles.includes(GLOBAL_ADMIN_ROLE);
    const permissions =
      globalAdmin || roles.length === 0 ? [] : await this.#storage.permissions.listByRoles(roles);
    return {
      username,
      passwordHash: user.password,
      roles,
      globalAdmin,
      permissions: permissions.map((p) => ({ resource: p.resource, action: p.action })),
    };
  }
}
