import type { FastifyInstance } from 'fastify';
import { type ConsolePageSettings, consoleBuildDir, loadConsoleAssets } from './console-assets.js';
import { consoleUiRoutes } from './console-ui-routes.js';

export interface ConsolePluginOptions extends ConsolePageSettings {
  /** Folder of the console build; `@reg/console`'s dist/ when absent. */
  readonly buildDir?: string;
}

/** Mounts the web console under the context path, or logs why there is none. */
export async function consolePlugin(app: FastifyInstance, options: ConsolePluginOptions): Promise<void> {
  const assets = loadConsoleAssets(options.buildDir ?? consoleBuildDir(), options);
  if (assets === undefined) {
    app.log.warn('web console not built (run `npm run build`): serving the APIs only');
    return;
  }
  await app.register(consoleUiRoutes, { assets });
}
