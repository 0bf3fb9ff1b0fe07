import { callRejects, HASH_A, HASH_B, rejectsWith, type SuiteContext } from './api.js';

/** Namespaces, users, roles, permissions. */
export function authCases(s: SuiteContext): void {
  const { t } = s;
  const { describe, it, expect } = t;

  describe('namespaces', () => {
    it('create, get, update, delete, list in creation order', async () => {
      const ns = s.store().namespaces;
      await ns.create({ id: 'b-dev', name: 'Dev', desc: 'd', time: 2 });
      await ns.create({ id: 'a-prod', name: 'Prod', time: 3 });
      await ns.create({ id: 'c-test', name: 'Test', time: 2 });
      await rejectsWith(t, ns.create({ id: 'a-prod', name: 'dup' }), 'STORAGE_CONFLICT');
      expect(await ns.get('a-prod')).toEqual({
        id: 'a-prod',
        name: 'Prod',
        desc: '',
        createdTime: 3,
        modifiedTime: 3,
      });
      expect(await ns.get('')).toBe(undefined);
      expect(await ns.get('zzz')).toBe(undefined);
      const u = await ns.update('b-dev', { name: 'Development', time: 9 });
      expect([u.name, u.desc, u.createdTime, u.modifiedTime]).toEqual(['Development', 'd', 2, 9]);
      await rejectsWith(t, ns.update('nope', { name: 'x' }), 'STORAGE_NOT_FOUND');
      expect((await ns.list()).map((n) => n.id)).toEqual(['b-dev', 'c-test', 'a-prod']);
      expect(await ns.delete('c-test')).toBe(true);
      expect(await ns.delete('c-test')).toBe(false);
      expect((await ns.list()).map((n) => n.id)).toEqual(['b-dev', 'a-prod']);
      await callRejects(t, () => ns.create({ id: '', name: 'x' }), 'STORAGE_INVALID_ARGUMENT');
      await callRejects(t, () => ns.create({ id: 'i'.repeat(129), name: 'x' }), 'STORAGE_INVALID_ARGUMENT');
      expect((await ns.list()).length).toBe(2);
    });
  });

  describe('users', () => {
    it('create, get, updatePassword, list paged by name, search', async () => {
      const u = s.store().users;
      for (const name of ['nacos', 'bob', 'alice', 'albert'])
        await u.create({ username: name, password: HASH_A });
      await rejectsWith(t, u.create({ username: 'bob', password: HASH_B }), 'STORAGE_CONFLICT');
      expect(await u.get('bob')).toEqual({ username: 'bob', password: HASH_A, enabled: true });
      expect(await u.get('nobody')).toBe(undefined);
      await u.updatePassword('bob', HASH_B);
      expect((await u.get('bob'))?.password).toBe(HASH_B);
      await rejectsWith(t, u.updatePassword('nobody', HASH_B), 'STORAGE_NOT_FOUND');
      const p = await u.list({ pageNo: 1, pageSize: 3 });
      expect([p.totalCount, p.pagesAvailable]).toEqual([4, 2]);
      expect(p.pageItems.map((x) => x.username)).toEqual(['albert', 'alice', 'bob']);
      expect((await u.list({ pageNo: 2, pageSize: 3 })).pageItems.map((x) => x.username)).toEqual(['nacos']);
      expect(await u.search('al', 10)).toEqual(['albert', 'alice']);
      expect(await u.search('b', 10)).toEqual(['albert', 'bob']);
      expect(await u.search('%', 10)).toEqual([]);
      expect(await u.search('', 2)).toEqual(['albert', 'alice']);
    });

    it('refuses anything that is not a bcrypt hash, and stores disabled users', async () => {
      const u = s.store().users;
      for (const password of ['nacos', '', `$2a$10$${'a'.repeat(52)}`, `$1$${'a'.repeat(53)}`]) {
        await callRejects(t, () => u.create({ username: 'x', password }), 'STORAGE_INVALID_ARGUMENT');
      }
      await callRejects(
        t,
        () => u.create({ username: 'n'.repeat(51), password: HASH_A }),
        'STORAGE_INVALID_ARGUMENT',
      );
      expect(await u.get('x')).toBe(undefined);
      await u.create({ username: 'off', password: HASH_A, enabled: false });
      expect((await u.get('off'))?.enabled).toBe(false);
      await callRejects(t, () => u.updatePassword('off', 'plain'), 'STORAGE_INVALID_ARGUMENT');
    });

    it('delete removes the user and its role bindings together', async () => {
      const st = s.store();
      await st.users.create({ username: 'eve', password: HASH_A });
      await st.roles.add({ role: 'r1', username: 'eve' });
      await st.roles.add({ role: 'r2', username: 'eve' });
      await st.roles.add({ role: 'r1', username: 'other' });
      expect(await st.users.delete('eve')).toBe(true);
      expect(await st.users.delete('eve')).toBe(false);
      expect(await st.roles.listByUsername('eve')).toEqual([]);
      expect((await st.roles.list({ pageNo: 1, pageSize: 10 })).pageItems).toEqual([
        { role: 'r1', username: 'other' },
      ]);
    });
  });

  describe('roles', () => {
    it('add, conflict, list with filter and paging, listByUsername, search, delete', async () => {
      const r = s.store().roles;
      await r.add({ role: 'ROLE_ADMIN', username: 'nacos' });
      await r.add({ role: 'dev', username: 'bob' });
      await r.add({ role: 'dev', username: 'alice' });
      await r.add({ role: 'ops', username: 'bob' });
      await rejectsWith(t, r.add({ role: 'dev', username: 'bob' }), 'STORAGE_CONFLICT');
      const all = await r.list({ pageNo: 1, pageSize: 10 });
      expect(all.pageItems).toEqual([
        { role: 'ROLE_ADMIN', username: 'nacos' },
        { role: 'dev', username: 'alice' },
        { role: 'dev', username: 'bob' },
        { role: 'ops', username: 'bob' },
      ]);
      const p2 = await r.list({ pageNo: 2, pageSize: 3 });
      expect([p2.totalCount, p2.pageItems.length]).toEqual([4, 1]);
      expect((await r.list({ pageNo: 1, pageSize: 10 }, { username: 'bob' })).pageItems).toEqual([
        { role: 'dev', username: 'bob' },
        { role: 'ops', username: 'bob' },
      ]);
      expect(await r.listByUsername('bob')).toEqual([
        { role: 'dev', username: 'bob' },
        { role: 'ops', username: 'bob' },
      ]);
      expect(await r.search('o', 10)).toEqual(['ops']);
      expect(await r.search('', 10)).toEqual(['ROLE_ADMIN', 'dev', 'ops']);
      expect(await r.search('e', 10)).toEqual(['dev']);
      expect(await r.delete('dev', 'bob')).toBe(1);
      expect(await r.delete('dev', 'bob')).toBe(0);
      expect(await r.delete('dev')).toBe(1);
      expect(await r.listByUsername('alice')).toEqual([]);
      expect((await r.list({ pageNo: 1, pageSize: 10 })).totalCount).toBe(2);
    });
  });

  describe('permissions', () => {
    it('add, conflict, delete, list with filter, listByRoles', async () => {
      const p = s.store().permissions;
      await p.add({ role: 'dev', resource: 'ns1:*:config/*', action: 'r' });
      await p.add({ role: 'dev', resource: 'ns1:*:naming/*', action: 'rw' });
      await p.add({ role: 'ops', resource: ':*:*', action: 'w' });
      await p.add({ role: 'dev', resource: 'ns1:*:config/*', action: 'w' });
      await rejectsWith(
        t,
        p.add({ role: 'dev', resource: 'ns1:*:config/*', action: 'r' }),
        'STORAGE_CONFLICT',
      );
      const dev = await p.list({ pageNo: 1, pageSize: 2 }, { role: 'dev' });
      expect([dev.totalCount, dev.pagesAvailable]).toEqual([3, 2]);
      expect(dev.pageItems).toEqual([
        { role: 'dev', resource: 'ns1:*:config/*', action: 'r' },
        { role: 'dev', resource: 'ns1:*:config/*', action: 'w' },
      ]);
      expect((await p.list({ pageNo: 1, pageSize: 10 })).totalCount).toBe(4);
      expect((await p.listByRoles(['ops', 'none'])).map((x) => x.resource)).toEqual([':*:*']);
      expect(await p.delete({ role: 'dev', resource: 'ns1:*:config/*', action: 'w' })).toBe(true);
      expect(await p.delete({ role: 'dev', resource: 'ns1:*:config/*', action: 'w' })).toBe(false);
      expect((await p.listByRoles(['dev'])).length).toBe(2);
      await callRejects(
        t,
        () => p.add({ role: 'dev', resource: '', action: 'r' }),
        'STORAGE_INVALID_ARGUMENT',
      );
      await callRejects(
        t,
        () => p.add({ role: 'dev', resource: 'x', action: 'rwrwrwrwx' }),
        'STORAGE_INVALID_ARGUMENT',
      );
    });
  });
}
