import { randomBytes } from 'node:crypto';
import type { Storage } from '@reg/storage';
import { hasStorageCode } from '@reg/storage';
import bcrypt from 'bcryptjs';
import type { Logger } from 'pino';
import { RegistryError } from '../errors.js';
import { ADMIN_USERNAME, type AuthCommand, type AuthResult } from './auth-commands.js';
import { hasDefaultAdmin, SECRET_KV_KEY, usableAdminExists } from './auth-state-machine.js';
import type { AuthWriter } from './auth-writer.js';
import { hashPassword } from './password-hasher.js';
import { parseConfiguredSecret } from './token-secret.js';

/** Pause between attempts while the cluster has no leader. */
const RETRY_MS = 250;

export interface BootstrapOptions {
  readonly storage: Storage;
  readonly writer: AuthWriter;
  readonly logger: Logger;
  /** `reg.auth.admin.password`; undefined means generate one and print it. */
  readonly adminPassword: string | undefined;
  /** Shows a generated admin password, once. */
  readonly announce: (username: string, password: string) => void;
  /** True once the registry is closing: stop retrying. */
  readonly closed: () => boolean;
}

/** Submits `command` until the cluster answers (no leader and timeouts are retried), or closing. */
export async function submitUntilAnswered(
  options: Pick<BootstrapOptions, 'writer' | 'closed'>,
  command: AuthCommand,
): Promise<AuthResult | undefined> {
  while (!options.closed()) {
    try {
      return await options.writer.submit(command);
    } catch (err) {
      const retry =
        (err instanceof RegistryError && (err.code === 'REG_NO_LEADER' || err.code === 'REG_CP_TIMEOUT')) ||
        hasStorageCode(err, 'STORAGE_UNAVAILABLE');
      if (!retry) throw err;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
  return undefined;
}

/** The token secret stored in the key-value space (embedded storage), if any. */
export async function storedSecret(storage: Storage): Promise<Buffer | undefined> {
  const bytes = await storage.kv.get(SECRET_KV_KEY);
  if (bytes === undefined) return undefined;
  const parsed = parseConfiguredSecret(new TextDecoder().decode(bytes));
  if (typeof parsed === 'string')
    throw new Error(`the stored token secret (${SECRET_KV_KEY}) is damaged: it ${parsed}`);
  return parsed;
}

/**
 * Makes sure a usable admin exists: at first start (or when the only admin is Nacos' published
 * `nacos`/`nacos`) the `nacos` user gets `reg.auth.admin.password`, or a generated password that
 * is printed once. Several members starting together race through the log (or the database);
 * only the one whose password was stored prints it.
 */
export async function ensureAdmin(options: BootstrapOptions): Promise<void> {
  const { storage, logger } = options;
  if (await usableAdminExists(storage)) {
    if (options.adminPassword !== undefined) {
      logger.info(
        { username: ADMIN_USERNAME },
        'admin exists; reg.auth.admin.password applies only at first start',
      );
    }
    return;
  }
  if (await hasDefaultAdmin(storage)) {
    logger.warn({ username: ADMIN_USERNAME }, "replacing Nacos' published default admin password");
  }
  const generated = options.adminPassword === undefined;
  const password = options.adminPassword ?? randomBytes(18).toString('base64url');
  const result = await submitUntilAnswered(options, { op: 'initAdmin', hash: await hashPassword(password) });
  if (result === undefined || !result.ok) {
    logger.info({ username: ADMIN_USERNAME }, 'admin initialised by another member');
    return;
  }
  // With a shared database another member may have written after us: show only what is stored.
  const stored = await storage.users.get(ADMIN_USERNAME);
  if (stored === undefined || !(await bcrypt.compare(password, stored.password))) {
    logger.info({ username: ADMIN_USERNAME }, 'admin initialised by another member');
    return;
  }
  if (generated) options.announce(ADMIN_USERNAME, password);
  else logger.info({ username: ADMIN_USERNAME }, 'admin user created with reg.auth.admin.password');
}
