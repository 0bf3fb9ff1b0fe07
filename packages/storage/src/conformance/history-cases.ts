import { rejectsWith, type SuiteContext } from './api.js';

/** Config history: list newest first with paging, get, previous, purge. */
export function historyCases(s: SuiteContext): void {
  const { t } = s;
  const { describe, it, expect } = t;
  const KEY = { dataId: 'h.properties', group: 'G', tenant: 'ns' };

  describe('history', () => {
    it('lists one key newest first, paged, across delete and re-create', async () => {
      const st = s.store();
      for (let i = 1; i <= 5; i++) await st.configs.publish({ ...KEY, content: `v${i}`, time: i * 100 });
      await st.configs.delete(KEY, { time: 600 });
      await st.configs.publish({ ...KEY, content: 'again', time: 700 });
      await st.configs.publish({ ...KEY, dataId: 'other', content: 'o', time: 800 });
      const p1 = await st.history.list(KEY, { pageNo: 1, pageSize: 3 });
      expect([p1.totalCount, p1.pagesAvailable]).toEqual([7, 3]);
      expect(p1.pageItems.map((h) => [h.opType, h.content])).toEqual([
        ['I', 'again'],
        ['D', 'v5'],
        ['U', 'v4'],
      ]);
      const p3 = await st.history.list(KEY, { pageNo: 3, pageSize: 3 });
      expect(p3.pageItems.map((h) => [h.opType, h.content, h.modifiedTime])).toEqual([['I', 'v1', 100]]);
      const nids = [
        ...p1.pageItems,
        ...(await st.history.list(KEY, { pageNo: 2, pageSize: 3 })).pageItems,
      ].map((h) => h.nid);
      expect(nids).toEqual([...nids].sort((a, b) => b - a));
      expect((await st.history.list({ ...KEY, tenant: '' }, { pageNo: 1, pageSize: 3 })).totalCount).toBe(0);
    });

    it('get by nid and previous by config id', async () => {
      const st = s.store();
      const a = await st.configs.publish({ ...KEY, content: 'one' });
      const b = await st.configs.publish({ ...KEY, content: 'two' });
      const c = await st.configs.publish({ ...KEY, content: 'three' });
      expect((await st.history.get(a.historyNid))?.content).toBe('one');
      expect(await st.history.get(c.historyNid + 100)).toBe(undefined);
      expect(await st.history.get(0)).toBe(undefined);
      const id = a.config.id;
      expect((await st.history.previous(id))?.nid).toBe(c.historyNid);
      expect((await st.history.previous(id, c.historyNid))?.nid).toBe(b.historyNid);
      expect((await st.history.previous(id, a.historyNid))?.nid).toBe(undefined);
      expect(await st.history.previous(id + 100)).toBe(undefined);
      await rejectsWith(t, (async () => st.history.get(Number.NaN))(), 'STORAGE_INVALID_ARGUMENT');
    });

    it('purgeBefore removes old rows, oldest first, bounded by limit', async () => {
      const st = s.store();
      for (let i = 1; i <= 6; i++) await st.configs.publish({ ...KEY, content: `v${i}`, time: i * 1000 });
      expect(await st.history.purgeBefore(4500, 2)).toBe(2);
      expect(await st.history.purgeBefore(4500, 100)).toBe(2);
      expect(await st.history.purgeBefore(4500, 100)).toBe(0);
      const left = await st.history.list(KEY, { pageNo: 1, pageSize: 10 });
      expect(left.pageItems.map((h) => h.modifiedTime)).toEqual([6000, 5000]);
      expect((await st.history.previous(left.pageItems[0]?.id ?? 0, left.pageItems[1]?.nid))?.nid).toBe(
        undefined,
      );
      expect((await st.configs.get(KEY))?.content).toBe('v6');
      await rejectsWith(t, (async () => st.history.purgeBefore(1, 0))(), 'STORAGE_INVALID_ARGUMENT');
    });
  });
}
