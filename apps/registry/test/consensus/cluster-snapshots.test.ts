import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openClusterPlanes } from './cluster-planes.js';
import { counterModule, waitFor } from './standalone-plane.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Compaction after this many entries: small, so a few hundred writes compact several times. */
const COMPACT_AFTER = 100;

describe('Raft snapshots in the cluster plane', () => {
  it('compacts the log and brings a member back from a snapshot instead of the compacted entries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reg-cluster-snap-'));
    const c = await openClusterPlanes(dir, 3, 1_000, COMPACT_AFTER);
    cleanups.push(
      async () => rmSync(dir, { recursive: true, force: true }),
      () => c.close(),
    );
    const nodes = c.nodes.map((node) => {
      const counter = counterModule(node.storage);
      return { ...node, counter, writer: node.plane.consensus.register(counter.module) };
    });
    await Promise.all(nodes.map((n) => n.plane.start()));
    await waitFor(() => nodes.some((n) => n.plane.consensus.status().role === 'leader'), 10_000);
    const leader = nodes.find((n) => n.plane.consensus.status().role === 'leader')!;
    const outsider = nodes.find((n) => n !== leader)!;
    const listed = nodes.map((n) => n.self);

    // Cut the outsider off (the leader also drops it from the Raft group), then write past
    // several compactions.
    for (const n of nodes.filter((x) => x !== outsider)) {
      n.table.update(listed.filter((m) => m.address !== outsider.self.address));
    }
    await waitFor(() => leader.plane.groupMembers().length === 2, 10_000);
    const first = await leader.writer.submit({ key: 'early', value: 1 });
    for (let i = 0; i < 3 * COMPACT_AFTER; i++) await leader.writer.submit({ key: `k${i % 7}`, value: i });
    const last = await leader.writer.submit({ key: 'late', value: 2 });
    expect(outsider.counter.applied.some((a) => a.position.index === first.index)).toBe(false);

    // Listed again: it rejoins and must be sent a snapshot, since the entries it lacks are gone.
    for (const n of nodes) n.table.update(listed);
    await waitFor(() => outsider.plane.consensus.status().appliedIndex >= last.index, 20_000);
    expect(outsider.counter.restores.count).toBeGreaterThan(0);
    expect(await outsider.counter.read('early')).toEqual({ value: 1, index: first.index });
    expect(await outsider.counter.read('late')).toEqual({ value: 2, index: last.index });
    // It got the early write through the snapshot, not by applying the compacted entry.
    expect(outsider.counter.applied.some((a) => a.position.index === first.index)).toBe(false);
    for (let i = 0; i < 7; i++) {
      expect(await outsider.counter.read(`k${i}`)).toEqual(await leader.counter.read(`k${i}`));
    }
    // And it follows the log again after the snapshot.
    await waitFor(() => leader.plane.groupMembers().length === 3, 10_000);
    const after = await outsider.writer.submit({ key: 'after', value: 3 });
    expect(await outsider.counter.read('after')).toEqual({ value: 3, index: after.index });
  }, 60_000);
});
