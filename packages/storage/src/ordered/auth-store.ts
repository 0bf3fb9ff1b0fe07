import type {
  PermissionRecord,
  PermissionStore,
  RoleRecord,
  RoleStore,
  UserRecord,
  UserStore,
} from '../auth-store.js';
import { StorageError } from '../errors.js';
import type { Page, PageRequest } from '../page.js';
import { makePage } from '../text.js';
import { AUTH_LIMITS, checkString, validateLimit, validatePage, validatePasswordHash } from '../validate.js';
import { decodeJson, EMPTY, encodeJson } from './codec.js';
import type { Context } from './context.js';
import type { EngineOp, EngineRange } from './engine.js';
import { K, prefixRange, SEP } from './keys.js';

const USER_FIELDS = ['username', 'password', 'enabled'] as const;

/** Splits an index key (after its 2-character prefix) into its NUL-separated parts. */
function parts(key: string): string[] {
  return key.slice(2).split(SEP);
}

/** Pages through a key range: counts it, then reads only the window. */
async function pageKeys(ctx: Context, range: EngineRange, page: PageRequest): Promise<Page<string>> {
  const start = (page.pageNo - 1) * page.pageSize;
  const total = await ctx.count(range);
  const window = start < total ? await ctx.collect({ ...range, limit: start + page.pageSize }) : [];
  return makePage(
    total,
    page,
    window.slice(start).map(([k]) => k),
  );
}

const user = (u: unknown) => checkString('username', u, AUTH_LIMITS.username, true);
const role = (r: unknown) => checkString('role', r, AUTH_LIMITS.role, true);

/** {@link UserStore} over an ordered engine. */
export class OrderedUserStore implements UserStore {
  constructor(private readonly ctx: Context) {}

  private async read(username: string): Promise<UserRecord | undefined> {
    const key = K.user(username);
    const bytes = await this.ctx.get(key);
    return bytes === undefined ? undefined : decodeJson<UserRecord>(bytes, key, USER_FIELDS);
  }

  create(input: { username: string; password: string; enabled?: boolean }): Promise<UserRecord> {
    user(input.username);
    validatePasswordHash(input.password);
    if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'enabled must be a boolean');
    }
    return this.ctx.exclusive(async () => {
      if ((await this.read(input.username)) !== undefined) {
        throw new StorageError('STORAGE_CONFLICT', `user ${JSON.stringify(input.username)} already exists`);
      }
      const record: UserRecord = {
        username: input.username,
        password: input.password,
        enabled: input.enabled ?? true,
      };
      await this.ctx.write([{ type: 'put', key: K.user(input.username), value: encodeJson(record) }]);
      return record;
    });
  }

  async get(username: string): Promise<UserRecord | undefined> {
    user(username);
    this.ctx.checkOpen();
    return this.read(username);
  }

  updatePassword(username: string, passwordHash: string): Promise<void> {
    user(username);
    validatePasswordHash(passwordHash);
    return this.ctx.exclusive(async () => {
      const old = await this.read(username);
      if (old === undefined)
        throw new StorageError('STORAGE_NOT_FOUND', `user ${JSON.stringify(username)} does not exist`);
      await this.ctx.write([
        { type: 'put', key: K.user(username), value: encodeJson({ ...old, password: passwordHash }) },
      ]);
    });
  }

  delete(username: string): Promise<boolean> {
    user(username);
    return this.ctx.exclusive(async () => {
      if ((await this.read(username)) === undefined) return false;
      const ops: EngineOp[] = [{ type: 'del', key: K.user(username) }];
      for (const [k] of await this.ctx.collect(prefixRange(K.roleByUser(username, '')))) {
        const [, r = ''] = parts(k);
        ops.push({ type: 'del', key: k }, { type: 'del', key: K.role(r, username) });
      }
      await this.ctx.write(ops);
      return true;
    });
  }

  async list(page: PageRequest): Promise<Page<UserRecord>> {
    validatePage(page);
    this.ctx.checkOpen();
    const keys = await pageKeys(this.ctx, prefixRange('u!'), page);
    const items: UserRecord[] = [];
    for (const k of keys.pageItems) {
      const u = await this.read(k.slice(2));
      if (u !== undefined) items.push(u);
    }
    return { ...keys, pageItems: items };
  }

  async search(fragment: string, limit: number): Promise<readonly string[]> {
    checkString('fragment', fragment, AUTH_LIMITS.username, false);
    validateLimit(limit, 1000);
    this.ctx.checkOpen();
    const out: string[] = [];
    for await (const [k] of this.ctx.iterate(prefixRange('u!'))) {
      const name = k.slice(2);
      if (name.includes(fragment)) out.push(name);
      if (out.length >= limit) break;
    }
    return out;
  }
}

/** {@link RoleStore} over an ordered engine. */
export class OrderedRoleStore implements RoleStore {
  constructor(private readonly ctx: Context) {}

