import { mkdirSync } from 'node:fs';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { type Membership, startMembership } from './cluster/cluster-membership.js';
import { clusterPeers } from './cluster/cluster-peers.js';
import { raftMetaData } from './cluster/raft-meta-data.js';
import { NodeIdCollisionError } from './cluster/raft-node-id.js';
import { ConfigError, type RegistryConfig } from './config/load-config.js';
import { type PlaneSettings, readPlaneSettings } from './config/plane-settings.js';
import type { Consensus, EphemeralPlane } from './consensus/consensus.js';
import { Plane, PlaneStartError } from './consensus/plane.js';
import { standalonePeers } from './consensus/standalone-peers.js';
import { buildHttpServer } from './http/build-server.js';
import { Readiness } from './http/readiness.js';
import { chooseStorage, type OpenedStorage } from './storage/open-storage.js';

/** What an API module (naming, config, ...) gets to build itself on. */
export interface RegistryModuleContext {
  readonly consensus: Consensus;
  readonly ephemeral: EphemeralPlane;
  readonly storage: OpenedStorage;
  readonly config: RegistryConfig;
  readonly logger: Logger;
  readonly readiness: Readiness;
}

/** A running API module: its routes (mounted under the context path) and how to stop it. */
export interface RegistryModuleInstance {
  readonly routes: FastifyPluginAsync;
  close?(): Promise<void>;
}

/**
 * An API module. `setup` runs once at start, before the plane starts: register CP modules
 * (`consensus.register`) and Distro engines (`ephemeral.distro`) there, not later.
 */
export interface RegistryModule {
  readonly name: string;
  setup(context: RegistryModuleContext): Promise<RegistryModuleInstance> | RegistryModuleInstance;
}

export interface StartOptions {
  /** The API modules to run (see `modules.ts`). */
  readonly modules?: readonly RegistryModule[];
}

/** A running registry: what `main` starts and stops, and what tests start in-process. */
export interface Registry {
  readonly config: RegistryConfig;
  readonly http: FastifyInstance;
  readonly storage: OpenedStorage;
  readonly membership: Membership;
  readonly consensus: Consensus;
  readonly ephemeral: EphemeralPlane;
  readonly readiness: Readiness;
  /** The port actually bound (differs from config.port when it was 0). */
  readonly port: number;
  close(): Promise<void>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Starts a member: storage, membership, the cluster plane with the API modules registered on
 * it, then HTTP. Anything started before a failure is stopped again.
 */
export async function startRegistry(
  config: RegistryConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<Registry> {
  // Configuration problems first, before anything is created on disk.
  const settings: PlaneSettings = readPlaneSettings(config);
  try {
    mkdirSync(config.dataDir, { recursive: true });
  } catch (err) {
    throw new StartupError(
      `cannot create the data directory ${config.dataDir} (reg.data.dir / --data-dir): ${(err as Error).message}`,
      { cause: err },
    );
  }

  const undo: (() => Promise<unknown>)[] = [];
  const rollback = async () => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
  };

  const storage = chooseStorage(config, logger.child({ component: 'storage' }));
  try {
    await storage.storage.open();
  } catch (err) {
    throw new StartupError(
      `cannot open ${storage.kind} storage at ${storage.where}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  undo.push(() => storage.storage.close());

  try {
    let plane: Plane | undefined;
    const membership = await startMembership(config, logger, () =>
      plane === undefined ? {} : raftMetaData(plane.consensus.status(), plane.groupMembers()),
    );
    undo.push(() => membership.close());

    const readiness = new Readiness();
    readiness.set('Server', false);
    plane = new Plane({
      dataDir: config.dataDir,
      clusterPort: config.clusterPort,
      storage,
      settings,
      peers: peerLayer(config, settings, membership, logger),
      readiness,
      logger,
    });

    const modules: { name: string; instance: RegistryModuleInstance }[] = [];
    for (const module of options.modules ?? []) {
      const instance = await module.setup({
        consensus: plane.consensus,
        ephemeral: plane.ephemeral,
        storage,
        config,
        logger: logger.child({ module: module.name }),
        readiness,
      });
      modules.push({ name: module.name, instance });
      if (instance.close) undo.push(() => instance.close?.() ?? Promise.resolve());
    }

    try {
      await plane.start();
    } catch (err) {
      if (err instanceof PlaneStartError) throw new StartupError(err.message, { cause: err });
      throw err;
    }
    undo.push(() => plane.close());

    const http = buildHttpServer({
      logger: logger.child({ component: 'http' }),
      contextPath: config.contextPath,
      mode: config.mode,
      readiness,
      cluster: membership.view,
      moduleRoutes: modules.map((m) => m.instance.routes),
    });
    try {
      await http.listen({ port: config.port, host: config.bindAddress ?? '::', ipv6Only: false });
    } catch (err) {
      await http.close().catch(() => undefined);
      throw listenError(err, config);
    }
    readiness.set('Server', true);
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;

    return {
      config,
      http,
      storage,
      membership,
      consensus: plane.consensus,
      ephemeral: plane.ephemeral,
      readiness,
      port,
      async close() {
        readiness.set('Server', false);
        // Leadership goes first, so the cluster's writes pause for the hand-over only. Then HTTP
        // stops accepting; modules close meanwhile, so requests they hold (long polls) end and let
        // HTTP finish. Then the rest of the plane: Distro, Raft, transport.
        await plane
          .handOverLeadership()
          .catch((err: unknown) => logger.warn({ err }, 'leadership hand-over failed'));
        const httpClosed = http.close();
        for (const { name, instance } of [...modules].reverse()) {
          await instance
            .close?.()
            .catch((err: unknown) => logger.warn({ err, module: name }, 'module close failed'));
        }
        await httpClosed;
        await plane.close();
        await membership.close();
        await storage.storage.close();
      },
    };
  } catch (err) {
    await rollback();
    throw err;
  }
}

function peerLayer(config: RegistryConfig, settings: PlaneSettings, membership: Membership, logger: Logger) {
  if (membership.table === undefined || settings.clusterSecret === undefined) {
    return standalonePeers(membership.selfAddress);
  }
  try {
    return clusterPeers({
      table: membership.table,
      secret: settings.clusterSecret,
      bindHost: config.bindAddress ?? '::',
      clusterPort: config.clusterPort,
      logger,
    });
  } catch (err) {
    if (err instanceof NodeIdCollisionError) throw new ConfigError([err.message]);
    throw err;
  }
}

function listenError(err: unknown, config: RegistryConfig): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${config.bindAddress ?? 'all interfaces'} port ${config.port}`;
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `port ${config.port} is already in use (server.port); stop the other process or choose another port with --port`,
      { cause: err },
    );
  }
  if (code === 'EACCES') {
    return new StartupError(`no permission to listen on ${where} (server.port)`, { cause: err });
  }
  if (code === 'EADDRNOTAVAIL') {
    return new StartupError(`address ${config.bindAddress} is not on this machine (server.address)`, {
      cause: err,
    });
  }
  return new StartupError(`cannot listen on ${where}: ${(err as Error).message}`, { cause: err });
}
