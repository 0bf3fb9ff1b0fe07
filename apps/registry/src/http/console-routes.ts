import type { FastifyInstance } from 'fastify';
import { NACOS_API_VERSION } from '../cluster/member.js';
import type { Mode } from '../config/load-config.js';
import type { Readiness } from './readiness.js';

export interface ConsoleRouteOptions {
  readonly readiness: Readiness;
  readonly mode: Mode;
}

/** `/v1/console/health/*` and `/v1/console/server/state`, answered as Nacos 1.4 does. */
export async function consoleRoutes(app: FastifyInstance, options: ConsoleRouteOptions): Promise<void> {
  app.get('/v1/console/health/liveness', async (_request, reply) => reply.type('text/plain').send('OK'));

  app.get('/v1/console/health/readiness', async (_request, reply) => {
    const problem = options.readiness.describe();
    if (problem === undefined) return reply.type('text/plain').send('OK');
    return reply.code(500).type('text/plain').send(problem);
  });

  app.get('/v1/console/server/state', async () => ({
    standalone_mode: options.mode,
    function_mode: null,
    version: NACOS_API_VERSION,
  }));
}
