import type { FastifyInstance } from 'fastify';
import type { RegistryConfig } from '../config/load-config.js';
import type { Consensus } from '../consensus/consensus.js';
import type { NamingCore } from '../naming/naming-core.js';
import type { NamingSettings } from '../naming/naming-module.js';
import type { PushService } from '../naming/push-service.js';
import { catalogRoutes } from './naming-catalog-routes.js';
import { instanceRoutes } from './naming-instance-routes.js';
import { operatorRoutes } from './naming-operator-routes.js';
import { serviceRoutes } from './naming-service-routes.js';

export interface NamingRouteOptions {
  readonly core: NamingCore;
  readonly push: PushService;
  readonly consensus: Consensus;
  readonly config: RegistryConfig;
  readonly settings: NamingSettings;
}

/**
 * Naming requests carry parameters, not documents: 1 MiB is far above any legitimate request
 * (metadata included) and keeps a hostile body from costing memory. Larger bodies get 413.
 */
export const NAMING_BODY_LIMIT_BYTES = 1024 * 1024;

/** `/v1/ns/*`: the Nacos 1.4 naming API. */
export async function namingRoutes(app: FastifyInstance, options: NamingRouteOptions): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= NAMING_BODY_LIMIT_BYTES;
  });
  await app.register(instanceRoutes, options);
  await app.register(serviceRoutes, options);
  await app.register(operatorRoutes, options);
  await app.register(catalogRoutes, options);
}

/** Nacos' naming writes answer the literal text `ok`. */
export const OK_TEXT = 'ok';
