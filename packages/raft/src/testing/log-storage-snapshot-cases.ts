import { confStateOf, type HardState } from '../core/types.js';
import { ents, plain, rejectsWithCode, type SuiteTestApi, type WithStore } from './log-storage-suite.js';

const hs = (term: number, vote: number, commit: number): HardState => ({ term, vote, commit });

/** A stream of `count` chunks of `size` bytes with a recognisable pattern. */
async function* pattern(count: number, size: number, failAt = -1): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error('stream broke');
    const c = new Uint8Array(size);
    for (let j = 0; j < size; j++) c[j] = (i * 31 + j) & 0xff;
    yield c;
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: number; sum: number }> {
  let bytes = 0;
  let sum = 0;
  for await (const c of chunks) {
    for (let j = 0; j < c.length; j++) sum = (sum * 31 + c[j]!) >>> 0;
    bytes += c.length;
  }
  return { bytes, sum };
}

/** The conformance cases of the optional snapshot capability (`installSnapshot`, `saveSnapshot`, `loadSnapshot`). */
export function registerSnapshotCases(withStore: WithStore, t: SuiteTestApi): void {
  const { it, expect } = t;
  const cs = confStateOf([1, 2, 3], [4]);

  it(
    'installSnapshot keeps the entries after a matching snapshot entry, raises commit, survives reopen',
    withStore(async (s) => {
      await s.store.append({ entries: [...ents(1, 4, 1), ...ents(5, 8, 2)], hardState: hs(2, 1, 3) });
      const snap = { index: 6, term: 2, confState: cs };
      await s.store.installSnapshot!(snap);
      const loaded = await (await s.reopen()).load();
      expect(plain(loaded)).toEqual(
        plain({ hardState: hs(2, 1, 6), snapshot: snap, entries: ents(7, 8, 2) }),
      );
    }),
  );

  it(
    'installSnapshot without the matching entry drops the whole log; appends continue after it',
    withStore(async (s) => {
      await s.store.append({ entries: ents(1, 5, 1), hardState: hs(1, 1, 2) });
      const snap = { index: 9, term: 3, confState: cs };
      await s.store.installSnapshot!(snap);
      await s.store.append({ entries: ents(10, 11, 3), hardState: hs(3, 0, 10) });
      const loaded = await (await s.reopen()).load();
      expect(plain(loaded)).toEqual(
        plain({ hardState: hs(3, 0, 10), snapshot: snap, entries: ents(10, 11, 3) }),
      );
      // A snapshot below the compaction point is refused and changes nothing.
      const before = plain(await s.store.load());
      await rejectsWithCode(expect, s.store.installSnapshot!({ index: 4, term: 1, confState: cs }));
      expect(plain(await s.store.load())).toEqual(before);
    }),
  );

  it(
    'saveSnapshot streams 1 MiB in 64 KiB chunks; loadSnapshot streams it back, also after reopen',
    withStore(async (s) => {
      expect(await s.store.loadSnapshot!()).toBe(undefined);
      const snap = { index: 7, term: 2, confState: cs };
      await s.store.saveSnapshot!(snap, pattern(16, 65536));
      const want = await collect(pattern(16, 65536));
      const again = await (await s.reopen()).loadSnapshot!();
      expect(plain({ hardState: hs(0, 0, 0), snapshot: again!.snapshot, entries: [] })).toEqual(
        plain({ hardState: hs(0, 0, 0), snapshot: snap, entries: [] }),
      );
      expect(await collect(again!.chunks)).toEqual(want);
    }),
  );

  it(
    'a snapshot stream that fails midway leaves the previous snapshot in place',
    withStore(async (s) => {
      const first = { index: 3, term: 1, confState: cs };
      await s.store.saveSnapshot!(first, pattern(4, 1000));
      let failed = false;
      try {
        await s.store.saveSnapshot!({ index: 9, term: 2, confState: cs }, pattern(8, 1000, 5));
      } catch {
        failed = true;
      }
      expect(failed).toBe(true);
      const loaded = await (await s.reopen()).loadSnapshot!();
      expect(loaded!.snapshot.index).toBe(3);
      expect(await collect(loaded!.chunks)).toEqual(await collect(pattern(4, 1000)));
    }),
  );
}
