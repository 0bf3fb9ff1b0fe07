import { randomBytes } from 'node:crypto';
import { AUTH_LIMITS, type Page, type PermissionRecord, type RoleRecord, type Storage } from '@reg/storage';
import { RegistryError } from '../errors.js';
import {
  ADMIN_USERNAME,
  type AuthCommand,
  type AuthRefusal,
  type AuthResult,
  checkAction,
  checkName,
  GLOBAL_ADMIN_ROLE,
} from './auth-commands.js';
import type { AuthWriter } from './auth-writer.js';
import { type Authenticator, AuthNotReady } from './authenticator.js';
import { hashPassword, passwordProblem } from './password-hasher.js';
import type { TokenService } from './token-service.js';

/** Most names a console search returns. */
const SEARCH_LIMIT = 1000;
/** Shortest password accepted for the admin set through `POST /v1/auth/users/admin`. */
export const MIN_ADMIN_PASSWORD_LENGTH = 8;

/** Nacos' login answer. */
export interface LoginAnswer {
  readonly accessToken: string;
  readonly tokenTtl: number;
  readonly globalAdmin: boolean;
  readonly username: string;
}

export interface AuthServiceParts {
  readonly storage: Storage;
  readonly writer: AuthWriter;
  readonly tokens: TokenService;
  readonly authenticator: Authenticator;
  /** Waits until this member has applied every acknowledged write (console reads see their own writes). */
  readonly readBarrier: () => Promise<void>;
}

function invalid(message: string): RegistryError {
  return new RegistryError('REG_AUTH_INVALID', message);
}

/** What the user, role and permission routes do, with Nacos' texts. */
export class AuthService {
  constructor(private readonly parts: AuthServiceParts) {}

  async login(username: string, password: string, address: string): Promise<LoginAnswer> {
    if (!this.parts.tokens.ready) throw new AuthNotReady();
    const principal = await this.parts.authenticator.login(username, password, address);
    const accessToken = this.parts.tokens.issue(principal.username);
    if (accessToken === undefined) throw new AuthNotReady();
    return {
      accessToken,
      tokenTtl: this.parts.tokens.ttlSeconds,
      globalAdmin: principal.globalAdmin,
      username: principal.username,
    };
  }

