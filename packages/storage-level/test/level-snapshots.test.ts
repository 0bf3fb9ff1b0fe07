import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { confStateOf, type SnapshotMetadata } from '@reg/raft';
import { Level } from 'level';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelLogStorage } from '../src/level-log-storage.js';
import { SNAPSHOT_CHUNK_BYTES } from '../src/saved-snapshots.js';
import { CHUNK_HEADER, SNAPSHOT_KEYS } from '../src/snapshot-codec.js';
import { tempDir } from './tmp.js';

const meta = (index: number, term = 1): SnapshotMetadata => ({
  index,
  term,
  confState: confStateOf([1, 2, 3]),
});

async function* from(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

async function sha(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: number; hash: string }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of chunks) {
    h.update(c);
    bytes += c.byteLength;
  }
  return { bytes, hash: h.digest('hex') };
}

const shaOf = (parts: readonly Uint8Array[]) => sha(from(parts));

/** The error a stream throws while being read, or undefined. */
async function streamError(chunks: AsyncIterable<Uint8Array>): Promise<unknown> {
  try {
    await sha(chunks);
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('LevelLogStorage saved snapshots', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function fresh(): Promise<{ location: string; open: () => Promise<LevelLogStorage> }> {
    const dir = await tempDir('raft-snap');
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
        await s.load();
        return s;
      },
    };
  }

  /** Runs `fn` on the raw database (the store must be closed). */
  async function raw<T>(location: string, fn: (db: Level<string, Uint8Array>) => Promise<T>): Promise<T> {
    const db = new Level<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.open();
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  const chunkKeys = (db: Level<string, Uint8Array>) =>
    db.keys({ gte: SNAPSHOT_KEYS.chunksStart, lt: SNAPSHOT_KEYS.chunksEnd }).all();

  it('odd-sized input is stored as bounded chunk values and streams back byte for byte', async () => {
    const f = await fresh();
    const s = await f.open();
    // 1-byte pieces, one piece larger than a chunk, and an empty piece.
    const parts = [
      ...Array.from({ length: 1000 }, (_, i) => Uint8Array.of(i & 0xff)),
      randomBytes(SNAPSHOT_CHUNK_BYTES * 2 + 17),
      new Uint8Array(0),
      randomBytes(5),
    ];
    await s.saveSnapshot(meta(10), from(parts));
    const total = parts.reduce((n, p) => n + p.byteLength, 0);
    await s.close();
    const sizes = await raw(f.location, async (db) =>
      (await db.values({ gte: SNAPSHOT_KEYS.chunksStart, lt: SNAPSHOT_KEYS.chunksEnd }).all()).map(
        (v) => v.byteLength - CHUNK_HEADER,
      ),
    );
    expect(sizes).toEqual([SNAPSHOT_CHUNK_BYTES, SNAPSHOT_CHUNK_BYTES, total - 2 * SNAPSHOT_CHUNK_BYTES]);
    const loaded = await (await f.open()).loadSnapshot();
    expect(loaded?.snapshot).toEqual(meta(10));
    expect(await sha(loaded!.chunks)).toEqual(await shaOf(parts));
  });

  it('an empty snapshot round-trips; a new save replaces the old and deletes its chunks', async () => {
    const f = await fresh();
    let s = await f.open();
    await s.saveSnapshot(meta(3), from([randomBytes(SNAPSHOT_CHUNK_BYTES + 1)]));
    await s.saveSnapshot(meta(4, 2), from([]));
    const loaded = await s.loadSnapshot();
    expect(loaded?.snapshot).toEqual(meta(4, 2));
    expect(await sha(loaded!.chunks)).toEqual(await shaOf([]));
    await s.close();
    expect(await raw(f.location, chunkKeys)).toEqual([]);
    s = await f.open();
    expect((await s.loadSnapshot())?.snapshot).toEqual(meta(4, 2));
  });

  it('overlapping saves apply in call order; a reader keeps the snapshot it opened', async () => {
    const f = await fresh();
    const s = await f.open();
    const a = [randomBytes(600_000)];
    const b = [randomBytes(700_000)];
    const c = [randomBytes(800_000)];
    await s.saveSnapshot(meta(1), from(a));
    const reader = await s.loadSnapshot();
    await Promise.all([s.saveSnapshot(meta(2), from(b)), s.saveSnapshot(meta(3), from(c))]);
    // The first reader still streams snapshot 1 although its chunks were deleted meanwhile.
    expect(await sha(reader!.chunks)).toEqual(await shaOf(a));
    const last = await s.loadSnapshot();
    expect(last?.snapshot.index).toBe(3);
    expect(await sha(last!.chunks)).toEqual(await shaOf(c));
  });

  it('bad input rejects with RAFT_STORAGE_INVALID and keeps the previous snapshot', async () => {
    const f = await fresh();
    const s = await f.open();
    const first = [randomBytes(1000)];
    await s.saveSnapshot(meta(5), from(first));
    await expect(s.saveSnapshot({ index: -1, term: 1 } as SnapshotMetadata, from([]))).rejects.toMatchObject({
      code: 'RAFT_STORAGE_INVALID',
    });
    await expect(
      s.saveSnapshot(meta(6), 'nope' as unknown as AsyncIterable<Uint8Array>),
    ).rejects.toMatchObject({
      code: 'RAFT_STORAGE_INVALID',
    });
    const notBytes = from([randomBytes(SNAPSHOT_CHUNK_BYTES * 3), 'x' as unknown as Uint8Array]);
    await expect(s.saveSnapshot(meta(7), notBytes)).rejects.toMatchObject({ code: 'RAFT_STORAGE_INVALID' });
    // The store stays usable and the abandoned generation is gone.
    await s.append({ entries: [{ index: 1, term: 1, type: 0, data: Uint8Array.of(1) }] });
    const loaded = await s.loadSnapshot();
    expect(loaded?.snapshot.index).toBe(5);
    expect(await sha(loaded!.chunks)).toEqual(await shaOf(first));
    await s.close();
    expect((await raw(f.location, chunkKeys)).length).toBe(1);
  });

  it('close during a save with a stalled producer: the save rejects, the old snapshot stays', async () => {
    const f = await fresh();
    const s = await f.open();
    const first = [randomBytes(3000)];
    await s.saveSnapshot(meta(1), from(first));
    let release = (): void => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    async function* stalled(): AsyncGenerator<Uint8Array> {
      yield randomBytes(SNAPSHOT_CHUNK_BYTES * 17); // one fsync'd batch of chunks gets written
      await gate;
      yield randomBytes(10);
    }
    const saving = s.saveSnapshot(meta(2), stalled());
    await new Promise((r) => setTimeout(r, 200));
    await s.close();
    release();
    await expect(saving).rejects.toMatchObject({ code: 'RAFT_STORAGE_FAILED' });
    const again = await f.open();
    const loaded = await again.loadSnapshot();
    expect(loaded?.snapshot.index).toBe(1);
    expect(await sha(loaded!.chunks)).toEqual(await shaOf(first));
    await again.close();
    // The staged chunks of the abandoned save were deleted at that open.
    expect((await raw(f.location, chunkKeys)).length).toBe(1);
  });

  it('leftover generations are deleted at open and never reused', async () => {
    const f = await fresh();
    const s = await f.open();
    await s.saveSnapshot(meta(1), from([randomBytes(100)]));
    await s.close();
    await raw(f.location, (db) =>
      db.batch([
        { type: 'put', key: SNAPSHOT_KEYS.chunk(40, 0), value: randomBytes(50) },
        { type: 'put', key: SNAPSHOT_KEYS.chunk(40, 1), value: randomBytes(50) },
      ]),
    );
    const t = await f.open();
    await t.close();
    expect((await raw(f.location, chunkKeys)).map(SNAPSHOT_KEYS.genOf)).toEqual([1]);
    // Had that delete been lost in a crash, the next open would see generation 40 again and
    // must write past it, so a save never lands in a generation that may hold stale chunks.
    await raw(f.location, (db) => db.put(SNAPSHOT_KEYS.chunk(40, 7), randomBytes(50)));
    const u = await f.open();
    await u.saveSnapshot(meta(2), from([randomBytes(10)]));
    await u.close();
    expect((await raw(f.location, chunkKeys)).map(SNAPSHOT_KEYS.genOf)).toEqual([41]);
  });

  it('a flipped byte in a stored chunk value is reported, naming the chunk', async () => {
    const f = await fresh();
    const s = await f.open();
    await s.saveSnapshot(meta(1), from([randomBytes(SNAPSHOT_CHUNK_BYTES * 3)]));
    await s.close();
    const key = SNAPSHOT_KEYS.chunk(1, 1);
    await raw(f.location, async (db) => {
      const v = Uint8Array.from((await db.get(key)) as Uint8Array);
      v[CHUNK_HEADER + 1000] = (v[CHUNK_HEADER + 1000] as number) ^ 0x10;
      await db.put(key, v);
    });
    const loaded = await (await f.open()).loadSnapshot();
    const err = await streamError(loaded!.chunks);
    expect(err).toMatchObject({ code: 'STORAGE_CORRUPTED' });
    expect((err as Error).message).toContain('chunk 1');
    expect((err as Error).message).toContain('checksum mismatch');
    expect((err as { location?: string }).location).toContain(key);
  });

  it('a flipped byte inside a LevelDB table file holding chunks is reported', async () => {
    const f = await fresh();
    const s = await f.open();
    const data = randomBytes(SNAPSHOT_CHUNK_BYTES * 24); // 6 MiB: more than LevelDB's 4 MiB memtable
    await s.saveSnapshot(meta(1), from([data]));
    await s.close();
    await (await f.open()).close(); // the reopen moves the rest of the write-ahead log into a table
    const needle = data.subarray(SNAPSHOT_CHUNK_BYTES * 2 + 5000, SNAPSHOT_CHUNK_BYTES * 2 + 5064);
    let flipped = '';
    for (const name of (await readdir(f.location)).filter((n) => n.endsWith('.ldb'))) {
      const bytes = await readFile(join(f.location, name));
      const at = bytes.indexOf(needle);
      if (at < 0) continue;
      bytes[at + 30] = (bytes[at + 30] as number) ^ 0x01;
      await writeFile(join(f.location, name), bytes);
      flipped = name;
      break;
    }
    expect(flipped).not.toBe('');
    const loaded = await (await f.open()).loadSnapshot();
    const err = await streamError(loaded!.chunks);
    expect(err).toMatchObject({ code: 'STORAGE_CORRUPTED' });
    expect((err as Error).message).toContain(f.location);
  });

  it('a missing chunk, a lost tail and a damaged manifest are reported, never a short snapshot', async () => {
    const f = await fresh();
    let s = await f.open();
    await s.saveSnapshot(meta(1), from([randomBytes(SNAPSHOT_CHUNK_BYTES * 4)]));
    await s.close();
    await raw(f.location, (db) => db.del(SNAPSHOT_KEYS.chunk(1, 2)));
    s = await f.open();
    expect(String(await streamError((await s.loadSnapshot())!.chunks))).toContain('missing chunk 2');
    await s.close();
    await raw(f.location, (db) => db.del(SNAPSHOT_KEYS.chunk(1, 3)));
    s = await f.open();
    const tail = await streamError((await s.loadSnapshot())!.chunks);
    expect(tail).toMatchObject({ code: 'STORAGE_CORRUPTED' });
    expect(String(tail)).toContain('ends after 2 of 4 chunks');
    await s.close();
    await raw(f.location, async (db) => {
      const v = Uint8Array.from((await db.get(SNAPSHOT_KEYS.manifest)) as Uint8Array);
      v[10] = (v[10] as number) ^ 0x01;
      await db.put(SNAPSHOT_KEYS.manifest, v);
    });
    s = await f.open(); // the log itself still loads
    const err = await s.loadSnapshot().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'STORAGE_CORRUPTED' });
    expect((err as Error).message).toContain('manifest');
    await s.close();
    // With the manifest unreadable, nothing was deleted at open.
    expect((await raw(f.location, chunkKeys)).length).toBe(2);
  });
});
