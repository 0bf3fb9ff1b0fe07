import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Where the route pattern of a request is kept on the raw request, for the finish listener. */
const ROUTE = Symbol('reg.metrics.route');
type Tagged = IncomingMessage & { [ROUTE]?: string };

/** Label for requests no route matched (404 from the router): never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Label for requests served by routes registered before the exporter (console, cluster, auth). */
export const OTHER_ROUTE = 'other';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Request counts and latency by method, route pattern and status. */
export class HttpMetrics {
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #duration: Histogram<'method' | 'route' | 'status'>;
  /** Told of each finished request with its route pattern (module-level counters). */
  onFinished: ((method: string, route: string, status: number) => void) | undefined;

  constructor(registry: Registry) {
    this.#requests = new Counter({
      name: 'reg_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.#duration = new Histogram({
      name: 'reg_http_request_duration_seconds',
      help: 'HTTP request latency from arrival to the last byte written (long polls included)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  }

  /**
   * Tags requests of routes registered on `app` from now on with their pattern (Fastify copies
   * hooks into plugins when they are created, so earlier routes stay untagged), and observes every
   * request `server` answers. Labels are only patterns, methods from a fixed list and status
   * codes, so hostile URLs cannot create new series.
   */
  install(app: FastifyInstance, server: Server): void {
    app.addHook('onRequest', async (request) => {
      const url = request.routeOptions.url;
      if (url !== undefined) (request.raw as Tagged)[ROUTE] = url;
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const start = process.hrtime.bigint();
      res.once('finish', () => {
        const route = (req as Tagged)[ROUTE] ?? (res.statusCode === 404 ? UNMATCHED_ROUTE : OTHER_ROUTE);
        const method = METHODS.has(req.method ?? '') ? (req.method as string) : 'OTHER';
        const status = String(res.statusCode);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        this.#requests.inc({ method, route, status });
        this.#duration.observe({ method, route, status }, seconds);
        this.onFinished?.(method, route, res.statusCode);
      });
    });
  }
}