  async createUser(username: string, password: string): Promise<void> {
    checkName('username', username, AUTH_LIMITS.username);
    const problem = passwordProblem(password);
    if (problem !== undefined) throw invalid(problem);
    const result = await this.#submit({ op: 'createUser', username, hash: await hashPassword(password) });
    this.#expect(result, {
      'user-exists': `user '${username}' already exist!`,
      duplicate: `user '${username}' already exist!`,
    });
  }

  async deleteUser(username: string): Promise<void> {
    checkName('username', username, AUTH_LIMITS.username);
    this.#expect(await this.#submit({ op: 'deleteUser', username }), {
      'user-is-admin': `cannot delete admin: ${username}`,
    });
  }

  async setPassword(username: string, newPassword: string): Promise<void> {
    checkName('username', username, AUTH_LIMITS.username);
    const problem = passwordProblem(newPassword);
    if (problem !== undefined) throw invalid(problem);
    const result = await this.#submit({ op: 'setPassword', username, hash: await hashPassword(newPassword) });
    this.#expect(result, { 'user-missing': `user ${username} not exist!` });
  }

  async listUsers(pageNo: number, pageSize: number): Promise<Page<{ username: string }>> {
    await this.parts.readBarrier();
    const page = await this.parts.storage.users.list({ pageNo, pageSize });
    // Nacos sends the password hashes too; they stay on the server.
    return { ...page, pageItems: page.pageItems.map((u) => ({ username: u.username })) };
  }

  async searchUsers(fragment: string): Promise<readonly string[]> {
    await this.parts.readBarrier();
    return this.parts.storage.users.search(fragment, SEARCH_LIMIT);
  }

  async listRoles(pageNo: number, pageSize: number, username: string | undefined): Promise<Page<RoleRecord>> {
    await this.parts.readBarrier();
    return this.parts.storage.roles.list(
      { pageNo, pageSize },
      username === undefined ? undefined : { username },
    );
  }

  async searchRoles(fragment: string): Promise<readonly string[]> {
    await this.parts.readBarrier();
    return this.parts.storage.roles.search(fragment, SEARCH_LIMIT);
  }

  async addRole(role: string, username: string): Promise<void> {
    checkName('role', role, AUTH_LIMITS.role);
    checkName('username', username, AUTH_LIMITS.username);
    this.#expect(await this.#submit({ op: 'addRole', role, username }), {
      'admin-role': `role '${GLOBAL_ADMIN_ROLE}' is not permitted to create!`,
      'user-missing': `user '${username}' not found!`,
      duplicate: `user '${username}' already bound to the role '${role}'!`,
    });
  }

  async deleteRole(role: string, username: string | undefined): Promise<void> {
    checkName('role', role, AUTH_LIMITS.role);
    if (username !== undefined) checkName('username', username, AUTH_LIMITS.username);
    this.#expect(await this.#submit({ op: 'deleteRole', role, username: username ?? null }), {
      'admin-role': `role '${GLOBAL_ADMIN_ROLE}' cannot be removed`,
    });
  }

  async listPermissions(
    pageNo: number,
    pageSize: number,
    role: string | undefined,
  ): Promise<Page<PermissionRecord>> {
    await this.parts.readBarrier();
    return this.parts.storage.permissions.list(
      { pageNo, pageSize },
      role === undefined ? undefined : { role },
    );
  }

  async addPermission(role: string, resource: string, action: string): Promise<void> {
    const command = this.#permission('addPermission', role, resource, action);
    this.#expect(await this.#submit(command), {
      'role-missing': `role ${role} not found!`,
      duplicate: `permission already exist!`,
    });
  }

  async deletePermission(role: string, resource: string, action: string): Promise<void> {
    this.#expect(await this.#submit(this.#permission('deletePermission', role, resource, action)), {});
  }

  /**
   * Nacos 2.2.2+'s first-admin call: sets the `nacos` admin's password (given, or generated and
   * returned) only while no usable admin exists. Resolves undefined when one exists already.
   */
  async initAdmin(password: string | undefined): Promise<{ username: string; password: string } | undefined> {
    if (password !== undefined && password.length < MIN_ADMIN_PASSWORD_LENGTH) {
      throw invalid(`password must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`);
    }
    const problem = password === undefined ? undefined : passwordProblem(password);
    if (problem !== undefined) throw invalid(problem);
    const chosen = password ?? randomBytes(18).toString('base64url');
    const result = await this.#submit({ op: 'initAdmin', hash: await hashPassword(chosen) });
    return result.ok ? { username: ADMIN_USERNAME, password: chosen } : undefined;
  }

  #permission(
    op: 'addPermission' | 'deletePermission',
    role: string,
    resource: string,
    action: string,
  ): AuthCommand {
    return {
      op,
      role: checkName('role', role, AUTH_LIMITS.role),
      resource: checkName('resource', resource, AUTH_LIMITS.resource),
      action: checkAction(action),
    };
  }

  /**
   * Writes, then waits until this member has applied the write too: a write forwarded to the
   * leader is answered once the leader applied it, and this member's caches (a deleted user's
   * tokens) must not lag behind its own answer. The write stands if the wait fails.
   */
  async #submit(command: AuthCommand): Promise<AuthResult> {
    const result = await this.parts.writer.submit(command);
    await this.parts.readBarrier().catch(() => undefined);
    return result;
  }

  #expect(result: AuthResult, texts: Partial<Record<AuthRefusal, string>>): void {
    if (result.ok) return;
    throw invalid(texts[result.refusal] ?? `refused: ${result.refusal}`);
  }
}
