import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestPrincipal } from '../auth/auth-guard.js';
import type { AuthService } from '../auth/auth-service.js';
import { AccessDenied, AuthNotReady } from '../auth/authenticator.js';
import { readPaging, requiredPassword, restOk } from './auth-params.js';
import { NacosParams } from './params.js';
import { sendSpringError } from './spring-error.js';

/** Answers the auth refusals a handler can meet itself (login): 403 with Nacos' text, or 503. */
export function sendAuthRefusal(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof AccessDenied) return sendSpringError(request, reply, 403, err.message);
  if (err instanceof AuthNotReady) return reply.code(503).type('text/plain;charset=UTF-8').send(err.message);
  throw err;
}

/**
 * `/v1/auth/login`, `/v1/auth/users/*`: login, the first admin, and user management. Access is
 * decided by the auth guard (console/users for admins); changing a password is for an admin or
 * the user itself, checked here as Nacos does.
 */
export function authUserRoutes(app: FastifyInstance, service: AuthService): void {
  const login = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = NacosParams.of(request);
    const username = params.required('username');
    const password = requiredPassword(params, 'password');
    try {
      const answer = await service.login(username, password, request.ip);
      return reply.header('Authorization', `Bearer ${answer.accessToken}`).send(answer);
    } catch (err) {
      return sendAuthRefusal(request, reply, err);
    }
  };
  app.post('/v1/auth/login', login);
  app.post('/v1/auth/users/login', login);

  app.post('/v1/auth/users/admin', async (request, reply) => {
    const created = await service.initAdmin(NacosParams.of(request).raw('password') || undefined);
    if (created === undefined) {
      return reply.code(409).send({ code: 409, message: 'have admin user cannot use it', data: null });
    }
    return created;
  });

  app.get('/v1/auth/users', async (request) => {
    const { pageNo, pageSize } = readPaging(NacosParams.of(request));
    return service.listUsers(pageNo, pageSize);
  });
  app.get('/v1/auth/users/search', async (request) =>
    service.searchUsers(NacosParams.of(request).optional('username') ?? ''),
  );
  app.post('/v1/auth/users', async (request) => {
    const params = NacosParams.of(request);
    await service.createUser(params.required('username'), requiredPassword(params, 'password'));
    return restOk('create user ok!');
  });
  app.delete('/v1/auth/users', async (request) => {
    await service.deleteUser(NacosParams.of(request).required('username'));
    return restOk('delete user ok!');
  });
  app.put('/v1/auth/users', async (request, reply) => {
    const params = NacosParams.of(request);
    const username = params.required('username');
    const newPassword = requiredPassword(params, 'newPassword');
    const caller = requestPrincipal(request);
    if (caller === undefined || !(caller.globalAdmin || caller.username === username)) {
      return sendSpringError(request, reply, 403, 'authorization failed!');
    }
    await service.setPassword(username, newPassword);
    return restOk('update user ok!');
  });
}
