import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KvChunk } from '@reg/storage';
import { LevelLogStorage } from '@reg/storage-level';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, SnapshotCodecError } from '../../src/consensus/snapshot-codec.js';
import { counterModule, openPlane } from './standalone-plane.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reg-snap-'));
  dirs.push(dir);
  return dir;
}

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** Cuts a byte stream into pieces of `size` bytes, as Raft may when it sends a snapshot. */
function recut(bytes: Uint8Array[], size: number): Uint8Array[] {
  const all = Buffer.concat(bytes);
  const out: Uint8Array[] = [];
  for (let at = 0; at < all.byteLength; at += size) out.push(new Uint8Array(all.subarray(at, at + size)));
  return out;
}

describe('the snapshot codec', () => {
  const chunks: KvChunk[] = [
    {
      entries: [
        { key: 'a', value: new Uint8Array([1, 2, 3]) },
        { key: 'ключ😀', value: new Uint8Array(0) },
      ],
    },
    { entries: [{ key: 'z'.repeat(300), value: new Uint8Array(5000).fill(7) }] },
  ];

  it('round-trips entries across any cut of the byte stream', async () => {
    const bytes = await collect(encodeSnapshot(from(chunks)));
    const expected = chunks.flatMap((c) => c.entries);
    for (const size of [1, 3, 8, 9, 100, 1 << 20]) {
      const decoded = (await collect(decodeSnapshot(from(recut(bytes, size))))).flatMap((c) => c.entries);
      expect(decoded).toEqual(expected);
    }
  });

  it('refuses a foreign stream, a truncated one and an empty one', async () => {
    const bytes = Buffer.concat(await collect(encodeSnapshot(from(chunks))));
    await expect(collect(decodeSnapshot(from([new TextEncoder().encode('NOTASNAPSHOT')])))).rejects.toThrow(
      SnapshotCodecError,
    );
    await expect(collect(decodeSnapshot(from([bytes.subarray(0, bytes.byteLength - 1)])))).rejects.toThrow(
      /ends inside a record/,
    );
    await expect(collect(decodeSnapshot(from<Uint8Array>([])))).rejects.toThrow(/empty/);
  });
});

describe('log compaction on a standalone plane', () => {
  it('compacts the Raft log and restarts from the compaction point with the state intact', async () => {
    const dir = tempDir();
    let p = await openPlane(dir, { snapshotAfterEntries: 100 });
    let counter = counterModule(p.storage);
    let writer = p.plane.consensus.register(counter.module);
    await p.plane.start();
    let last = 0;
    for (let i = 0; i < 350; i++) last = (await writer.submit({ key: `k${i % 10}`, value: i })).index;
    await p.close();

    // The log folder no longer starts at index 1.
    const log = new LevelLogStorage({ location: join(dir, 'raft') });
    const state = await log.load();
    await log.close();
    expect(state.snapshot.index).toBeGreaterThanOrEqual(100);
    expect(state.entries[0]?.index).toBe(state.snapshot.index + 1);

    p = await openPlane(dir, { snapshotAfterEntries: 100 });
    counter = counterModule(p.storage);
    writer = p.plane.consensus.register(counter.module);
    await p.plane.start();
    try {
      expect(await counter.read('k9')).toEqual({ value: 349, index: last });
      const next = await writer.submit({ key: 'k0', value: 1000 });
      expect(next.index).toBeGreaterThan(last);
      expect(await counter.read('k0')).toEqual({ value: 1000, index: next.index });
    } finally {
      await p.close();
    }
  });

  it('keeps the log whole when a module cannot reload after a restore', async () => {
    const dir = tempDir();
    const p = await openPlane(dir, { snapshotAfterEntries: 100 });
    const { restored: _, ...noHook } = counterModule(p.storage).module;
    const writer = p.plane.consensus.register(noHook);
    await p.plane.start();
    for (let i = 0; i < 150; i++) await writer.submit({ key: 'x', value: i });
    await p.close();
    const log = new LevelLogStorage({ location: join(dir, 'raft') });
    const state = await log.load();
    await log.close();
    expect(state.snapshot.index).toBe(0);
    expect(state.entries.length).toBeGreaterThanOrEqual(150);
  });
});
