import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ConfigError } from '../config/load-config.js';
import { authRoleRoutes } from '../http/auth-role-routes.js';
import { authUserRoutes } from '../http/auth-user-routes.js';
import type { RegistryModule, RegistryModuleContext, RegistryModuleInstance } from '../registry.js';
import { ensureAdmin, storedSecret, submitUntilAnswered } from './auth-bootstrap.js';
import type { AuthCommand, AuthResult } from './auth-commands.js';
import { installAuthGuard } from './auth-guard.js';
import { AuthService } from './auth-service.js';
import { AUTH_KEYS, readAuthSettings } from './auth-settings.js';
import { type AuthWriter, consensusWriter, directWriter } from './auth-writer.js';
import { Authenticator } from './authenticator.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordChecker } from './password-hasher.js';
import {
  loadOrCreateSecretFile,
  parseConfiguredSecret,
  secretFilePath,
  writeSecretFile,
} from './token-secret.js';
import { TokenService } from './token-service.js';
import { UserDirectory } from './user-directory.js';

/** How long a looked-up user, its roles and permissions are reused (`nacos.core.auth.caching.enabled`). */
const USER_CACHE_MS = 2_000;
/** How long mounting the routes waits for the token secret and the admin before going on. */
const BOOTSTRAP_WAIT_MS = 3_000;
/** The readiness component: not ready until the token secret is agreed and an admin exists. */
const READINESS = 'Auth';

/**
 * Users, roles, permissions, tokens and the access check on every route. Must be the FIRST entry
 * of `API_MODULES`: its routes plugin skips encapsulation, so the guard it installs covers every
 * module registered after it (and, because Fastify copies hooks when a plugin is created, none
 * registered before it).
 */
export const authModule: RegistryModule = {
  name: 'auth',
  setup: setupAuth,
};

async function setupAuth(ctx: RegistryModuleContext): Promise<RegistryModuleInstance> {
  const settings = readAuthSettings(ctx.config);
  const { logger } = ctx;
  const storage = ctx.storage.storage;
  const secretFile = secretFilePath(ctx.config.dataDir);
  const users = new UserDirectory(storage, { ttlMs: settings.caching ? USER_CACHE_MS : 0 });
  const tokens = new TokenService({ ttlSeconds: settings.tokenTtlSeconds, key: settings.secret?.key });
  let closed = false;

  const adoptSecret = (base64: string) => {
    const key = parseConfiguredSecret(base64);
    if (typeof key === 'string') return;
    tokens.setKey(key);
    try {
      writeSecretFile(secretFile, key);
    } catch (err) {
      logger.warn({ err, file: secretFile }, 'cannot keep a copy of the token secret');
    }
  };
  const onApplied = (command: AuthCommand, result: AuthResult) => {
    users.invalidate();
    if (command.op === 'initSecret' && result.ok && result.secret && settings.secret === undefined) {
      adoptSecret(result.secret);
    }
  };
  // A snapshot install replaced users, roles, permissions and the agreed secret at once.
  const onRestored = async () => {
    users.invalidate();
    if (settings.secret !== undefined) return;
    const stored = await storedSecret(storage);
    if (stored !== undefined) adoptSecret(stored.toString('base64'));
  };
  const writer: AuthWriter =
    ctx.storage.kind === 'embedded'
      ? consensusWriter(ctx.consensus, storage, onApplied, onRestored)
      : directWriter(storage, onApplied);

  // The signing key: configured; else generated per installation and agreed on by the cluster.
  let candidate: Buffer | undefined;
  if (settings.secret === undefined) {
    if (ctx.storage.kind === 'mysql') {
      if (ctx.config.mode === 'cluster' && settings.enabled) {
        throw new ConfigError([
          `${AUTH_KEYS.secret} is not set: with MySQL storage in cluster mode every member must be given the same token secret (base64 of at least 32 bytes, e.g. \`openssl rand -base64 32\`)`,
        ]);
      }
      tokens.setKey(loadOrCreateSecretFile(secretFile));
    } else {
      const stored = await storedSecret(storage);
      if (stored !== undefined) adoptSecret(stored.toString('base64'));
      else candidate = loadOrCreateSecretFile(secretFile);
    }
  }

  const throttle = new LoginThrottle();
  const authenticator = new Authenticator({
    tokens,
    users,
    passwords: new PasswordChecker(),
    throttle,
    identity: settings.identity,
  });
  const service = new AuthService({
    storage,
    writer,
    tokens,
    authenticator,
    readBarrier: ctx.storage.kind === 'embedded' ? () => ctx.consensus.readBarrier() : async () => undefined,
  });
  ctx.readiness.set(READINESS, false);

  if (!settings.enabled) {
    logger.warn(
      { key: AUTH_KEYS.enabled },
      'auth is disabled: the naming and config APIs are open to anyone who can reach this port',
    );
  }
  if (settings.ignoredUserAgentWhite) {
    logger.warn({ key: AUTH_KEYS.userAgentWhite }, 'ignored: a User-Agent never grants access');
  }

  const bootstrap = async () => {
    const stillOpen = { writer, closed: () => closed };
    if (candidate !== undefined && !tokens.ready) {
      const result = await submitUntilAnswered(stillOpen, {
        op: 'initSecret',
        secret: candidate.toString('base64'),
      });
      if (result?.ok && result.secret) adoptSecret(result.secret);
    }
    await ensureAdmin({
      storage,
      writer,
      logger,
      adminPassword: settings.adminPassword,
      announce: announceAdminPassword,
      closed: () => closed,
    });
    if (!closed && tokens.ready) ctx.readiness.set(READINESS, true);
  };

  const routes: FastifyPluginAsync = Object.assign(
    async (app: FastifyInstance) => {
      installAuthGuard(app, {
        contextPath: ctx.config.contextPath,
        enabled: settings.enabled,
        authenticator,
      });
      authUserRoutes(app, service);
      authRoleRoutes(app, service);
      // The plane has started by the time routes are mounted, so CP writes can be proposed. A
      // standalone member finishes within the wait and is ready when it starts listening; a
      // cluster member without a leader yet carries on in the background (HTTP must come up for
      // the members to find each other).
      const started = bootstrap().catch((err: unknown) => {
        if (!closed) logger.error({ err }, 'auth start-up failed: no token secret or admin yet');
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        started,
        new Promise((resolve) => (timer = setTimeout(resolve, BOOTSTRAP_WAIT_MS))),
      ]);
      clearTimeout(timer);
    },
    // Hooks reach the enclosing (context path) instance, so the guard covers later modules too.
    { [Symbol.for('skip-override')]: true },
  );

  return {
    routes,
    async close() {
      closed = true;
    },
  };
}

/**
 * Shows a generated admin password once, on stdout, whatever the log level: as one JSON line in
 * pino's shape (the field is not named `password`, which the logger redacts), so stdout stays
 * machine-readable.
 */
function announceAdminPassword(username: string, password: string): void {
  const line = {
    level: 40,
    time: Date.now(),
    pid: process.pid,
    component: 'auth',
    username,
    initialPassword: password,
    msg: `created the admin user ${username}; this password is shown only once: change it with PUT /nacos/v1/auth/users`,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
