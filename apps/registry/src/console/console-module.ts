import { readAuthSettings } from '../auth/auth-settings.js';
import type { RegistryModule } from '../registry.js';
import { consolePlugin } from './console-plugin.js';

/**
 * The web console as a registry module. It sits before `authModule` in `API_MODULES` on
 * purpose: its files are public (they hold no data; every call the page makes goes through
 * the guarded APIs), and the auth guard covers only what is registered after it.
 */
export const consoleModule: RegistryModule = {
  name: 'console',
  setup(ctx) {
    const settings = {
      contextPath: ctx.config.contextPath,
      authEnabled: readAuthSettings(ctx.config).enabled,
    };
    return { routes: async (app) => app.register(consolePlugin, settings) };
  },
};
