import { authModule } from './auth/auth-module.js';
import { configModule } from './config-center/config-module.js';
import { consoleModule } from './console/console-module.js';
import { metricsHooks, metricsModule } from './metrics/metrics-module.js';
import { namingModule } from './naming/naming-module.js';
import type { RegistryModule } from './registry.js';

/**
 * The API modules `main` runs, in this order. Each module adds one import above and one element
 * here; see "Adding an API module" in the README.
 */
export const API_MODULES: RegistryModule[] = [
  consoleModule,
  authModule,
  // Right after auth: its request hook (HTTP metrics) sees only the modules registered after it.
  metricsModule,
  configModule(metricsHooks.configStarted),
  namingModule(metricsHooks.namingStarted, metricsHooks.namingDistro),
];
