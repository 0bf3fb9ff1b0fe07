import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NacosParams } from '../http/params.js';
import { sendSpringError } from '../http/spring-error.js';
import { AccessDenied, type Authenticator, AuthNotReady } from './authenticator.js';
import { permits } from './authorizer.js';
import { ruleFor } from './secured-routes.js';
import type { Principal } from './user-directory.js';

/** Who a request was let in as; a member presenting the identity header acts with admin rights. */
const principals = new WeakMap<FastifyRequest, Principal>();

const MEMBER: Principal = {
  username: '(member)',
  passwordHash: '',
  roles: [],
  globalAdmin: true,
  permissions: [],
};

/** The caller the guard identified, or undefined when the route did not ask (auth off, open route). */
export function requestPrincipal(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

export interface AuthGuardOptions {
  readonly contextPath: string;
  /** `nacos.core.auth.enabled`. */
  readonly enabled: boolean;
  readonly authenticator: Authenticator;
}

/**
 * Installs the one access check for every route registered after it on `app`, in `preValidation`
 * (after the body is parsed, so form parameters count, and before any handler). The decision uses
 * the route Fastify matched, so path tricks (`/users/`, `//`, `;x`, `%2F`, case) either reach a
 * known rule or no route at all (404). Routes missing from the table need a global admin.
 * `User-Agent` is never consulted.
 */
export function installAuthGuard(app: FastifyInstance, options: AuthGuardOptions): void {
  const { contextPath, enabled, authenticator } = options;
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.routeOptions.url;
    if (url === undefined) return;
    const path = url.startsWith(contextPath) ? url.slice(contextPath.length) : url;
    const rule = ruleFor(request.method, path);
    if (rule?.kind === 'open') return;
    const enforced = enabled || (rule !== undefined && rule.always === true);
    if (!enforced) return;
    if (authenticator.isMember(request)) {
      principals.set(request, MEMBER);
      return;
    }
    const params = NacosParams.of(request);
    try {
      const principal = await authenticator.identify(request, params);
      principals.set(request, principal);
      const allowed =
        rule === undefined
          ? principal.globalAdmin
          : rule.kind === 'user' || permits(principal, rule.resources(params), rule.action);
      if (!allowed) throw new AccessDenied('authorization failed!');
    } catch (err) {
      if (err instanceof AccessDenied) return sendSpringError(request, reply, 403, err.message);
      if (err instanceof AuthNotReady) {
        return reply.code(503).type('text/plain;charset=UTF-8').send(err.message);
      }
      throw err;
    }
  });
}
