import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, uniqueId } from './http-client.js';
import type { ConfigRegistry } from './registry-harness.js';

interface NamespaceItem {
  namespace: string;
  namespaceShowName: string;
  quota: number;
  configCount: number;
  type: number;
}

/** `/v1/console/namespaces`: the same cases on every storage. */
export function namespaceRoutesSuite(name: string, start: () => Promise<ConfigRegistry>, skip = false): void {
  describe.skipIf(skip).sequential(`namespaces on ${name}`, () => {
    let server: ConfigRegistry;
    let call: Client;
    beforeAll(async () => {
      server = await start();
      call = client(server.base);
    });
    afterAll(async () => {
      await server?.close();
    });

    const list = async () => {
      const res = await call('GET', '/v1/console/namespaces');
      const body = res.json() as { code: number; data: NamespaceItem[] };
      expect(body.code).toBe(200);
      return body.data;
    };
    const create = (form: Record<string, string>) => call('POST', '/v1/console/namespaces', { form });

    it('lists the public namespace first, with its config count', async () => {
      await call('POST', '/v1/cs/configs', { form: { dataId: uniqueId('ns'), group: 'G', content: 'x' } });
      const [first] = await list();
      expect(first).toMatchObject({ namespace: '', namespaceShowName: 'public', quota: 200, type: 0 });
      expect(first?.configCount).toBeGreaterThanOrEqual(1);
    });

    it('creates, shows, renames and deletes a custom namespace', async () => {
      const id = uniqueId('team').replaceAll('.', '_');
      const res = await create({ customNamespaceId: id, namespaceName: 'Team', namespaceDesc: 'our team' });
      expect([res.status, res.text]).toEqual([200, 'true']);
      await call('POST', '/v1/cs/configs', { form: { dataId: 'a', group: 'G', content: 'x', tenant: id } });
      await call('POST', '/v1/cs/configs', { form: { dataId: 'b', group: 'G', content: 'x', tenant: id } });
      expect((await list()).find((n) => n.namespace === id)).toEqual({
        namespace: id,
        namespaceShowName: 'Team',
        quota: 200,
        configCount: 2,
        type: 2,
      });
      const shown = await call('GET', '/v1/console/namespaces', { query: { show: 'all', namespaceId: id } });
      expect(shown.json()).toMatchObject({ namespace: id, namespaceDesc: 'our team', configCount: 2 });
      const publicShown = await call('GET', '/v1/console/namespaces', {
        query: { show: 'all', namespaceId: '' },
      });
      expect(publicShown.json()).toMatchObject({
        namespace: '',
        namespaceShowName: 'Public',
        namespaceDesc: 'Public Namespace',
      });
      const exists = (custom: string) =>
        call('GET', '/v1/console/namespaces', {
          query: { checkNamespaceIdExist: 'true', customNamespaceId: custom },
        });
      expect((await exists(id)).text).toBe('true');
      expect((await exists(uniqueId('none').replaceAll('.', '_'))).text).toBe('false');
      const renamed = await call('PUT', '/v1/console/namespaces', {
        form: { namespace: id, namespaceShowName: 'Renamed', namespaceDesc: 'new' },
      });
      expect(renamed.text).toBe('true');
      expect((await list()).find((n) => n.namespace === id)?.namespaceShowName).toBe('Renamed');
      const removed = await call('DELETE', '/v1/console/namespaces', { query: { namespaceId: id } });
      expect(removed.text).toBe('true');
      expect((await list()).some((n) => n.namespace === id)).toBe(false);
      // Its configs stay, as in Nacos.
      const got = await call('GET', '/v1/cs/configs', { query: { dataId: 'a', group: 'G', tenant: id } });
      expect(got.status).toBe(200);
      expect((await exists(id)).text).toBe('false');
    });

    it('generates an id when none is given', async () => {
      const before = (await list()).length;
      expect((await create({ namespaceName: 'Generated' })).text).toBe('true');
      const added = (await list()).filter((n) => n.namespaceShowName === 'Generated');
      expect(added.at(-1)?.namespace).toMatch(/^[0-9a-f-]{36}$/);
      expect((await list()).length).toBe(before + 1);
    });

    it('answers false for bad or taken ids and changes nothing', async () => {
      const id = uniqueId('dup').replaceAll('.', '_');
      expect((await create({ customNamespaceId: id, namespaceName: 'One' })).text).toBe('true');
      const before = await list();
      for (const form of [
        { customNamespaceId: id, namespaceName: 'Two' },
        { customNamespaceId: 'has space', namespaceName: 'x' },
        { customNamespaceId: '../etc', namespaceName: 'x' },
        { customNamespaceId: 'public', namespaceName: 'x' },
        { customNamespaceId: 'x'.repeat(129), namespaceName: 'x' },
        { customNamespaceId: uniqueId('long').replaceAll('.', '_'), namespaceName: 'n'.repeat(129) },
      ]) {
        const res = await create(form);
        expect([res.status, res.text], JSON.stringify(form).slice(0, 60)).toEqual([200, 'false']);
      }
      const missing = await create({ customNamespaceId: uniqueId('x').replaceAll('.', '_') });
      expect(missing.status).toBe(400);
      expect(await list()).toEqual(before);
      const update = await call('PUT', '/v1/console/namespaces', {
        form: { namespace: uniqueId('ghost').replaceAll('.', '_'), namespaceShowName: 'x' },
      });
      expect(update.text).toBe('false');
      expect(
        (await call('GET', '/v1/console/namespaces', { query: { show: 'all', namespaceId: 'ghost-ns' } }))
          .status,
      ).toBe(404);
    });
  });
}