  add(binding: RoleRecord): Promise<void> {
    role(binding.role);
    user(binding.username);
    return this.ctx.exclusive(async () => {
      if ((await this.ctx.get(K.role(binding.role, binding.username))) !== undefined) {
        throw new StorageError(
          'STORAGE_CONFLICT',
          `user ${JSON.stringify(binding.username)} already has role ${JSON.stringify(binding.role)}`,
        );
      }
      await this.ctx.write([
        { type: 'put', key: K.role(binding.role, binding.username), value: EMPTY },
        { type: 'put', key: K.roleByUser(binding.username, binding.role), value: EMPTY },
      ]);
    });
  }

  delete(r: string, username?: string): Promise<number> {
    role(r);
    if (username !== undefined) user(username);
    return this.ctx.exclusive(async () => {
      const keys =
        username === undefined
          ? (await this.ctx.collect(prefixRange(K.role(r, '')))).map(([k]) => k)
          : (await this.ctx.get(K.role(r, username))) === undefined
            ? []
            : [K.role(r, username)];
      const ops: EngineOp[] = [];
      for (const k of keys) {
        const [, u = ''] = parts(k);
        ops.push({ type: 'del', key: k }, { type: 'del', key: K.roleByUser(u, r) });
      }
      await this.ctx.write(ops);
      return keys.length;
    });
  }

  async list(page: PageRequest, filter: { username?: string } = {}): Promise<Page<RoleRecord>> {
    validatePage(page);
    this.ctx.checkOpen();
    if (filter.username !== undefined && filter.username !== '') {
      user(filter.username);
      const keys = await pageKeys(this.ctx, prefixRange(K.roleByUser(filter.username, '')), page);
      return {
        ...keys,
        pageItems: keys.pageItems.map((k) => ({ role: parts(k)[1] ?? '', username: parts(k)[0] ?? '' })),
      };
    }
    const keys = await pageKeys(this.ctx, prefixRange('r!'), page);
    return {
      ...keys,
      pageItems: keys.pageItems.map((k) => ({ role: parts(k)[0] ?? '', username: parts(k)[1] ?? '' })),
    };
  }

  async listByUsername(username: string): Promise<readonly RoleRecord[]> {
    user(username);
    this.ctx.checkOpen();
    const rows = await this.ctx.collect(prefixRange(K.roleByUser(username, '')));
    return rows.map(([k]) => ({ role: parts(k)[1] ?? '', username }));
  }

  async search(fragment: string, limit: number): Promise<readonly string[]> {
    checkString('fragment', fragment, AUTH_LIMITS.role, false);
    validateLimit(limit, 1000);
    this.ctx.checkOpen();
    const out: string[] = [];
    let last: string | undefined;
    for await (const [k] of this.ctx.iterate(prefixRange('r!'))) {
      const r = parts(k)[0] ?? '';
      if (r === last) continue;
      last = r;
      if (r.includes(fragment)) out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }
}

function checkPermission(p: PermissionRecord): void {
  role(p.role);
  checkString('resource', p.resource, AUTH_LIMITS.resource, true);
  checkString('action', p.action, AUTH_LIMITS.action, true);
}

/** {@link PermissionStore} over an ordered engine. */
export class OrderedPermissionStore implements PermissionStore {
  constructor(private readonly ctx: Context) {}

  add(p: PermissionRecord): Promise<void> {
    checkPermission(p);
    return this.ctx.exclusive(async () => {
      const key = K.permission(p.role, p.resource, p.action);
      if ((await this.ctx.get(key)) !== undefined) {
        throw new StorageError('STORAGE_CONFLICT', 'permission already exists');
      }
      await this.ctx.write([{ type: 'put', key, value: EMPTY }]);
    });
  }

  delete(p: PermissionRecord): Promise<boolean> {
    checkPermission(p);
    return this.ctx.exclusive(async () => {
      const key = K.permission(p.role, p.resource, p.action);
      if ((await this.ctx.get(key)) === undefined) return false;
      await this.ctx.write([{ type: 'del', key }]);
      return true;
    });
  }

  async list(page: PageRequest, filter: { role?: string } = {}): Promise<Page<PermissionRecord>> {
    validatePage(page);
    this.ctx.checkOpen();
    const range =
      filter.role !== undefined && filter.role !== ''
        ? prefixRange(`p!${role(filter.role)}${SEP}`)
        : prefixRange('p!');
    const keys = await pageKeys(this.ctx, range, page);
    return { ...keys, pageItems: keys.pageItems.map(toPermission) };
  }

  async listByRoles(roles: readonly string[]): Promise<readonly PermissionRecord[]> {
    if (!Array.isArray(roles) || roles.length > 1000) {
      throw new StorageError('STORAGE_INVALID_ARGUMENT', 'roles must be an array of at most 1000');
    }
    for (const r of roles) role(r);
    this.ctx.checkOpen();
    const out: PermissionRecord[] = [];
    for (const r of new Set(roles)) {
      const rows = await this.ctx.collect(prefixRange(`p!${r}${SEP}`));
      for (const [k] of rows) out.push(toPermission(k));
    }
    return out;
  }
}

function toPermission(k: string): PermissionRecord {
  const [r = '', resource = '', action = ''] = parts(k);
  return { role: r, resource, action };
}
