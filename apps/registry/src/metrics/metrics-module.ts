import type { DistroMetrics } from '@reg/distro';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ConfigModuleHandle } from '../config-center/config-module.js';
import type { NamingModuleHandle } from '../naming/naming-module.js';
import type { RegistryModule, RegistryModuleContext, RegistryModuleInstance } from '../registry.js';
import { metricsFor } from './registry-metrics.js';

/** Nacos' path (Spring Boot actuator), under the context path. */
export const PROMETHEUS_PATH = '/actuator/prometheus';
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * `GET /actuator/prometheus`: Prometheus text exposition of this member. Open like Nacos' (see
 * the route table in `auth/secured-routes.ts`): it carries counts, never names, URLs or secrets.
 * Must come right after `authModule` in `API_MODULES`: its request hook only sees routes
 * registered after it.
 */
export const metricsModule: RegistryModule = {
  name: 'metrics',
  setup(context: RegistryModuleContext): RegistryModuleInstance {
    const metrics = metricsFor(context);
    metrics.startRaft(context.consensus);
    const routes: FastifyPluginAsync = async (app: FastifyInstance) => {
      const publishRoute = `${app.prefix}/v1/cs/configs`;
      metrics.http.install(app, app.server);
      metrics.http.onFinished = (method, route, status) => {
        if (method === 'POST' && route === publishRoute && status === 200) metrics.config.published();
      };
      app.get(PROMETHEUS_PATH, async (_request, reply) => {
        const text = await metrics.text();
        return reply.type(CONTENT_TYPE).header('Cache-Control', 'no-store').send(text);
      });
    };
    // Skips Fastify's encapsulation so the request hook covers the modules registered after it.
    Object.assign(routes, { [Symbol.for('skip-override')]: true });
    return {
      routes,
      async close() {
        metrics.close();
      },
    };
  },
};

/** Callbacks the naming and config modules are built with in `API_MODULES`, feeding this exporter. */
export const metricsHooks = {
  namingStarted(handle: NamingModuleHandle, context: RegistryModuleContext): void {
    metricsFor(context).naming.attach(handle);
  },
  configStarted(handle: ConfigModuleHandle, context: RegistryModuleContext): void {
    metricsFor(context).config.attach(handle);
  },
  namingDistro(context: RegistryModuleContext): DistroMetrics {
    return metricsFor(context).distro.hooks('naming');
  },
};
