#!/usr/bin/env node
import type { Logger } from 'pino';
import { MembershipStartError } from './cluster/cluster-membership.js';
import { USAGE } from './config/cli.js';
import { ConfigError, loadConfig, type RegistryConfig } from './config/load-config.js';
import { TEST_KV_MODULE_NAME, testKvModule } from './consensus/test-kv-module.js';
import { createRootLogger } from './logger.js';
import { API_MODULES } from './modules.js';
import { type Registry, type RegistryModule, StartupError, startRegistry } from './registry.js';
import { StorageConfigError } from './storage/open-storage.js';
import { APP_HOME, VERSION } from './version.js';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 1_500;

async function main(): Promise<number | undefined> {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig({
      argv: process.argv.slice(2),
      env: process.env,
      appHome: APP_HOME,
      version: VERSION,
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`reg: ${err.message}\n`);
    return 2;
  }
  if (loaded.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (loaded.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }

  const { config } = loaded;
  const logger = createRootLogger(config.logLevel);
  let modules: RegistryModule[];
  try {
    modules = [...API_MODULES, ...testModules(process.env.REG_TEST_MODULES, config, logger)];
  } catch (err) {
    process.stderr.write(`reg: ${(err as Error).message}\n`);
    return 2;
  }
  let registry: Registry;
  try {
    registry = await startRegistry(config, logger, { modules });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`reg: ${err.message}\n`);
      return 2;
    }
    if (err instanceof StorageConfigError || err instanceof MembershipStartError) {
      process.stderr.write(`reg: invalid configuration:\n  ${err.message}\n`);
      return 2;
    }
    if (!(err instanceof StartupError)) throw err;
    process.stderr.write(`reg: ${err.message}\n`);
    return 1;
  }

  const modeText = config.mode === 'standalone' ? 'stand alone mode' : 'cluster mode';
  logger.info(
    {
      mode: config.mode,
      version: VERSION,
      self: registry.membership.selfAddress,
      members: registry.membership.source,
      port: registry.port,
      clusterPort: config.mode === 'cluster' ? config.clusterPort : undefined,
      contextPath: config.contextPath,
      dataDir: config.dataDir,
      confDir: config.confDir,
      storage: registry.storage.kind,
      storageAt: registry.storage.where,
    },
    `reg started successfully in ${modeText}, use ${registry.storage.kind} storage`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'shutdown took too long; exiting');
      process.exit(0);
    }, SHUTDOWN_GRACE_MS);
    forced.unref();
    registry.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return undefined;
}

/**
 * Test-only modules, from `REG_TEST_MODULES` (only `kv`). They write without authentication, so
 * they refuse to run unless the HTTP server binds a loopback address, and say so loudly.
 */
function testModules(value: string | undefined, config: RegistryConfig, logger: Logger): RegistryModule[] {
  if (value === undefined || value.trim() === '') return [];
  if (value.trim() !== 'kv')
    throw new Error(`REG_TEST_MODULES=${JSON.stringify(value)}: the only test module is kv`);
  const loopback = config.bindAddress === '127.0.0.1' || config.bindAddress === '::1';
  if (!loopback) {
    throw new Error('REG_TEST_MODULES is for tests only and needs server.address 127.0.0.1 or ::1');
  }
  logger.warn(
    { module: TEST_KV_MODULE_NAME },
    'TEST MODULE ENABLED by REG_TEST_MODULES: never do this in production',
  );
  return [testKvModule];
}

main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`reg: unexpected failure at start: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
