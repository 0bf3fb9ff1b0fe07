import { randomUUID } from 'node:crypto';
import { AUTH_LIMITS } from '@reg/storage';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ConfigCenter } from '../config-center/config-center.js';
import { isValidNamespaceId } from '../config-center/config-commands.js';
import { namespaceAllInfo, namespaceInfo, restResult } from '../config-center/config-views.js';
import { RegistryError } from '../errors.js';
import { ConfigParams } from './config-params.js';
import { readOptions } from './config-query-routes.js';

function sendBoolean(reply: FastifyReply, value: boolean): FastifyReply {
  return reply.type('application/json;charset=UTF-8').send(String(value));
}

/** Name and description within the `tenant_info` columns; Nacos answers `false` otherwise. */
function fits(name: string, desc: string): boolean {
  return (
    name.length <= AUTH_LIMITS.namespaceName &&
    desc.length <= AUTH_LIMITS.namespaceDesc &&
    !(name + desc).includes('\u0000')
  );
}

/**
 * `/v1/console/namespaces`, as Nacos 1.4's `NamespaceController`. The public namespace `''` is
 * implicit: always listed first, never stored, never created or removed. Writes answer `true`,
 * or `false` for a refused one (bad or taken id), as the console expects (HTTP 200 either way).
 */
export function namespaceRoutes(center: ConfigCenter): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/v1/console/namespaces', async (request, reply) => {
      const params = ConfigParams.of(request);
      const options = readOptions(params);
      if (params.optional('checkNamespaceIdExist') === 'true') {
        const id = params.optional('customNamespaceId');
        if (id === undefined) return sendBoolean(reply, false);
        const found = isValidNamespaceId(id)
          ? await center.read((s) => s.namespaces.get(id), options)
          : undefined;
        return sendBoolean(reply, found !== undefined);
      }
      if (params.optional('show') === 'all') {
        const id = params.required('namespaceId');
        if (id === '')
          return namespaceAllInfo(undefined, await center.read((s) => s.configs.count(''), options));
        const found = await center.read(async (s) => {
          const ns = isValidNamespaceId(id) ? await s.namespaces.get(id) : undefined;
          return ns === undefined ? undefined : { ns, count: await s.configs.count(id) };
        }, options);
        if (found === undefined) throw new RegistryError('REG_CONFIG_NOT_FOUND', `namespace ${id} not exist`);
        return namespaceAllInfo(found.ns, found.count);
      }
      const list = await center.read(async (s) => {
        const stored = await s.namespaces.list();
        const items = [namespaceInfo(undefined, await s.configs.count(''))];
        for (const ns of stored) items.push(namespaceInfo(ns, await s.configs.count(ns.id)));
        return items;
      }, options);
      return restResult(list);
    });

    app.post('/v1/console/namespaces', async (request, reply) => {
      const params = ConfigParams.of(request);
      const custom = params.optional('customNamespaceId');
      const name = params.required('namespaceName');
      const desc = params.optional('namespaceDesc') ?? '';
      const id = custom ?? randomUUID();
      if (!isValidNamespaceId(id) || name === '' || !fits(name, desc)) return sendBoolean(reply, false);
      const { created } = await center.execute({ op: 'namespace-create', namespace: { id, name, desc } });
      return sendBoolean(reply, created);
    });

    app.put('/v1/console/namespaces', async (request, reply) => {
      const params = ConfigParams.of(request);
      const id = params.required('namespace');
      const name = params.required('namespaceShowName');
      const desc = params.optional('namespaceDesc') ?? '';
      if (!isValidNamespaceId(id) || name === '' || !fits(name, desc)) return sendBoolean(reply, false);
      const { updated } = await center.execute({ op: 'namespace-update', namespace: { id, name, desc } });
      return sendBoolean(reply, updated);
    });

    app.delete('/v1/console/namespaces', async (request, reply) => {
      const params = ConfigParams.of(request);
      const id = params.required('namespaceId');
      if (!isValidNamespaceId(id)) return sendBoolean(reply, false);
      // Nacos answers true whether or not the namespace existed; its configs stay.
      await center.execute({ op: 'namespace-delete', id });
      return sendBoolean(reply, true);
    });
  };
}
