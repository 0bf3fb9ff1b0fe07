import type { KvChunk } from '../kv-store.js';
import type { Storage } from '../storage.js';
import { HASH_A, rejectsWith, type SuiteContext } from './api.js';

const KEY = { dataId: 'snap.yaml', group: 'g', tenant: 'ns' };

/** Everything the snapshot cases compare, read through the public API. */
async function observe(st: Storage): Promise<unknown> {
  const page = { pageNo: 1, pageSize: 100 };
  return {
    configs: (await st.configs.search({ tenant: 'ns', mode: 'accurate' }, page)).pageItems,
    history: (await st.history.list(KEY, page)).pageItems,
    namespaces: await st.namespaces.list(),
    users: (await st.users.list(page)).pageItems,
    roles: (await st.roles.list(page)).pageItems,
    permissions: (await st.permissions.list(page)).pageItems,
    naming: (await st.naming.list('service', page)).pageItems,
    kv: await st.kv.range({}, 100),
  };
}

async function collect(source: AsyncIterable<KvChunk>): Promise<KvChunk[]> {
  const out: KvChunk[] = [];
  for await (const c of source) out.push(c);
  return out;
}

async function* replay(chunks: readonly KvChunk[]): AsyncGenerator<KvChunk> {
  yield* chunks;
}

/** Whole-store snapshot export and atomic import (adapters with `supports.snapshot`). */
export function snapshotCases(s: SuiteContext): void {
  const { t, supports } = s;
  if (supports.snapshot !== true) return;
  const { describe, it, expect } = t;

  async function fill(st: Storage): Promise<void> {
    await st.configs.publish({ ...KEY, content: 'v1', time: 1 });
    await st.configs.publish({ ...KEY, content: 'v2', time: 2 });
    await st.configs.publish({ ...KEY, dataId: 'other', content: 'o'.repeat(3000), time: 3 });
    await st.namespaces.create({ id: 'ns', name: 'NS', time: 1 });
    await st.users.create({ username: 'u', password: HASH_A });
    await st.roles.add({ role: 'r', username: 'u' });
    await st.permissions.add({ role: 'r', resource: 'ns:*:config/*', action: 'rw' });
    await st.naming.put('service', 'ns@@g@@svc', '{"a":1}');
    await st.kv.batch([{ type: 'put', key: 'raft/applied', value: Uint8Array.of(9, 9) }]);
  }

  describe('whole-store snapshot', () => {
    it('import restores exactly what export saw, and ids continue from the snapshot', async () => {
      const st = s.store();
      await fill(st);
      const before = await observe(st);
      const chunks = await collect(
        (st.snapshot as NonNullable<Storage['snapshot']>).export({ chunkBytes: 1024 }),
      );
      const total = chunks.reduce((n, c) => n + c.entries.length, 0);
      expect(chunks.length > 1).toBe(true);
      // Diverge: everything done here must disappear.
      const extra = await st.configs.publish({ ...KEY, dataId: 'later', content: 'x' });
      await st.configs.delete(KEY);
      await st.users.create({ username: 'later', password: HASH_A });
      await st.kv.batch([{ type: 'put', key: 'later', value: Uint8Array.of(1) }]);
      expect(await st.snapshot?.import(replay(chunks))).toBe(total);
      expect(await observe(st)).toEqual(before);
      const next = await st.configs.publish({ ...KEY, dataId: 'after', content: 'y' });
      expect(next.config.id).toBe(extra.config.id);
      if (supports.persistent) {
        const reopened = await s.reopen();
        expect((await reopened.configs.get({ ...KEY, dataId: 'after' }))?.content).toBe('y');
        expect((await reopened.configs.get(KEY))?.content).toBe('v2');
        expect(await reopened.users.get('later')).toBe(undefined);
      }
    });

    it('a bad or failing import changes nothing', async () => {
      const st = s.store();
      await fill(st);
      const chunks = await collect(
        (st.snapshot as NonNullable<Storage['snapshot']>).export({ chunkBytes: 512 }),
      );
      await st.configs.publish({ ...KEY, content: 'v3' });
      const before = await observe(st);
      const reversed = [...chunks].reverse();
      await rejectsWith(
        t,
        st.snapshot?.import(replay(reversed)) ?? Promise.resolve(),
        'STORAGE_INVALID_ARGUMENT',
      );
      await rejectsWith(
        t,
        st.snapshot?.import(replay([{ entries: [{ key: 'a', value: Uint8Array.of(1) }] }])) ??
          Promise.resolve(),
        'STORAGE_INVALID_ARGUMENT',
      );
      async function* failing(): AsyncGenerator<KvChunk> {
        yield chunks[0] as KvChunk;
        throw new Error('peer went away');
      }
      await rejectsWith(t, st.snapshot?.import(failing()) ?? Promise.resolve(), 'STORAGE_IO');
      if (supports.faultInjection) {
        st.faults?.failNext('snapshot-import');
        await rejectsWith(
          t,
          st.snapshot?.import(replay(chunks)) ?? Promise.resolve(),
          'STORAGE_INJECTED_FAULT',
        );
      }
      expect(await observe(st)).toEqual(before);
      expect((await st.configs.publish({ ...KEY, content: 'v4' })).opType).toBe('U');
    });

    it('export is a consistent view while writes go on', async () => {
      const st = s.store();
      await fill(st);
      let wrote = false;
      const keys: string[] = [];
      for await (const chunk of (st.snapshot as NonNullable<Storage['snapshot']>).export({
        chunkBytes: 64,
      })) {
        if (!wrote) {
          wrote = true;
          await st.naming.put('service', 'zzz-late', '{}');
        }
        for (const e of chunk.entries) keys.push(e.key);
      }
      expect(keys.some((k) => k.includes('zzz-late'))).toBe(false);
      expect(await st.naming.get('service', 'zzz-late')).toBe('{}');
    });
  });
}
