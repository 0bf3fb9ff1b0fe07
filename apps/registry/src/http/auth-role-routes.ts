import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import { readPaging, restOk } from './auth-params.js';
import { NacosParams } from './params.js';

/** `/v1/auth/roles` and `/v1/auth/permissions`, as Nacos' console uses them (admins only, by the guard). */
export function authRoleRoutes(app: FastifyInstance, service: AuthService): void {
  app.get('/v1/auth/roles', async (request) => {
    const params = NacosParams.of(request);
    const { pageNo, pageSize } = readPaging(params);
    return service.listRoles(pageNo, pageSize, params.optional('username'));
  });
  app.get('/v1/auth/roles/search', async (request) =>
    service.searchRoles(NacosParams.of(request).optional('role') ?? ''),
  );
  app.post('/v1/auth/roles', async (request) => {
    const params = NacosParams.of(request);
    await service.addRole(params.required('role'), params.required('username'));
    return restOk('add role ok!');
  });
  app.delete('/v1/auth/roles', async (request) => {
    const params = NacosParams.of(request);
    const username = params.optional('username');
    await service.deleteRole(params.required('role'), username);
    return restOk(`delete role of user ${username ?? ''} ok!`);
  });

  app.get('/v1/auth/permissions', async (request) => {
    const params = NacosParams.of(request);
    const { pageNo, pageSize } = readPaging(params);
    return service.listPermissions(pageNo, pageSize, params.optional('role'));
  });
  app.post('/v1/auth/permissions', async (request) => {
    const params = NacosParams.of(request);
    await service.addPermission(
      params.required('role'),
      params.required('resource'),
      params.required('action'),
    );
    return restOk('add permission ok!');
  });
  app.delete('/v1/auth/permissions', async (request) => {
    const params = NacosParams.of(request);
    await service.deletePermission(
      params.required('role'),
      params.required('resource'),
      params.required('action'),
    );
    return restOk('delete permission ok!');
  });
}
