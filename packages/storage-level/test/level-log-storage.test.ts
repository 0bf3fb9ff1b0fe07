import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { confStateOf, type Entry, EntryType, type LogStorage } from '@reg/raft';
import { runLogStorageSuite } from '@reg/raft/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32, crc32Js } from '../src/crc32.js';
import { LevelLogStorage } from '../src/level-log-storage.js';
import { tempDir } from './tmp.js';

runLogStorageSuite(
  'LevelLogStorage',
  async () => {
    const dir = await tempDir('raft-log-suite');
    const opened: LogStorage[] = [];
    return {
      open: async () => {
        const s = new LevelLogStorage({ location: join(dir.path, 'log') });
        opened.push(s);
        return s;
      },
      destroy: async () => {
        for (const s of opened) await s.close();
        await dir.remove();
      },
    };
  },
  { describe, it, expect },
  { snapshots: true },
);

function ents(from: number, to: number, term: number, size = 8): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) {
    out.push({ index: i, term, type: EntryType.Normal, data: new Uint8Array(size).fill(i & 0xff) });
  }
  return out;
}

describe('LevelLogStorage', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  async function fresh(): Promise<{ location: string; open: () => Promise<LevelLogStorage> }> {
    const dir = await tempDir('raft-log');
    const location = join(dir.path, 'log');
    const opened: LevelLogStorage[] = [];
    cleanups.push(async () => {
      for (const s of opened) await s.close();
      await dir.remove();
    });
    return {
      location,
      open: async () => {
        const s = new LevelLogStorage({ location });
        opened.push(s);
        return s;
      },
    };
  }

  it('group commit: overlapping appends share fsyncs and land in call order', async () => {
    const f = await fresh();
    const s = await f.open();
    await s.load();
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) calls.push(s.append({ entries: ents(i * 10 + 1, i * 10 + 10, 1) }));
    await Promise.all(calls);
    // The first call starts a sync; the 99 that arrive meanwhile share the next one.
    expect(s.syncCount).toBe(2);
    await s.close();
    const state = await (await f.open()).load();
    expect(state.entries.length).toBe(1000);
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('fsyncs entries, terms and votes, but not a write that only raises the commit index', async () => {
    const f = await fresh();
    const s = await f.open();
    await s.load();
    await s.append({ entries: ents(1, 3, 1), hardState: { term: 1, vote: 2, commit: 0 } });
    expect(s.syncCount).toBe(1);
    // Commit-only: etcd's MustSync rule; recovered from the leader after a power loss.
    await s.append({ entries: [], hardState: { term: 1, vote: 2, commit: 2 } });
    await s.append({ entries: [], hardState: { term: 1, vote: 2, commit: 3 } });
    expect(s.syncCount).toBe(1);
    await s.append({ entries: [], hardState: { term: 2, vote: 0, commit: 3 } });
    expect(s.syncCount).toBe(2);
    await s.append({ entries: [], hardState: { term: 2, vote: 3, commit: 3 } });
    expect(s.syncCount).toBe(3);
    await s.append({ entries: ents(4, 4, 2) });
    expect(s.syncCount).toBe(4);
    await s.close();
    // Written in order all the same: a clean reopen (or a process crash) sees every commit.
    const state = await (await f.open()).load();
    expect(state.hardState).toEqual({ term: 2, vote: 3, commit: 3 });
    expect(state.entries.length).toBe(4);
  });

  it('a bad call among queued ones rejects alone and changes nothing', async () => {
    const f = await fresh();
    const s = await f.open();
    await s.load();
    const a = s.append({ entries: ents(1, 5, 1) });
    await expect(s.append({ entries: ents(9, 10, 1) })).rejects.toMatchObject({
      code: 'RAFT_STORAGE_INVALID',
    });
    await expect(s.append({ entries: ents(6, 6, 0) })).rejects.toMatchObject({
      code: 'RAFT_STORAGE_INVALID',
    });
    const b = s.append({ entries: ents(6, 8, 2), hardState: { term: 2, vote: 1, commit: 8 } });
    await Promise.all([a, b]);
    await expect(s.append({ entries: [], hardState: { term: 1, vote: 1, commit: 8 } })).rejects.toMatchObject(
      {
        code: 'RAFT_STORAGE_INVALID',
      },
    );
    await s.close();
    const state = await (await f.open()).load();
    expect(state.entries.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
      [6, 2],
      [7, 2],
      [8, 2],
    ]);
    expect(state.hardState).toEqual({ term: 2, vote: 1, commit: 8 });
  });

  it('truncates a conflicting suffix and compacts, across reopen', async () => {
    const f = await fresh();
    let s = await f.open();
    await s.load();
    await s.append({ entries: ents(1, 20, 1) });
    await s.append({ entries: ents(11, 12, 3), hardState: { term: 3, vote: 2, commit: 10 } });
    await s.compact({ index: 5, term: 1, confState: confStateOf([1, 2, 3]) });
    await s.close();
    s = await f.open();
    const state = await s.load();
    expect(state.snapshot).toEqual({ index: 5, term: 1, confState: confStateOf([1, 2, 3]) });
    expect(state.entries.map((e) => [e.index, e.term])).toEqual([
      [6, 1],
      [7, 1],
      [8, 1],
      [9, 1],
      [10, 1],
      [11, 3],
      [12, 3],
    ]);
    expect(state.entries[6]?.data).toEqual(new Uint8Array(8).fill(12));
    await expect(s.append({ entries: ents(5, 5, 3) })).rejects.toMatchObject({
      code: 'RAFT_STORAGE_COMPACTED',
    });
    await expect(s.compact({ index: 4, term: 1, confState: confStateOf([1]) })).rejects.toMatchObject({
      code: 'RAFT_STORAGE_COMPACTED',
    });
  });

  it('a second instance on the same folder is refused while the first holds it', async () => {
    const f = await fresh();
    const a = await f.open();
    await a.append({ entries: ents(1, 1, 1) });
    const b = await f.open();
    await expect(b.load()).rejects.toMatchObject({ code: 'STORAGE_IO' });
    await expect(b.append({ entries: ents(2, 2, 1) })).rejects.toMatchObject({ code: 'RAFT_STORAGE_FAILED' });
    await a.close();
    await expect(a.append({ entries: ents(2, 2, 1) })).rejects.toMatchObject({ code: 'RAFT_STORAGE_FAILED' });
    const c = await f.open();
    expect((await c.load()).entries.length).toBe(1);
  });

  it('a flipped byte in a stored entry is reported, naming the folder and entry', async () => {
    const f = await fresh();
    const s = await f.open();
    await s.load();
    await s.append({ entries: ents(1, 50, 1, 64) });
    await s.close();
    // Find the entry bytes in LevelDB's write-ahead log and flip one payload byte. LevelDB's own
    // record checksum covers it too, so either layer may catch it; neither may return bad data.
    const files = await readdir(f.location);
    const log = files.find((n) => n.endsWith('.log')) as string;
    const path = join(f.location, log);
    const bytes = await readFile(path);
    const needle = Buffer.alloc(64, 30);
    const at = bytes.indexOf(needle);
    expect(at > 0).toBe(true);
    bytes[at + 10] = (bytes[at + 10] as number) ^ 0xff;
    await writeFile(path, bytes);
    const again = await f.open();
    const err = await again.load().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as { code?: string } | undefined)?.code).toBe('STORAGE_CORRUPTED');
    expect(String((err as Error).message)).toContain(join(f.location, log));
    // The verdict sticks: LevelDB already dropped the damaged file, but the next open still refuses.
    const third = await f.open();
    await expect(third.load()).rejects.toMatchObject({ code: 'STORAGE_CORRUPTED' });
  });

  it('an instance that was never loaded holds no lock and closes cleanly', async () => {
    const f = await fresh();
    const idle = await f.open();
    const active = await f.open();
    await active.append({ entries: ents(1, 3, 1) });
    await idle.close();
    await active.close();
    expect((await (await f.open()).load()).entries.length).toBe(3);
  });

  it('native and table CRC-32 agree', () => {
    const data = new Uint8Array(1000).map((_, i) => (i * 7919) & 0xff);
    expect(crc32(data)).toBe(crc32Js(data));
    expect(crc32Js(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
