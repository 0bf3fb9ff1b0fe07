import {
  AUTH_LIMITS,
  checkString,
  makePage,
  type Page,
  type PageRequest,
  type PermissionRecord,
  type PermissionStore,
  type RoleRecord,
  type RoleStore,
  StorageError,
  type UserRecord,
  type UserStore,
  validateLimit,
  validatePage,
  validatePasswordHash,
} from '@reg/storage';
import type { Row } from './config-rows.js';
import { checkFourByte, escapeLike, type StoreContext } from './context.js';
import { isDuplicateKey } from './errors.js';

/** The most names one `search` returns. */
const SEARCH_MAX = 1000;

function conflict(what: string, err: unknown): never {
  if (isDuplicateKey(err))
    throw new StorageError('STORAGE_CONFLICT', `${what} already exists`, { cause: err });
  throw err;
}

function toUser(row: Row): UserRecord {
  return {
    username: String(row.username),
    password: String(row.password),
    enabled: Number(row.enabled) !== 0 && row.enabled !== false,
  };
}

/** {@link UserStore} over Nacos' `users`. Holds bcrypt hashes only (the caller hashes). */
export class MysqlUserStore implements UserStore {
  constructor(private readonly ctx: StoreContext) {}

  async create(user: { username: string; password: string; enabled?: boolean }): Promise<UserRecord> {
    if (typeof user !== 'object' || user === null)
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'user must be an object');
    checkString('username', user.username, AUTH_LIMITS.username, true);
    validatePasswordHash(user.password);
    if (user.enabled !== undefined && typeof user.enabled !== 'boolean')
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'enabled must be a boolean');
    checkFourByte(this.ctx, { username: user.username });
    const record: UserRecord = {
      username: user.username,
      password: user.password,
      enabled: user.enabled ?? true,
    };
    return this.ctx.cluster.write('create user', async (sql) => {
      const rows = await sql.query<Row[]>('SELECT username FROM users WHERE username = BINARY ? FOR UPDATE', [
        user.username,
      ]);
      if (rows.length > 0)
        throw new StorageError('STORAGE_CONFLICT', `user ${JSON.stringify(user.username)} already exists`);
      try {
        await sql.query('INSERT INTO users (username, password, enabled) VALUES (?, ?, ?)', [
          record.username,
          record.password,
          record.enabled,
        ]);
      } catch (err) {
        conflict(`user ${JSON.stringify(user.username)}`, err);
      }
      return record;
    });
  }

  async get(username: string): Promise<UserRecord | undefined> {
    checkString('username', username, AUTH_LIMITS.username, false);
    return this.ctx.cluster.read('read user', async (sql) => {
      const rows = await sql.query<Row[]>(
        'SELECT username, password, enabled FROM users WHERE username = BINARY ?',
        [username],
      );
      const row = rows[0];
      return row === undefined ? undefined : toUser(row);
    });
  }

  async updatePassword(username: string, passwordHash: string): Promise<void> {
    checkString('username', username, AUTH_LIMITS.username, true);
    validatePasswordHash(passwordHash);
    await this.ctx.cluster.write('update user password', async (sql) => {
      const rows = await sql.query<Row[]>('SELECT username FROM users WHERE username = BINARY ? FOR UPDATE', [
        username,
      ]);
      if (rows.length === 0)
        throw new StorageError('STORAGE_NOT_FOUND', `user ${JSON.stringify(username)} does not exist`);
      await sql.query('UPDATE users SET password = ? WHERE username = BINARY ?', [passwordHash, username]);
    });
  }

  async delete(username: string): Promise<boolean> {
    checkString('username', username, AUTH_LIMITS.username, false);
    return this.ctx.cluster.write('delete user', async (sql) => {
      const res = await sql.query<{ affectedRows: number }>('DELETE FROM users WHERE username = BINARY ?', [
        username,
      ]);
      // The user and its role bindings go together (one transaction).
      await sql.query('DELETE FROM roles WHERE username = BINARY ?', [username]);
      return Number(res.affectedRows) > 0;
    });
  }

  async list(page: PageRequest): Promise<Page<UserRecord>> {
    validatePage(page);
    return this.ctx.cluster.read('list users', async (sql) => {
      const [countRow] = await sql.query<Row[]>('SELECT COUNT(*) AS n FROM users');
      const total = Number(countRow?.n ?? 0);
      const offset = (page.pageNo - 1) * page.pageSize;
      if (offset >= total) return makePage<UserRecord>(total, page, []);
      const rows = await sql.query<Row[]>(
        'SELECT username, password, enabled FROM users ORDER BY BINARY username LIMIT ? OFFSET ?',
        [page.pageSize, offset],
      );
      return makePage(total, page, rows.map(toUser));
    });
  }

  async search(fragment: string, limit: number): Promise<readonly string[]> {
    checkString('fragment', fragment, AUTH_LIMITS.username, false);
    validateLimit(limit, SEARCH_MAX);
    return this.ctx.cluster.read('search users', async (sql) => {
      const rows = await sql.query<Row[]>(
        "SELECT username FROM users WHERE BINARY username LIKE BINARY ? ESCAPE '|' ORDER BY BINARY username LIMIT ?",
        [`%${escapeLike(fragment)}%`, limit],
      );
      return rows.map((r) => String(r.username));
    });
  }
}

