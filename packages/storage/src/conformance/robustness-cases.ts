import type { ConfigKey } from '../config-store.js';
import { md5Hex } from '../text.js';
import { rejectsWith, type SuiteContext } from './api.js';

/** Hostile input, atomicity under injected faults, durability across reopen, lifecycle. */
export function robustnessCases(s: SuiteContext): void {
  const { t, supports } = s;
  const { describe, it, expect } = t;

  describe('hostile input', () => {
    const hostile = [
      `it's "quoted"`,
      '100%_off',
      '../../etc/passwd',
      "'; DROP TABLE config_info; --",
      'back\\slash*star?',
      '配置中心.数据',
      'Ünïcødé-ß',
      'x'.repeat(255),
    ];
    it('stores and finds hostile dataIds, groups and tenants byte for byte', async () => {
      const c = s.store().configs;
      for (const [i, h] of hostile.entries()) {
        const key: ConfigKey = { dataId: h, group: h.slice(0, 128), tenant: h.slice(0, 128) };
        const content = `${h}\n${'内容'.repeat(5000)}`;
        const r = await c.publish({ ...key, content, appName: h.slice(0, 128), desc: h.slice(0, 256) });
        expect(r.config.md5).toBe(md5Hex(content));
        const got = await c.get(key);
        expect([got?.dataId, got?.group, got?.tenant, got?.content]).toEqual([
          key.dataId,
          key.group,
          key.tenant,
          content,
        ]);
        const found = await c.search(
          { tenant: key.tenant, mode: 'accurate', dataId: h },
          { pageNo: 1, pageSize: 10 },
        );
        expect(found.pageItems.map((x) => x.dataId)).toEqual([h]);
        expect((await s.store().history.list(key, { pageNo: 1, pageSize: 10 })).totalCount).toBe(1);
        expect(i >= 0).toBe(true);
      }
      // Nothing leaked across keys: each tenant holds exactly its own config.
      for (const h of hostile) expect(await c.count(h.slice(0, 128))).toBe(1);
    });

    it('10k-character content and a 10k-character key', async () => {
      const c = s.store().configs;
      const content = 'é'.repeat(10_000);
      await c.publish({ dataId: 'big', group: 'g', tenant: '', content });
      expect((await c.get({ dataId: 'big', group: 'g', tenant: '' }))?.content).toBe(content);
      await rejectsWith(
        t,
        (async () => c.publish({ dataId: 'k'.repeat(10_000), group: 'g', tenant: '', content }))(),
        'STORAGE_INVALID_ARGUMENT',
      );
    });

    if (supports.fourByteUtf8) {
      it('characters outside the BMP round-trip and sort by code point', async () => {
        const c = s.store().configs;
        await c.publish({ dataId: 'emoji-😀', group: 'g', tenant: '', content: '🚀 launch' });
        expect((await c.get({ dataId: 'emoji-😀', group: 'g', tenant: '' }))?.content).toBe('🚀 launch');
        await s.store().kv.batch([
          { type: 'put', key: '\uFFFF', value: Uint8Array.of(1) },
          { type: 'put', key: '😀', value: Uint8Array.of(2) },
          { type: 'put', key: '\uE000', value: Uint8Array.of(3) },
        ]);
        expect((await s.store().kv.range({}, 10)).map((e) => e.key)).toEqual(['\uE000', '\uFFFF', '😀']);
      });
    }
  });

  if (supports.faultInjection) {
    describe('atomicity (injected faults)', () => {
      const KEY = { dataId: 'atomic', group: 'g', tenant: 'ns' };
      it('a failed publish leaves neither the config nor its history row', async () => {
        const st = s.store();
        await st.configs.publish({ ...KEY, content: 'v1' });
        st.faults?.failNext('config-write');
        await rejectsWith(t, st.configs.publish({ ...KEY, content: 'v2' }), 'STORAGE_INJECTED_FAULT');
        expect((await st.configs.get(KEY))?.content).toBe('v1');
        expect((await st.history.list(KEY, { pageNo: 1, pageSize: 10 })).totalCount).toBe(1);
        st.faults?.failNext('config-write');
        await rejectsWith(
          t,
          st.configs.publish({ ...KEY, dataId: 'fresh', content: 'n' }),
          'STORAGE_INJECTED_FAULT',
        );
        expect(await st.configs.get({ ...KEY, dataId: 'fresh' })).toBe(undefined);
        expect(
          (await st.history.list({ ...KEY, dataId: 'fresh' }, { pageNo: 1, pageSize: 10 })).totalCount,
        ).toBe(0);
        expect(await st.configs.count('ns')).toBe(1);
        const ok = await st.configs.publish({ ...KEY, content: 'v3' });
        const h = await st.history.get(ok.historyNid);
        expect([h?.opType, h?.content]).toEqual(['U', 'v1']);
      });

      it('a failed delete leaves the config and writes no history', async () => {
        const st = s.store();
        await st.configs.publish({ ...KEY, content: 'v1' });
        st.faults?.failNext('config-write');
        await rejectsWith(t, st.configs.delete(KEY), 'STORAGE_INJECTED_FAULT');
        expect((await st.configs.get(KEY))?.content).toBe('v1');
        expect((await st.history.list(KEY, { pageNo: 1, pageSize: 10 })).totalCount).toBe(1);
        st.faults?.clear();
        expect((await st.configs.delete(KEY))?.config.content).toBe('v1');
      });

      it('a failed kv import leaves the old contents', async () => {
        const st = s.store();
        await st.kv.batch([{ type: 'put', key: 'old', value: Uint8Array.of(1) }]);
        st.faults?.failNext('kv-import');
        async function* chunks() {
          yield { entries: [{ key: 'a', value: Uint8Array.of(9) }] };
          yield { entries: [{ key: 'b', value: Uint8Array.of(9) }] };
        }
        await rejectsWith(t, st.kv.import(chunks()), 'STORAGE_INJECTED_FAULT');
        expect((await st.kv.range({}, 100)).map((e) => e.key)).toEqual(['old']);
        expect(await st.kv.import(chunks())).toBe(2);
        expect((await st.kv.range({}, 100)).map((e) => e.key)).toEqual(['a', 'b']);
      });
    });
  }

  if (supports.persistent) {
    describe('durability', () => {
      it('everything survives reopen and ids keep increasing', async () => {
        let st = s.store();
        const a = await st.configs.publish({ dataId: 'd', group: 'g', tenant: '', content: 'v1', time: 10 });
        await st.configs.publish({ dataId: 'd', group: 'g', tenant: '', content: 'v2', time: 20 });
        await st.namespaces.create({ id: 'ns', name: 'N', time: 1 });
        await st.users.create({ username: 'u', password: `$2a$10$${'c'.repeat(53)}` });
        await st.roles.add({ role: 'r', username: 'u' });
        await st.permissions.add({ role: 'r', resource: '*:*:*', action: 'rw' });
        await st.naming.put('service', 'a@@b', '{"x":1}');
        await st.kv.batch([{ type: 'put', key: 'k', value: Uint8Array.of(1, 2, 3) }]);
        st = await s.reopen();
        const c = await st.configs.get({ dataId: 'd', group: 'g', tenant: '' });
        expect([c?.id, c?.content, c?.createdTime, c?.modifiedTime]).toEqual([a.config.id, 'v2', 10, 20]);
        expect(
          (await st.history.list({ dataId: 'd', group: 'g', tenant: '' }, { pageNo: 1, pageSize: 5 }))
            .totalCount,
        ).toBe(2);
        expect((await st.namespaces.get('ns'))?.name).toBe('N');
        expect((await st.users.get('u'))?.enabled).toBe(true);
        expect(await st.roles.listByUsername('u')).toEqual([{ role: 'r', username: 'u' }]);
        expect(await st.permissions.listByRoles(['r'])).toEqual([
          { role: 'r', resource: '*:*:*', action: 'rw' },
        ]);
        expect(await st.naming.get('service', 'a@@b')).toBe('{"x":1}');
        expect(await st.kv.get('k')).toEqual(Uint8Array.of(1, 2, 3));
        const b = await st.configs.publish({ dataId: 'e', group: 'g', tenant: '', content: 'x' });
        expect(b.config.id > a.config.id).toBe(true);
      });
    });
  }

  describe('lifecycle', () => {
    it('close is idempotent and every call after it rejects STORAGE_CLOSED', async () => {
      const st = s.store();
      await st.configs.publish({ dataId: 'd', group: 'g', tenant: '', content: 'v' });
      await st.close();
      await st.close();
      await rejectsWith(t, st.configs.get({ dataId: 'd', group: 'g', tenant: '' }), 'STORAGE_CLOSED');
      await rejectsWith(
        t,
        st.configs.publish({ dataId: 'd', group: 'g', tenant: '', content: 'x' }),
        'STORAGE_CLOSED',
      );
      await rejectsWith(t, st.kv.get('k'), 'STORAGE_CLOSED');
      await rejectsWith(t, st.users.list({ pageNo: 1, pageSize: 1 }), 'STORAGE_CLOSED');
    });

    it('close waits for writes in flight', async () => {
      const st = s.store();
      const writes = Array.from({ length: 10 }, (_, i) =>
        st.configs.publish({ dataId: `d${i}`, group: 'g', tenant: '', content: 'v' }),
      );
      await st.close();
      const settled = await Promise.allSettled(writes);
      expect(settled.every((r) => r.status === 'fulfilled')).toBe(true);
    });
  });
}
