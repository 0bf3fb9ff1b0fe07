import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, uniqueId } from './http-client.js';
import type { ConfigRegistry } from './registry-harness.js';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Publish, get, CAS, delete, history and search: the same cases on every storage. */
export function configRoutesSuite(name: string, start: () => Promise<ConfigRegistry>, skip = false): void {
  describe.skipIf(skip).sequential(`config routes on ${name}`, () => {
    let server: ConfigRegistry | undefined;
    let call: Client;
    beforeAll(async () => {
      server = await start();
      call = client(server.base);
    });
    afterAll(async () => {
      await server?.close();
    });

    const publish = (form: Record<string, string>, headers?: Record<string, string>) =>
      call('POST', '/v1/cs/configs', {
        form: { group: 'DEFAULT_GROUP', ...form },
        ...(headers ? { headers } : {}),
      });
    const get = (query: Record<string, string>) =>
      call('GET', '/v1/cs/configs', { query: { group: 'DEFAULT_GROUP', ...query } });
    const history = (dataId: string, extra: Record<string, string> = {}) =>
      call('GET', '/v1/cs/history', {
        query: { search: 'accurate', dataId, group: 'DEFAULT_GROUP', ...extra },
      });

    it('publishes and reads back with Nacos headers', async () => {
      const dataId = uniqueId('app.json');
      const content = '{"port": 8080, "name": "配置"}';
      const res = await publish({
        dataId,
        content,
        type: 'json',
        appName: 'shop',
        desc: 'd',
        config_tags: 'a,b',
      });
      expect(res.status).toBe(200);
      expect(res.text).toBe('true');
      const got = await get({ dataId });
      expect(got.status).toBe(200);
      expect(got.text).toBe(content);
      expect(got.headers.get('content-md5')).toBe(md5(content));
      expect(got.headers.get('config-type')).toBe('json');
      expect(got.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(got.headers.get('cache-control')).toBe('no-cache,no-store');
      expect(Date.parse(got.headers.get('last-modified') ?? '')).toBeGreaterThan(Date.now() - 60_000);
      const all = (await get({ dataId, show: 'all' })).json();
      expect(all).toMatchObject({
        dataId,
        content,
        md5: md5(content),
        appName: 'shop',
        desc: 'd',
        configTags: 'a,b',
        type: 'json',
        tenant: '',
      });
      expect(typeof (all as { id: unknown }).id).toBe('string');
    });

    it('answers 404 "config data not exist" for an absent config and an empty 200 for show=all', async () => {
      const missing = await get({ dataId: uniqueId('missing') });
      expect(missing.status).toBe(404);
      expect(missing.text).toBe('config data not exist\n');
      const all = await get({ dataId: uniqueId('missing'), show: 'all' });
      expect([all.status, all.text]).toEqual([200, '']);
    });

    it('treats public, null and blank tenants as the public namespace; other tenants are separate', async () => {
      const dataId = uniqueId('t');
      await publish({ dataId, content: 'pub', tenant: 'public' });
      expect((await get({ dataId })).text).toBe('pub');
      expect((await get({ dataId, tenant: 'null' })).text).toBe('pub');
      expect((await get({ dataId, tenant: 'dev' })).status).toBe(404);
      await publish({ dataId, content: 'dev', tenant: 'dev' });
      expect((await get({ dataId, tenant: 'dev' })).text).toBe('dev');
      expect((await get({ dataId })).text).toBe('pub');
    });

    it('keeps unknown types as text and whitespace in content', async () => {
      const dataId = uniqueId('ws');
      await publish({ dataId, content: '  a = 1\n', type: 'exe' });
      const got = await get({ dataId });
      expect(got.text).toBe('  a = 1\n');
      expect(got.headers.get('config-type')).toBe('text');
    });

    it('refuses bad input with Nacos texts and changes nothing', async () => {
      const dataId = uniqueId('bad');
      const cases: [Record<string, string>, number, string | RegExp][] = [
        [{ dataId: '../etc/passwd', content: 'x' }, 400, 'caused: invalid dataId : ../etc/passwd;'],
        [{ dataId: '..', content: 'x' }, 400, 'caused: invalid dataId : ..;'],
        [{ dataId, group: 'a b', content: 'x' }, 400, 'caused: invalid group : a b;'],
        [{ dataId, content: '   ' }, 400, 'caused: content is blank : ;'],
        [{ dataId, content: 'x'.repeat(4097) }, 400, 'caused: invalid content, over 4096;'],
        [{ dataId, content: 'é'.repeat(2049) }, 400, 'caused: invalid content, over 4096;'],
        [{ dataId, content: 'x', tenant: 'a/b' }, 400, 'caused: invalid tenant;'],
        [{ dataId, content: 'x', config_tags: 'a,b,c,d,e,f' }, 400, 'caused: too much config_tags, over 5;'],
        [{ dataId, content: 'x', desc: 'd'.repeat(129) }, 400, 'caused: too long desc, over 128;'],
        [{ dataId, content: 'x', tag: 'gray' }, 400, /not supported/],
        [{ dataId, content: 'x', appName: 'a'.repeat(129) }, 400, /appName/],
        [{ dataId, content: 'nul\u0000' }, 400, /NUL/],
      ];
      for (const [form, status, body] of cases) {
        const res = await publish(form);
        expect(res.status, JSON.stringify(form).slice(0, 80)).toBe(status);
        if (typeof body === 'string') expect(res.text).toBe(body);
        else expect(res.text).toMatch(body);
      }
      expect((await publish({ dataId, content: 'x' }, { betaIps: '10.0.0.1' })).status).toBe(400);
      const missing = await call('POST', '/v1/cs/configs', { form: { dataId, content: 'x' } });
      expect(missing.status).toBe(400);
      expect(missing.json()).toMatchObject({
        status: 400,
        message: "Required String parameter 'group' is not present",
      });
      expect((await get({ dataId })).status).toBe(404);
      expect((await history(dataId)).json()).toMatchObject({ totalCount: 0 });
    });

    it('refuses a body over the form limit with 413', async () => {
      const res = await publish({ dataId: uniqueId('huge'), content: 'x'.repeat(13 * 1024 * 1024) });
      expect(res.status).toBe(413);
    });

    it('compare-and-set: a stale casMd5 is refused with 500 and writes nothing; concurrent CAS has one winner', async () => {
      const dataId = uniqueId('cas');
      await publish({ dataId, content: 'v1' });
      const stale = await publish({ dataId, content: 'v2', casMd5: md5('other') });
      expect(stale.status).toBe(500);
      expect(stale.text).toBe('caused: Cas publish fail, server md5 may have changed.;');
      expect((await get({ dataId })).text).toBe('v1');
      expect(
        (await publish({ dataId: uniqueId('cas-absent'), content: 'v', casMd5: md5('v0') })).status,
      ).toBe(500);
      const racers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => publish({ dataId, content: `w${i}`, casMd5: md5('v1') })),
      );
      expect(racers.filter((r) => r.status === 200)).toHaveLength(1);
      expect(racers.filter((r) => r.status === 500)).toHaveLength(7);
      const winner = racers.findIndex((r) => r.status === 200);
      expect((await get({ dataId })).text).toBe(`w${winner}`);
      expect((await history(dataId)).json()).toMatchObject({ totalCount: 2 });
    });

    it('deletes one config, absent configs, and configs by ids', async () => {
      const [a, b, c] = [uniqueId('del'), uniqueId('del'), uniqueId('del')];
      for (const dataId of [a, b, c]) await publish({ dataId, content: dataId });
      const del = await call('DELETE', '/v1/cs/configs', { query: { dataId: a, group: 'DEFAULT_GROUP' } });
      expect([del.status, del.text]).toEqual([200, 'true']);
      expect((await get({ dataId: a })).status).toBe(404);
      expect(
        (await call('DELETE', '/v1/cs/configs', { query: { dataId: a, group: 'DEFAULT_GROUP' } })).text,
      ).toBe('true');
      const ids = await Promise.all(
        [b, c].map(async (d) => ((await get({ dataId: d, show: 'all' })).json() as { id: string }).id),
      );
      const batch = await call('DELETE', '/v1/cs/configs', { query: { delType: 'ids', ids: ids.join(',') } });
      expect(batch.json()).toEqual({ code: 200, message: null, data: true });
      for (const d of [b, c]) expect((await get({ dataId: d })).status).toBe(404);
      expect((await call('DELETE', '/v1/cs/configs', { query: { delType: 'ids', ids: '1,x' } })).status).toBe(
        400,
      );
      expect((await call('DELETE', '/v1/cs/configs', { query: { dataId: '../x', group: 'G' } })).status).toBe(
        400,
      );
      const rows = (await history(a)).json() as { pageItems: { opType: string }[] };
      expect(rows.pageItems.map((r) => r.opType)).toEqual(['D', 'I']);
    });

    it('keeps history as Nacos: I with new content, U with the previous, D with the deleted', async () => {
      const dataId = uniqueId('hist');
      await publish({ dataId, content: 'one', src_user: 'alice' });
      await publish({ dataId, content: 'two' });
      await call('DELETE', '/v1/cs/configs', { query: { dataId, group: 'DEFAULT_GROUP' } });
      const page = (await history(dataId, { pageNo: '1', pageSize: '2' })).json() as {
        totalCount: number;
        pagesAvailable: number;
        pageItems: { id: string; opType: string; content: null; createdTime: string }[];
      };
      expect(page).toMatchObject({ totalCount: 3, pagesAvailable: 2 });
      expect(page.pageItems.map((r) => r.opType)).toEqual(['D', 'U']);
      expect(page.pageItems[0]?.content).toBeNull();
      expect(page.pageItems[0]?.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      const nid = page.pageItems[1]?.id ?? '';
      const detail = (await call('GET', '/v1/cs/history', { query: { nid } })).json();
      expect(detail).toMatchObject({ id: nid, dataId, opType: 'U', content: 'one', md5: md5('one') });
      const owned = await call('GET', '/v1/cs/history', {
        query: { nid, dataId: 'someone-else', group: 'DEFAULT_GROUP' },
      });
      expect(owned.status).toBe(404);
      expect((await call('GET', '/v1/cs/history', { query: { nid: '999999999' } })).status).toBe(404);
      expect((await call('GET', '/v1/cs/history', { query: { nid: 'x1' } })).status).toBe(400);
      expect((await call('GET', '/v1/cs/history', { query: {} })).status).toBe(400);
    });

    it('answers /history/previous with the newest row of a config id', async () => {
      const dataId = uniqueId('prev');
      await publish({ dataId, content: 'first' });
      await publish({ dataId, content: 'second' });
      const id = ((await get({ dataId, show: 'all' })).json() as { id: string }).id;
      const prev = await call('GET', '/v1/cs/history/previous', { query: { id } });
      expect(prev.json()).toMatchObject({ dataId, opType: 'U', content: 'first' });
      expect((await call('GET', '/v1/cs/history/previous', { query: { id: '987654321' } })).status).toBe(404);
    });

    it('searches accurately and by wildcard, with paging, app and tag filters', async () => {
      const app = uniqueId('app').replaceAll('.', '');
      const ids = [`${app}.a`, `${app}.b`, `${app}-x.c`];
      for (const [i, dataId] of ids.entries()) {
        await publish({ dataId, content: `c${i}`, appName: app, config_tags: i === 2 ? 'red' : 'blue' });
      }
      const search = (query: Record<string, string>) =>
        call('GET', '/v1/cs/configs', {
          query: { dataId: '', group: '', pageNo: '1', pageSize: '10', ...query },
        });
      const accurate = (await search({ search: 'accurate', dataId: ids[0] ?? '' })).json() as {
        pageItems: { dataId: string }[];
      };
      expect(accurate.pageItems.map((c) => c.dataId)).toEqual([ids[0]]);
      const blur = (await search({ search: 'blur', dataId: `${app}.*` })).json() as {
        totalCount: number;
        pageItems: { dataId: string; content: string }[];
      };
      expect(blur.pageItems.map((c) => c.dataId)).toEqual(ids.slice(0, 2));
      expect(blur.pageItems[0]).toMatchObject({ content: 'c0', md5: md5('c0') });
      const paged = (await search({ search: 'blur', dataId: `${app}*`, pageSize: '2', pageNo: '2' })).json();
      expect(paged).toMatchObject({ totalCount: 3, pageNumber: 2, pagesAvailable: 2 });
      const byApp = (await search({ search: 'accurate', appName: app })).json() as { totalCount: number };
      expect(byApp.totalCount).toBe(3);
      const byTag = (await search({ search: 'accurate', appName: app, config_tags: 'red' })).json() as {
        pageItems: { dataId: string }[];
      };
      expect(byTag.pageItems.map((c) => c.dataId)).toEqual([ids[2]]);
      // Quotes and SQL wildcards are data, never query text.
      const hostile = (await search({ search: 'blur', dataId: "x' OR '1'='1" })).json();
      expect(hostile).toMatchObject({ totalCount: 0 });
      expect((await search({ search: 'blur', dataId: '%' })).json()).toMatchObject({ totalCount: 0 });
      expect(
        (await call('GET', '/v1/cs/configs', { query: { search: 'accurate', dataId: '', group: '' } }))
          .status,
      ).toBe(400);
      expect((await search({ search: 'accurate', pageSize: '0' })).status).toBe(400);
      expect((await search({ search: 'fuzzy' })).status).toBe(400);
    });

    it('reads linearizably by default and stale only when asked', async () => {
      const dataId = uniqueId('lin');
      for (let i = 0; i < 5; i++) {
        await publish({ dataId, content: `v${i}` });
        expect((await get({ dataId })).text).toBe(`v${i}`);
      }
      expect((await get({ dataId, consistency: 'stale' })).text).toBe('v4');
      expect((await get({ dataId, consistency: 'eventual' })).status).toBe(400);
    });
  });
}
