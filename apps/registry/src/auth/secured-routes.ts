import type { NacosParams } from '../http/params.js';
import {
  configResource,
  configRowResource,
  listenerResources,
  namingResources,
} from './request-resources.js';
import { type Action, namedResource, type Resource } from './resource.js';

/**
 * What a route demands, decided on the route Fastify matched (after its own path normalisation),
 * never on the raw URL.
 *
 * - `open`: anyone (login, first admin, what the console needs before login, operator reads the
 *   SDK polls).
 * - `user`: any signed-in user; the route checks the rest (changing one's own password).
 * - `secured`: the resources built from the parameters, each allowed for `action`.
 *
 * `always` rules apply even when `nacos.core.auth.enabled` is false: user, role and permission
 * management is never open to anonymous callers (Nacos leaves it open when auth is off).
 */
export type RouteRule =
  | { readonly kind: 'open' }
  | { readonly kind: 'user'; readonly always?: boolean }
  | {
      readonly kind: 'secured';
      readonly action: Action;
      readonly resources: (params: NacosParams) => readonly Resource[];
      readonly always?: boolean;
    };

const OPEN: RouteRule = { kind: 'open' };
const config = (action: Action): RouteRule => ({
  kind: 'secured',
  action,
  resources: (p) => [p.optional('delType') === 'ids' ? configRowResource(p) : configResource(p)],
});
const configRows: RouteRule = { kind: 'secured', action: 'r', resources: (p) => [configRowResource(p)] };
const naming = (action: Action): RouteRule => ({ kind: 'secured', action, resources: namingResources });
const consoleRule = (name: string, action: Action, always = false): RouteRule => {
  const resource = namedResource(`console/${name}`);
  return { kind: 'secured', action, resources: () => [resource], always };
};

/**
 * The table, by `METHOD path` under the context path (HEAD uses the GET rule). A route that is
 * not here needs a global admin: new or unknown endpoints fail closed until someone decides.
 */
export const ROUTE_RULES: ReadonlyMap<string, RouteRule> = new Map<string, RouteRule>([
  // auth
  ['POST /v1/auth/login', OPEN],
  ['POST /v1/auth/users/login', OPEN],
  ['POST /v1/auth/users/admin', OPEN],
  ['GET /v1/auth/users', consoleRule('users', 'r', true)],
  ['GET /v1/auth/users/search', consoleRule('users', 'r', true)],
  ['POST /v1/auth/users', consoleRule('users', 'w', true)],
  ['DELETE /v1/auth/users', consoleRule('users', 'w', true)],
  ['PUT /v1/auth/users', { kind: 'user', always: true }],
  ['GET /v1/auth/roles', consoleRule('roles', 'r', true)],
  ['GET /v1/auth/roles/search', consoleRule('roles', 'r', true)],
  ['POST /v1/auth/roles', consoleRule('roles', 'w', true)],
  ['DELETE /v1/auth/roles', consoleRule('roles', 'w', true)],
  ['GET /v1/auth/permissions', consoleRule('permissions', 'r', true)],
  ['POST /v1/auth/permissions', consoleRule('permissions', 'w', true)],
  ['DELETE /v1/auth/permissions', consoleRule('permissions', 'w', true)],
  // The web console's files (src/console): public, they hold no data; `/*` also answers the
  // 404 for unknown paths, which were open before it existed.
  ['GET /', OPEN],
  ['GET /*', OPEN],
  // console
  ['GET /v1/console/health/liveness', OPEN],
  ['GET /v1/console/health/readiness', OPEN],
  ['GET /v1/console/server/state', OPEN],
  // Nacos leaves namespace reads open (#15158); we ask for a signed-in user.
  ['GET /v1/console/namespaces', { kind: 'user' }],
  ['POST /v1/console/namespaces', consoleRule('namespaces', 'w')],
  ['PUT /v1/console/namespaces', consoleRule('namespaces', 'w')],
  ['DELETE /v1/console/namespaces', consoleRule('namespaces', 'w')],
  // config
  ['GET /v1/cs/configs', config('r')],
  ['POST /v1/cs/configs', config('w')],
  ['DELETE /v1/cs/configs', config('w')],
  ['GET /v1/cs/configs/catalog', config('r')],
  ['GET /v1/cs/configs/listener', config('r')],
  ['POST /v1/cs/configs/listener', { kind: 'secured', action: 'r', resources: listenerResources }],
  ['GET /v1/cs/history', configRows],
  ['GET /v1/cs/history/previous', configRows],
  ['GET /v1/cs/history/configs', config('r')],
  // naming
  ['POST /v1/ns/instance', naming('w')],
  ['DELETE /v1/ns/instance', naming('w')],
  ['PUT /v1/ns/instance', naming('w')],
  ['PATCH /v1/ns/instance', naming('w')],
  ['GET /v1/ns/instance', naming('r')],
  ['GET /v1/ns/instance/list', naming('r')],
  ['PUT /v1/ns/instance/beat', naming('w')],
  ['PUT /v1/ns/instance/metadata/batch', naming('w')],
  ['DELETE /v1/ns/instance/metadata/batch', naming('w')],
  ['POST /v1/ns/service', naming('w')],
  ['DELETE /v1/ns/service', naming('w')],
  ['PUT /v1/ns/service', naming('w')],
  ['GET /v1/ns/service', naming('r')],
  ['GET /v1/ns/service/list', naming('r')],
  ['GET /v1/ns/service/subscribers', naming('r')],
  ['GET /v1/ns/catalog/services', naming('r')],
  ['GET /v1/ns/catalog/service', naming('r')],
  ['GET /v1/ns/catalog/instances', naming('r')],
  ['PUT /v1/ns/cluster', naming('w')],
  ['PUT /v1/ns/health', naming('w')],
  ['PUT /v1/ns/health/instance', naming('w')],
  // Operator reads stay open as in Nacos: the SDK polls metrics and reports DOWN when refused.
  ['GET /v1/ns/operator/switches', OPEN],
  ['GET /v1/ns/operator/metrics', OPEN],
  ['GET /v1/ns/operator/servers', OPEN],
  ['GET /v1/ns/operator/cluster/state', OPEN],
  ['GET /v1/ns/ops/switches', OPEN],
  ['GET /v1/ns/ops/metrics', OPEN],
  ['GET /v1/ns/health/server', OPEN],
  // Open as Nacos leaves it, for scrapers without a token; it carries counts only (metrics/).
  ['GET /actuator/prometheus', OPEN],
  [
    'PUT /v1/ns/operator/switches',
    { kind: 'secured', action: 'w', resources: () => [namedResource('naming/switches')] },
  ],
  [
    'PUT /v1/ns/ops/switches',
    { kind: 'secured', action: 'w', resources: () => [namedResource('naming/switches')] },
  ],
]);

/** The rule for a matched route, or undefined (global admin only). */
export function ruleFor(method: string, path: string): RouteRule | undefined {
  const verb = method === 'HEAD' ? 'GET' : method;
  // The context path itself (`/nacos`, the console's home) leaves '' after the prefix.
  const trimmed = path === '' ? '/' : path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return ROUTE_RULES.get(`${verb} ${trimmed}`);
}
