import { hasStorageCode, type Storage } from '@reg/storage';
import bcrypt from 'bcryptjs';
import { ADMIN_USERNAME, type AuthCommand, type AuthResult, GLOBAL_ADMIN_ROLE } from './auth-commands.js';

/** Where the shared token secret lives in the key-value space (embedded storage). */
export const SECRET_KV_KEY = 'auth/token-secret';

const OK: AuthResult = { ok: true };
const refuse = (refusal: Extract<AuthResult, { ok: false }>['refusal']): AuthResult => ({
  ok: false,
  refusal,
});

/** Whether any user holds the global admin role. */
export async function adminExists(storage: Storage): Promise<boolean> {
  return (await storage.roles.search(GLOBAL_ADMIN_ROLE, 1000)).includes(GLOBAL_ADMIN_ROLE);
}

/**
 * Whether the admin is Nacos' published default, `nacos` / `nacos` (Nacos' SQL script and the MySQL
 * adapter seed it): such an admin counts as no admin, so it can be replaced at first start or by
 * `POST /v1/auth/users/admin`. bcrypt is deterministic for a given hash, so every member agrees.
 */
export async function hasDefaultAdmin(storage: Storage): Promise<boolean> {
  const user = await storage.users.get(ADMIN_USERNAME);
  if (user === undefined || !(await isAdmin(storage, ADMIN_USERNAME))) return false;
  return bcrypt.compare(ADMIN_USERNAME, user.password).catch(() => false);
}

/** Whether an admin exists that someone could actually log in as. */
export async function usableAdminExists(storage: Storage): Promise<boolean> {
  return (await adminExists(storage)) && !(await hasDefaultAdmin(storage));
}

async function isAdmin(storage: Storage, username: string): Promise<boolean> {
  return (await storage.roles.listByUsername(username)).some((r) => r.role === GLOBAL_ADMIN_ROLE);
}

async function roleExists(storage: Storage, role: string): Promise<boolean> {
  return (await storage.roles.search(role, 1000)).includes(role);
}

/** Runs `write`; a record that exists already is a refusal (also what a re-applied log tail sees). */
async function unlessConflict(write: () => Promise<unknown>): Promise<AuthResult> {
  try {
    await write();
    return OK;
  } catch (err) {
    if (hasStorageCode(err, 'STORAGE_CONFLICT')) return refuse('duplicate');
    throw err;
  }
}

/**
 * Applies one auth command to the store. Deterministic: the outcome depends only on the command
 * and the stored state, so every member that applies the same log ends with the same users,
 * roles and permissions. Idempotent on a re-applied tail: a repeated create is a `duplicate`
 * refusal and changes nothing. Nacos' checks (no second admin role, no deleting an admin) are made
 * here as well as before proposing, so two racing requests cannot both pass.
 */
export async function applyAuthCommand(storage: Storage, command: AuthCommand): Promise<AuthResult> {
  switch (command.op) {
    case 'createUser': {
      if ((await storage.users.get(command.username)) !== undefined) return refuse('user-exists');
      return unlessConflict(() =>
        storage.users.create({ username: command.username, password: command.hash }),
      );
    }
    case 'deleteUser': {
      if (await isAdmin(storage, command.username)) return refuse('user-is-admin');
      await storage.users.delete(command.username);
      return OK;
    }
    case 'setPassword': {
      if ((await storage.users.get(command.username)) === undefined) return refuse('user-missing');
      await storage.users.updatePassword(command.username, command.hash);
      return OK;
    }
    case 'addRole': {
      if (command.role === GLOBAL_ADMIN_ROLE) return refuse('admin-role');
      if ((await storage.users.get(command.username)) === undefined) return refuse('user-missing');
      return unlessConflict(() => storage.roles.add({ role: command.role, username: command.username }));
    }
    case 'deleteRole': {
      // Removing the admin role could leave nobody able to manage users (Nacos #13761).
      if (command.role === GLOBAL_ADMIN_ROLE) return refuse('admin-role');
      await storage.roles.delete(command.role, command.username ?? undefined);
      return OK;
    }
    case 'addPermission': {
      if (!(await roleExists(storage, command.role))) return refuse('role-missing');
      const { role, resource, action } = command;
      return unlessConflict(() => storage.permissions.add({ role, resource, action }));
    }
    case 'deletePermission': {
      const { role, resource, action } = command;
      await storage.permissions.delete({ role, resource, action });
      return OK;
    }
    case 'initAdmin': {
      if (await usableAdminExists(storage)) return refuse('admin-exists');
      // User first, role second: a crash in between leaves no admin, so the next start retries.
      if ((await storage.users.get(ADMIN_USERNAME)) === undefined) {
        const created = await unlessConflict(() =>
          storage.users.create({ username: ADMIN_USERNAME, password: command.hash }),
        );
        // Another member sharing the database got there first (MySQL has no log to order us).
        if (!created.ok) return refuse('admin-exists');
      } else {
        await storage.users.updatePassword(ADMIN_USERNAME, command.hash);
      }
      const bound = await unlessConflict(() =>
        storage.roles.add({ role: GLOBAL_ADMIN_ROLE, username: ADMIN_USERNAME }),
      );
      // Already bound: the default admin was just given a real password.
      return bound.ok || bound.refusal === 'duplicate' ? OK : bound;
    }
    case 'initSecret': {
      const stored = await storage.kv.get(SECRET_KV_KEY);
      if (stored !== undefined) return { ok: true, secret: new TextDecoder().decode(stored) };
      await storage.kv.batch([
        { type: 'put', key: SECRET_KV_KEY, value: new TextEncoder().encode(command.secret) },
      ]);
      return { ok: true, secret: command.secret };
    }
  }
}
