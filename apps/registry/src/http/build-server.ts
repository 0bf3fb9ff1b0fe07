import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  LogController,
} from 'fastify';
import type { ClusterView } from '../cluster/member.js';
import type { Mode } from '../config/load-config.js';
import { RegistryError } from '../errors.js';
import { consoleRoutes } from './console-routes.js';
import { coreClusterRoutes } from './core-cluster-routes.js';
import { ERROR_REPLIES } from './error-replies.js';
import { acceptFormBodies } from './form-body.js';
import type { Readiness } from './readiness.js';
import { sendSpringError } from './spring-error.js';

export interface HttpServerOptions {
  readonly logger: FastifyBaseLogger;
  readonly contextPath: string;
  readonly mode: Mode;
  readonly readiness: Readiness;
  readonly cluster: ClusterView;
  /** API modules' routes, registered under the context path after the core routes. */
  readonly moduleRoutes?: readonly FastifyPluginAsync[];
}

/** The HTTP face of the registry: every API group is a plugin under the context path. */
export function buildHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    // Per-request lines would drown the log at registry request rates.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
    // Slow clients (slowloris): headers within 10 s, the whole request within 60 s, checked every
    // second. Long polls are unaffected: the clock stops once the request has arrived.
    requestTimeout: 60_000,
    http: { headersTimeout: 10_000, connectionsCheckingInterval: 1_000 },
  });

  acceptFormBodies(app);
  app.setNotFoundHandler((request, reply) => sendSpringError(request, reply, 404));
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof RegistryError) {
      const { status, body } = ERROR_REPLIES[error.code];
      const text = body === 'text' ? error.message : causedChain(error);
      return reply.code(status).type('text/plain;charset=UTF-8').send(text);
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    return reply.code(status).type('text/plain;charset=UTF-8').send(causedChain(error));
  });

  app.register(
    async (api) => {
      await api.register(consoleRoutes, { readiness: options.readiness, mode: options.mode });
      await api.register(coreClusterRoutes, { cluster: options.cluster });
      for (const routes of options.moduleRoutes ?? []) await api.register(routes);
    },
    { prefix: options.contextPath },
  );
  return app;
}

/** Nacos' error text: each message in the cause chain as `caused: <msg>;`. */
export function causedChain(error: unknown): string {
  let text = '';
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    text += `caused: ${e.message};`;
  }
  return text || `caused: ${String(error)};`;
}
