import type { Page, PageRequest } from './page.js';

/**
 * A user (Nacos `users` row).
 *
 * Passwords: the store holds **bcrypt hashes produced by the caller** (the auth layer) and never
 * sees a plaintext password. Why: the MySQL adapter reads and writes Nacos' own `users` table,
 * whose rows Nacos hashed with BCrypt (`$2a$10$...`), so the hash format is part of the data, not
 * an adapter detail; hashing is deliberately slow CPU work that belongs next to the login cache,
 * not inside a storage call; and a store that rejects anything that is not a bcrypt hash
 * (see `BCRYPT_HASH`) cannot be made to persist a plaintext password by mistake.
 */
export interface UserRecord {
  /** 1..50 characters. */
  readonly username: string;
  /** A bcrypt hash (`$2a$`, `$2b$` or `$2y$`, cost, 53 characters of salt and digest). */
  readonly password: string;
  readonly enabled: boolean;
}

/** A role binding (Nacos `roles` row); unique per `(username, role)`. */
export interface RoleRecord {
  readonly role: string;
  readonly username: string;
}

/** A permission (Nacos `permissions` row); unique per `(role, resource, action)`. */
export interface PermissionRecord {
  readonly role: string;
  /** e.g. `public:DEFAULT_GROUP:config/*`; up to 255 characters. */
  readonly resource: string;
  /** `r`, `w` or `rw` (stored as given, up to 8 characters). */
  readonly action: string;
}

/** Users. Ordering: {@link list} by username (code point order). */
export interface UserStore {
  /** Creates a user (enabled unless said otherwise); `STORAGE_CONFLICT` if the name exists. */
  create(user: { username: string; password: string; enabled?: boolean }): Promise<UserRecord>;
  get(username: string): Promise<UserRecord | undefined>;
  /** Replaces the hash; `STORAGE_NOT_FOUND` if the user does not exist. */
  updatePassword(username: string, passwordHash: string): Promise<void>;
  /** Removes the user and every role binding of it atomically; resolves whether it existed. */
  delete(username: string): Promise<boolean>;
  list(page: PageRequest): Promise<Page<UserRecord>>;
  /** Usernames containing `fragment` literally (case-sensitive), sorted, at most `limit`. */
  search(fragment: string, limit: number): Promise<readonly string[]>;
}

/** Role bindings. Ordering: {@link list} by `(role, username)`. */
export interface RoleStore {
  /** Binds a role to a user; `STORAGE_CONFLICT` if already bound. The user's existence is the caller's check. */
  add(binding: RoleRecord): Promise<void>;
  /** Removes one binding, or every binding of `role` when `username` is omitted; resolves the count removed. */
  delete(role: string, username?: string): Promise<number>;
  /** A page of bindings, optionally only those of `username`. */
  list(page: PageRequest, filter?: { username?: string }): Promise<Page<RoleRecord>>;
  /** Every binding of a user (the login path), by role. */
  listByUsername(username: string): Promise<readonly RoleRecord[]>;
  /** Distinct role names containing `fragment` literally, sorted, at most `limit`. */
  search(fragment: string, limit: number): Promise<readonly string[]>;
}

/** Permissions. Ordering: {@link list} by `(role, resource, action)`. */
export interface PermissionStore {
  /** `STORAGE_CONFLICT` if the exact triple exists. */
  add(permission: PermissionRecord): Promise<void>;
  /** Resolves whether the triple existed. */
  delete(permission: PermissionRecord): Promise<boolean>;
  /** A page of permissions, optionally only those of `role`. */
  list(page: PageRequest, filter?: { role?: string }): Promise<Page<PermissionRecord>>;
  /** Every permission of the given roles (the authorisation path). */
  listByRoles(roles: readonly string[]): Promise<readonly PermissionRecord[]>;
}
