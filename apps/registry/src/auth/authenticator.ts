import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { NacosParams } from '../http/params.js';
import { ADMIN_USERNAME } from './auth-commands.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordChecker } from './password-hasher.js';
import type { TokenService } from './token-service.js';
import type { Principal, UserDirectory } from './user-directory.js';

/** A refusal with Nacos' text (`token expired!`, `unknown user!`...), answered 403. */
export class AccessDenied extends Error {
  override name = 'AccessDenied';
}

/** Signing is not possible yet (the cluster has not agreed on a token secret): answered 503. */
export class AuthNotReady extends Error {
  override name = 'AuthNotReady';
  constructor() {
    super('server is STARTING now, please try again later');
  }
}

/** Nacos' well-known default credential: never accepted, whatever the stored hash says. */
const DEFAULT_PASSWORD = 'nacos';
/** Checked against when a user is unknown, so both outcomes take one bcrypt comparison. */
const DUMMY_HASH = '$2a$10$MMowCEfVo5q8PUASarY4qunTp69W7TUjUsQ97.UFa1sHlvnk9EIXq';

export interface AuthenticatorParts {
  readonly tokens: TokenService;
  readonly users: UserDirectory;
  readonly passwords: PasswordChecker;
  readonly throttle: LoginThrottle;
  /** Lower-cased header name and value other members present; undefined when not configured. */
  readonly identity: { readonly header: string; readonly value: string } | undefined;
}

/**
 * Works out who is calling, in Nacos' order: `Authorization: Bearer <token>`, then the
 * `accessToken` parameter, then `username` + `password` parameters (an implicit login, which
 * the Node SDK does on every call). Unlike Nacos, the user a token names must still exist.
 */
export class Authenticator {
  constructor(private readonly parts: AuthenticatorParts) {}

  /** Whether the request carries the configured member identity (constant-time comparison). */
  isMember(request: FastifyRequest): boolean {
    const identity = this.parts.identity;
    if (identity === undefined) return false;
    const sent = request.headers[identity.header];
    if (typeof sent !== 'string') return false;
    const a = Buffer.from(sent);
    const b = Buffer.from(identity.value);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async identify(request: FastifyRequest, params: NacosParams): Promise<Principal> {
    const header = request.headers.authorization;
    let token: string | undefined;
    if (typeof header === 'string' && header.startsWith('Bearer ')) token = header.slice(7).trim();
    token ||= params.optional('accessToken');
    if (token) return this.fromToken(token);
    const username = params.optional('username');
    const password = params.raw('password');
    if (username === undefined || password === undefined || password === '') {
      throw new AccessDenied('user not found!');
    }
    return this.login(username, password, request.ip);
  }

  async fromToken(token: string): Promise<Principal> {
    if (!this.parts.tokens.ready) throw new AuthNotReady();
    const verdict = this.parts.tokens.verify(token);
    if (!verdict.ok)
      throw new AccessDenied(verdict.reason === 'expired' ? 'token expired!' : 'token invalid!');
    const principal = await this.parts.users.get(verdict.claims.sub);
    // A token outlives nothing: a deleted or disabled user's tokens stop working.
    if (principal === undefined) throw new AccessDenied('user not found!');
    return principal;
  }

  /** Checks a password (throttled per client address and user); `unknown user!` on any failure. */
  async login(username: string, password: string, address: string): Promise<Principal> {
    const { throttle, passwords, users } = this.parts;
    if (!throttle.allowed(address, username)) {
      throw new AccessDenied('too many failed logins, try again later');
    }
    const principal = await users.get(username);
    const ok =
      principal !== undefined &&
      !(username === ADMIN_USERNAME && password === DEFAULT_PASSWORD) &&
      (await passwords.check(username, password, principal.passwordHash));
    if (principal === undefined) await passwords.check(username, password, DUMMY_HASH);
    if (!ok || principal === undefined) {
      throttle.failed(address, username);
      throw new AccessDenied('unknown user!');
    }
    throttle.succeeded(address, username);
    return principal;
  }
}
