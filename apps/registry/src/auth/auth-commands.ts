import { AUTH_LIMITS, BCRYPT_HASH } from '@reg/storage';
import { RegistryError } from '../errors.js';

/** The global admin role (Nacos `ROLE_ADMIN`): passes every check, and only {@link AuthCommand} `initAdmin` grants it. */
export const GLOBAL_ADMIN_ROLE = 'ROLE_ADMIN';
/** Nacos' admin user name. */
export const ADMIN_USERNAME = 'nacos';
/** The actions a permission may grant, as Nacos' console offers them. */
export const PERMISSION_ACTIONS = ['r', 'w', 'rw'] as const;

/**
 * A change to users, roles, permissions or the shared token secret. Plain data: on embedded
 * storage it travels through the Raft log (the `auth` CP module), so passwords arrive already
 * hashed and nothing here depends on the member that applies it.
 */
export type AuthCommand =
  | { readonly op: 'createUser'; readonly username: string; readonly hash: string }
  | { readonly op: 'deleteUser'; readonly username: string }
  | { readonly op: 'setPassword'; readonly username: string; readonly hash: string }
  | { readonly op: 'addRole'; readonly role: string; readonly username: string }
  | { readonly op: 'deleteRole'; readonly role: string; readonly username: string | null }
  | {
      readonly op: 'addPermission';
      readonly role: string;
      readonly resource: string;
      readonly action: string;
    }
  | {
      readonly op: 'deletePermission';
      readonly role: string;
      readonly resource: string;
      readonly action: string;
    }
  /** Creates (or resets) the `nacos` user with `ROLE_ADMIN`, only while no user holds that role. */
  | { readonly op: 'initAdmin'; readonly hash: string }
  /** Stores the generated token secret (base64) unless one is stored already: the first writer wins. */
  | { readonly op: 'initSecret'; readonly secret: string };

/** Why a command changed nothing; each maps to Nacos' refusal text. */
export type AuthRefusal =
  | 'user-exists'
  | 'user-missing'
  | 'user-is-admin'
  | 'admin-role'
  | 'role-missing'
  | 'admin-exists'
  | 'duplicate';

export type AuthResult =
  | { readonly ok: true; readonly secret?: string }
  | { readonly ok: false; readonly refusal: AuthRefusal };

function bad(message: string): RegistryError {
  return new RegistryError('REG_AUTH_INVALID', message);
}

/** No control characters (they would reach logs and the console), no surrounding spaces. */
function printable(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

export function checkName(what: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value === '' || value.trim() !== value || !printable(value)) {
    throw bad(`${what} must be non-blank text without control characters or surrounding spaces`);
  }
  if ([...value].length > max) throw bad(`${what} must be at most ${max} characters`);
  return value;
}

function checkHash(value: unknown): string {
  if (typeof value !== 'string' || !BCRYPT_HASH.test(value)) throw bad('password hash must be bcrypt');
  return value;
}

export function checkAction(value: unknown): string {
  if (typeof value !== 'string' || !(PERMISSION_ACTIONS as readonly string[]).includes(value)) {
    throw bad(`action must be one of ${PERMISSION_ACTIONS.join(', ')}`);
  }
  return value;
}

/** Padded base64 of 32 to about 130 bytes. */
const SECRET = /^(?:[A-Za-z0-9+/]{4}){10,43}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Checks and normalises a command; runs before proposing and again when applying. */
export function validateAuthCommand(command: unknown): AuthCommand {
  const c = (typeof command === 'object' && command !== null ? command : {}) as Record<string, unknown>;
  const username = () => checkName('username', c.username, AUTH_LIMITS.username);
  const role = () => checkName('role', c.role, AUTH_LIMITS.role);
  switch (c.op) {
    case 'createUser':
      return { op: 'createUser', username: username(), hash: checkHash(c.hash) };
    case 'deleteUser':
      return { op: 'deleteUser', username: username() };
    case 'setPassword':
      return { op: 'setPassword', username: username(), hash: checkHash(c.hash) };
    case 'addRole':
      return { op: 'addRole', role: role(), username: username() };
    case 'deleteRole':
      return { op: 'deleteRole', role: role(), username: c.username === null ? null : username() };
    case 'addPermission':
    case 'deletePermission':
      return {
        op: c.op,
        role: role(),
        resource: checkName('resource', c.resource, AUTH_LIMITS.resource),
        action: checkAction(c.action),
      };
    case 'initAdmin':
      return { op: 'initAdmin', hash: checkHash(c.hash) };
    case 'initSecret':
      if (typeof c.secret !== 'string' || !SECRET.test(c.secret))
        throw bad('secret must be base64 of 32 to 128 bytes');
      return { op: 'initSecret', secret: c.secret };
    default:
      throw bad(`unknown auth command ${JSON.stringify(c.op)}`);
  }
}