/** {@link RoleStore} over Nacos' `roles`. */
export class MysqlRoleStore implements RoleStore {
  constructor(private readonly ctx: StoreContext) {}

  async add(binding: RoleRecord): Promise<void> {
    if (typeof binding !== 'object' || binding === null)
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'role binding must be an object');
    checkString('role', binding.role, AUTH_LIMITS.role, true);
    checkString('username', binding.username, AUTH_LIMITS.username, true);
    checkFourByte(this.ctx, { role: binding.role, username: binding.username });
    await this.ctx.cluster.write('add role', async (sql) => {
      const rows = await sql.query<Row[]>(
        'SELECT role FROM roles WHERE role = BINARY ? AND username = BINARY ? FOR UPDATE',
        [binding.role, binding.username],
      );
      if (rows.length > 0)
        throw new StorageError(
          'STORAGE_CONFLICT',
          `role ${JSON.stringify(binding.role)} is already bound to ${JSON.stringify(binding.username)}`,
        );
      try {
        await sql.query('INSERT INTO roles (role, username) VALUES (?, ?)', [binding.role, binding.username]);
      } catch (err) {
        conflict(`role binding ${JSON.stringify(binding.role)}/${JSON.stringify(binding.username)}`, err);
      }
    });
  }

  async delete(role: string, username?: string): Promise<number> {
    checkString('role', role, AUTH_LIMITS.role, false);
    if (username !== undefined) checkString('username', username, AUTH_LIMITS.username, false);
    return this.ctx.cluster.write('delete role', async (sql) => {
      const res =
        username === undefined
          ? await sql.query<{ affectedRows: number }>('DELETE FROM roles WHERE role = BINARY ?', [role])
          : await sql.query<{ affectedRows: number }>(
              'DELETE FROM roles WHERE role = BINARY ? AND username = BINARY ?',
              [role, username],
            );
      return Number(res.affectedRows);
    });
  }

  async list(page: PageRequest, filter: { username?: string } = {}): Promise<Page<RoleRecord>> {
    validatePage(page);
    if (filter.username !== undefined) checkString('username', filter.username, AUTH_LIMITS.username, false);
    const where = filter.username === undefined ? '' : ' WHERE username = BINARY ?';
    const params = filter.username === undefined ? [] : [filter.username];
    return this.ctx.cluster.read('list roles', async (sql) => {
      const [countRow] = await sql.query<Row[]>(`SELECT COUNT(*) AS n FROM roles${where}`, params);
      const total = Number(countRow?.n ?? 0);
      const offset = (page.pageNo - 1) * page.pageSize;
      if (offset >= total) return makePage<RoleRecord>(total, page, []);
      const rows = await sql.query<Row[]>(
        `SELECT role, username FROM roles${where} ORDER BY BINARY role, BINARY username LIMIT ? OFFSET ?`,
        [...params, page.pageSize, offset],
      );
      return makePage(
        total,
        page,
        rows.map((r) => ({ role: String(r.role), username: String(r.username) })),
      );
    });
  }

  async listByUsername(username: string): Promise<readonly RoleRecord[]> {
    checkString('username', username, AUTH_LIMITS.username, false);
    return this.ctx.cluster.read('list roles of user', async (sql) => {
      const rows = await sql.query<Row[]>(
        'SELECT role, username FROM roles WHERE username = BINARY ? ORDER BY BINARY role',
        [username],
      );
      return rows.map((r) => ({ role: String(r.role), username: String(r.username) }));
    });
  }

  async search(fragment: string, limit: number): Promise<readonly string[]> {
    checkString('fragment', fragment, AUTH_LIMITS.role, false);
    validateLimit(limit, SEARCH_MAX);
    return this.ctx.cluster.read('search roles', async (sql) => {
      const rows = await sql.query<Row[]>(
        "SELECT DISTINCT role FROM roles WHERE BINARY role LIKE BINARY ? ESCAPE '|' ORDER BY BINARY role LIMIT ?",
        [`%${escapeLike(fragment)}%`, limit],
      );
      return rows.map((r) => String(r.role));
    });
  }
}

