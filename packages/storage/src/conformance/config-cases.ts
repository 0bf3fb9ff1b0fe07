import type { ConfigKey } from '../config-store.js';
import { isStorageError } from '../errors.js';
import { md5Hex } from '../text.js';
import { rejectsWith, type SuiteContext } from './api.js';

const KEY: ConfigKey = { dataId: 'app.yaml', group: 'DEFAULT_GROUP', tenant: '' };

/** Configs: publish, get, delete, compare-and-set, search and paging, concurrency, atomicity. */
export function configCases(s: SuiteContext): void {
  const { t } = s;
  const { describe, it, expect } = t;

  describe('configs', () => {
    it('publish inserts with every field, md5 and an I history row', async () => {
      const r = await s.store().configs.publish({
        ...KEY,
        content: 'a: 1',
        type: 'yaml',
        appName: 'shop',
        desc: 'd',
        tags: ['x', 'y', 'x'],
        use: 'u',
        effect: 'e',
        schema: 's',
        srcUser: 'alice',
        srcIp: '10.0.0.1',
        time: 1000,
      });
      expect(r.opType).toBe('I');
      const c = await s.store().configs.get(KEY);
      expect(c).toEqual({
        id: r.config.id,
        ...KEY,
        content: 'a: 1',
        md5: md5Hex('a: 1'),
        type: 'yaml',
        appName: 'shop',
        desc: 'd',
        tags: ['x', 'y'],
        use: 'u',
        effect: 'e',
        schema: 's',
        createdTime: 1000,
        modifiedTime: 1000,
        srcUser: 'alice',
        srcIp: '10.0.0.1',
      });
      expect(r.config).toEqual(c);
      expect(await s.store().configs.getById(r.config.id)).toEqual(c);
      const h = await s.store().history.get(r.historyNid);
      expect(h?.opType).toBe('I');
      expect(h?.content).toBe('a: 1');
      expect(h?.id).toBe(r.config.id);
      expect(h?.srcUser).toBe('alice');
      expect(h?.createdTime).toBe(1000);
    });

    it('omitted optional fields are empty', async () => {
      const r = await s.store().configs.publish({ ...KEY, content: '', time: 5 });
      expect(r.config.type).toBe('');
      expect(r.config.tags).toEqual([]);
      expect(r.config.md5).toBe('d41d8cd98f00b204e9800998ecf8427e');
      expect(await s.store().configs.get({ ...KEY, tenant: 'other' })).toBe(undefined);
      expect(await s.store().configs.getById(r.config.id + 1000)).toBe(undefined);
      expect(await s.store().configs.getById(0)).toBe(undefined);
    });

    it('update keeps id and createdTime; U history holds the previous content', async () => {
      const a = await s.store().configs.publish({ ...KEY, content: 'v1', time: 1000 });
      const b = await s.store().configs.publish({ ...KEY, content: 'v2', time: 2000, srcUser: 'bob' });
      expect(b.opType).toBe('U');
      expect(b.config.id).toBe(a.config.id);
      expect(b.config.createdTime).toBe(1000);
      expect(b.config.modifiedTime).toBe(2000);
      expect(b.historyNid > a.historyNid).toBe(true);
      const h = await s.store().history.get(b.historyNid);
      expect([h?.opType, h?.content, h?.md5, h?.srcUser]).toEqual(['U', 'v1', md5Hex('v1'), 'bob']);
      expect((await s.store().configs.get(KEY))?.content).toBe('v2');
    });

    it('delete removes and writes D with the deleted content; absent delete is a no-op', async () => {
      const a = await s.store().configs.publish({ ...KEY, content: 'gone', time: 1 });
      const d = await s.store().configs.delete(KEY, { srcUser: 'carol', time: 2 });
      expect(d?.config.id).toBe(a.config.id);
      expect(await s.store().configs.get(KEY)).toBe(undefined);
      expect(await s.store().configs.getById(a.config.id)).toBe(undefined);
      const h = await s.store().history.get(d?.historyNid ?? -1);
      expect([h?.opType, h?.content, h?.srcUser]).toEqual(['D', 'gone', 'carol']);
      expect(await s.store().configs.delete(KEY)).toBe(undefined);
      expect((await s.store().history.list(KEY, { pageNo: 1, pageSize: 10 })).totalCount).toBe(2);
      const again = await s.store().configs.publish({ ...KEY, content: 'back' });
      expect(again.opType).toBe('I');
      expect(again.config.id > a.config.id).toBe(true);
    });

    it('casMd5 is a compare-and-set', async () => {
      const c = s.store().configs;
      await rejectsWith(
        t,
        c.publish({ ...KEY, content: 'x', casMd5: md5Hex('nothing') }),
        'STORAGE_CAS_MISMATCH',
      );
      expect(await c.get(KEY)).toBe(undefined);
      const first = await c.publish({ ...KEY, content: 'v1', casMd5: '' });
      expect(first.opType).toBe('I');
      const err = await rejectsWith(
        t,
        c.publish({ ...KEY, content: 'v2', casMd5: '' }),
        'STORAGE_CAS_MISMATCH',
      );
      expect(isStorageError(err) ? err.actualMd5 : undefined).toBe(md5Hex('v1'));
      await rejectsWith(
        t,
        c.publish({ ...KEY, content: 'v2', casMd5: md5Hex('v0') }),
        'STORAGE_CAS_MISMATCH',
      );
      expect((await c.get(KEY))?.content).toBe('v1');
      const ok = await c.publish({ ...KEY, content: 'v2', casMd5: md5Hex('v1') });
      expect(ok.opType).toBe('U');
      expect((await s.store().history.list(KEY, { pageNo: 1, pageSize: 10 })).totalCount).toBe(2);
    });

    it('N concurrent CAS publishes expecting the same md5: exactly one wins', async () => {
      const c = s.store().configs;
      await c.publish({ ...KEY, content: 'base' });
      const n = 24;
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => c.publish({ ...KEY, content: `w${i}`, casMd5: md5Hex('base') })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won.length).toBe(1);
      expect(lost.every((r) => isStorageError(r.reason) && r.reason.code === 'STORAGE_CAS_MISMATCH')).toBe(
        true,
      );
      const winner = won[0]?.status === 'fulfilled' ? won[0].value.config.content : '';
      expect((await c.get(KEY))?.content).toBe(winner);
      expect((await s.store().history.list(KEY, { pageNo: 1, pageSize: 100 })).totalCount).toBe(2);
    });

    it('concurrent creates of one key without CAS: one insert, the rest updates, no lost history', async () => {
      const c = s.store().configs;
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => c.publish({ ...KEY, content: `c${i}` })),
      );
      expect(results.filter((r) => r.opType === 'I').length).toBe(1);
      expect(new Set(results.map((r) => r.config.id)).size).toBe(1);
      expect(new Set(results.map((r) => r.historyNid)).size).toBe(16);
      expect((await s.store().history.list(KEY, { pageNo: 1, pageSize: 100 })).totalCount).toBe(16);
    });

    it('concurrent writers on distinct keys all land with unique ids', async () => {
      const c = s.store().configs;
      const n = 40;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          c.publish({ dataId: `d${i}`, group: 'g', tenant: 't', content: `${i}` }),
        ),
      );
      expect(new Set(results.map((r) => r.config.id)).size).toBe(n);
      expect(await c.count('t')).toBe(n);
      for (let i = 0; i < n; i += 7) {
        expect((await c.get({ dataId: `d${i}`, group: 'g', tenant: 't' }))?.content).toBe(`${i}`);
      }
    });

    it('search: accurate and blur, filters, order by id, paging, tenant isolation, count', async () => {
      const c = s.store().configs;
      const put = (
        dataId: string,
        group: string,
        tenant: string,
        extra: { appName?: string; tags?: string[] } = {},
      ) => c.publish({ dataId, group, tenant, content: dataId, ...extra });
      await put('order.yaml', 'A', 'ns1', { appName: 'shop', tags: ['prod'] });
      await put('order.json', 'A', 'ns1', { tags: ['dev'] });
      await put('user.yaml', 'B', 'ns1', { appName: 'shop' });
      await put('order.yaml', 'A', 'ns2');
      await put('order%yaml', 'A', 'ns1');
      await put('orderXyaml', 'A', 'ns1');
      const ids = async (q: Parameters<typeof c.search>[0], pageNo = 1, pageSize = 100) =>
        (await c.search(q, { pageNo, pageSize })).pageItems.map((x) => x.dataId);
      expect(await ids({ tenant: 'ns1', mode: 'accurate' })).toEqual([
        'order.yaml',
        'order.json',
        'user.yaml',
        'order%yaml',
        'orderXyaml',
      ]);
      expect(await ids({ tenant: 'ns1', mode: 'accurate', dataId: 'order.yaml' })).toEqual(['order.yaml']);
      expect(await ids({ tenant: 'ns1', mode: 'accurate', group: 'B' })).toEqual(['user.yaml']);
      expect(await ids({ tenant: 'ns1', mode: 'accurate', appName: 'shop' })).toEqual([
        'order.yaml',
        'user.yaml',
      ]);
      expect(await ids({ tenant: 'ns1', mode: 'blur', dataId: 'order*' })).toEqual([
        'order.yaml',
        'order.json',
        'order%yaml',
        'orderXyaml',
      ]);
      expect(await ids({ tenant: 'ns1', mode: 'blur', dataId: '*yaml' })).toEqual([
        'order.yaml',
        'user.yaml',
        'order%yaml',
        'orderXyaml',
      ]);
      // `%`, `_` and `.` are literal in blur patterns; only `*` is a wildcard.
      expect(await ids({ tenant: 'ns1', mode: 'blur', dataId: 'order%yaml' })).toEqual(['order%yaml']);
      expect(await ids({ tenant: 'ns1', mode: 'blur', dataId: 'order_yaml' })).toEqual([]);
      expect(await ids({ tenant: 'ns1', mode: 'blur', dataId: 'order.*' })).toEqual([
        'order.yaml',
        'order.json',
      ]);
      expect(await ids({ tenant: 'ns1', mode: 'blur', dataId: '%' })).toEqual([]);
      expect(await ids({ tenant: 'ns1', mode: 'accurate', tags: ['prod', 'dev'] })).toEqual([
        'order.yaml',
        'order.json',
      ]);
      expect(await ids({ tenant: 'ns2', mode: 'blur', dataId: '*' })).toEqual(['order.yaml']);
      expect(await ids({ tenant: '', mode: 'blur' })).toEqual([]);
      const p2 = await c.search({ tenant: 'ns1', mode: 'accurate' }, { pageNo: 2, pageSize: 2 });
      expect([p2.totalCount, p2.pageNumber, p2.pagesAvailable]).toEqual([5, 2, 3]);
      expect(p2.pageItems.map((x) => x.dataId)).toEqual(['user.yaml', 'order%yaml']);
      const past = await c.search({ tenant: 'ns1', mode: 'accurate' }, { pageNo: 9, pageSize: 2 });
      expect([past.totalCount, past.pageItems.length]).toEqual([5, 0]);
      expect(await c.count('ns1')).toBe(5);
      expect(await c.count('ns2')).toBe(1);
      expect(await c.count('nope')).toBe(0);
    });

    it('bad input is rejected with STORAGE_INVALID_ARGUMENT and changes nothing', async () => {
      const c = s.store().configs;
      await c.publish({ ...KEY, content: 'keep' });
      const bad = [
        { ...KEY, dataId: '' },
        { ...KEY, group: '' },
        { ...KEY, dataId: 'a\u0000b' },
        { ...KEY, dataId: 'x'.repeat(256) },
        { ...KEY, dataId: 'x'.repeat(10_000) },
        { ...KEY, group: 'g'.repeat(129) },
        { ...KEY, tenant: 't'.repeat(129) },
        { ...KEY, dataId: 'lone\uD800surrogate' },
      ];
      for (const key of bad) {
        await rejectsWith(
          t,
          (async () => c.publish({ ...key, content: 'bad' }))(),
          'STORAGE_INVALID_ARGUMENT',
        );
        await rejectsWith(t, (async () => c.get(key))(), 'STORAGE_INVALID_ARGUMENT');
        await rejectsWith(t, (async () => c.delete(key))(), 'STORAGE_INVALID_ARGUMENT');
      }
      const badFields: Array<Record<string, unknown>> = [
        { casMd5: 'NOT-AN-MD5' },
        { tags: ['a', 'b', 'c', 'd', 'e', 'f'] },
        { tags: [''] },
        { desc: 'd'.repeat(257) },
        { time: -1 },
        { time: 1.5 },
        { content: 42 },
      ];
      for (const f of badFields) {
        await rejectsWith(
          t,
          (async () => c.publish({ ...KEY, content: 'bad', ...f }))(),
          'STORAGE_INVALID_ARGUMENT',
        );
      }
      for (const page of [
        { pageNo: 0, pageSize: 10 },
        { pageNo: 1, pageSize: 0 },
        { pageNo: 1, pageSize: 100_000 },
        { pageNo: 1.5, pageSize: 10 },
      ]) {
        await rejectsWith(
          t,
          (async () => c.search({ tenant: '', mode: 'accurate' }, page))(),
          'STORAGE_INVALID_ARGUMENT',
        );
      }
      await rejectsWith(
        t,
        (async () => c.search({ tenant: '', mode: 'fuzzy' as 'blur' }, { pageNo: 1, pageSize: 1 }))(),
        'STORAGE_INVALID_ARGUMENT',
      );
      expect((await c.get(KEY))?.content).toBe('keep');
      expect(await c.count('')).toBe(1);
      expect((await s.store().history.list(KEY, { pageNo: 1, pageSize: 10 })).totalCount).toBe(1);
    });
  });
}