function checkPermission(p: PermissionRecord): void {
  if (typeof p !== 'object' || p === null)
    throw new StorageError('STORAGE_INVALID_ARGUMENT', 'permission must be an object');
  checkString('role', p.role, AUTH_LIMITS.role, true);
  checkString('resource', p.resource, AUTH_LIMITS.resource, true);
  checkString('action', p.action, AUTH_LIMITS.action, true);
}

const toPermission = (r: Row): PermissionRecord => ({
  role: String(r.role),
  resource: String(r.resource),
  action: String(r.action),
});

/** {@link PermissionStore} over Nacos' `permissions`. */
export class MysqlPermissionStore implements PermissionStore {
  constructor(private readonly ctx: StoreContext) {}

  async add(p: PermissionRecord): Promise<void> {
    checkPermission(p);
    checkFourByte(this.ctx, { role: p.role, resource: p.resource, action: p.action });
    await this.ctx.cluster.write('add permission', async (sql) => {
      const rows = await sql.query<Row[]>(
        'SELECT role FROM permissions WHERE role = BINARY ? AND resource = BINARY ? AND action = BINARY ? FOR UPDATE',
        [p.role, p.resource, p.action],
      );
      if (rows.length > 0) throw new StorageError('STORAGE_CONFLICT', 'permission already exists');
      try {
        await sql.query('INSERT INTO permissions (role, resource, action) VALUES (?, ?, ?)', [
          p.role,
          p.resource,
          p.action,
        ]);
      } catch (err) {
        conflict('permission', err);
      }
    });
  }

  async delete(p: PermissionRecord): Promise<boolean> {
    checkPermission(p);
    return this.ctx.cluster.write('delete permission', async (sql) => {
      const res = await sql.query<{ affectedRows: number }>(
        'DELETE FROM permissions WHERE role = BINARY ? AND resource = BINARY ? AND action = BINARY ?',
        [p.role, p.resource, p.action],
      );
      return Number(res.affectedRows) > 0;
    });
  }

  async list(page: PageRequest, filter: { role?: string } = {}): Promise<Page<PermissionRecord>> {
    validatePage(page);
    if (filter.role !== undefined) checkString('role', filter.role, AUTH_LIMITS.role, false);
    const where = filter.role === undefined ? '' : ' WHERE role = BINARY ?';
    const params = filter.role === undefined ? [] : [filter.role];
    return this.ctx.cluster.read('list permissions', async (sql) => {
      const [countRow] = await sql.query<Row[]>(`SELECT COUNT(*) AS n FROM permissions${where}`, params);
      const total = Number(countRow?.n ?? 0);
      const offset = (page.pageNo - 1) * page.pageSize;
      if (offset >= total) return makePage<PermissionRecord>(total, page, []);
      const rows = await sql.query<Row[]>(
        `SELECT role, resource, action FROM permissions${where} ORDER BY BINARY role, BINARY resource, BINARY action LIMIT ? OFFSET ?`,
        [...params, page.pageSize, offset],
      );
      return makePage(total, page, rows.map(toPermission));
    });
  }

  async listByRoles(roles: readonly string[]): Promise<readonly PermissionRecord[]> {
    if (!Array.isArray(roles)) throw new StorageError('STORAGE_INVALID_ARGUMENT', 'roles must be an array');
    if (roles.length > 1000) throw new StorageError('STORAGE_INVALID_ARGUMENT', 'at most 1000 roles');
    for (const r of roles) checkString('role', r, AUTH_LIMITS.role, false);
    if (roles.length === 0) return [];
    const unique = [...new Set(roles)];
    return this.ctx.cluster.read('list permissions of roles', async (sql) => {
      const rows = await sql.query<Row[]>(
        `SELECT role, resource, action FROM permissions WHERE BINARY role IN (${unique.map(() => 'BINARY ?').join(', ')}) ORDER BY BINARY role, BINARY resource, BINARY action`,
        unique,
      );
      return rows.map(toPermission);
    });
  }
}
