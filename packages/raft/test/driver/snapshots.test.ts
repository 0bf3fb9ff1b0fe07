// Snapshots in the driver: automatic compaction, InstallSnapshot streamed in chunks to a follower
// behind the compacted log (surviving lost chunks), and restart from a snapshot plus the log tail.
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { encodeKvCommand } from '../../src/testing/kv.js';
import { Cluster, waitFor } from './cluster.js';

const put = (seq: number, key: string, value: string) =>
  encodeKvCommand({ client: 's', seq, op: 'put', key, value });

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stopAll();
  cluster = undefined;
});

const snapshots = { compactAfterEntries: 40, chunkBytes: 256 };
// Ticks of 20 ms (elections after 200-400 ms): a loaded machine does not depose leaders mid-test.
const options = { snapshots, tickMs: 20 };

/** Proposes on whoever leads, retrying across a leader change (the command is idempotent). */
async function write(c: Cluster, seq: number, key: string, value: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const leader = await c.waitLeader();
    try {
      await leader.propose(put(seq, key, value));
      return;
    } catch (err) {
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('RaftNode snapshots', () => {
  it('compacts the log past the threshold, keeping a saved snapshot', async () => {
    cluster = new Cluster(3, options);
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    for (let i = 1; i <= 120; i++) await write(cluster, i, `k${i % 30}`, `v${i}`);
    const storage = cluster.storages.get(leader.id)!.inner;
    await waitFor(() => storage.state.snapshot.index >= 80, 10_000, 'compaction');
    expect(storage.state.entries.length).toBeLessThan(80);
    expect(storage.savedSnapshotBytes).toBeGreaterThan(0);
    expect(leader.status().lastIndex - leader.status().applied).toBe(0);
  });

  it('a follower behind the compacted log gets the snapshot in chunks, despite lost chunks, and catches up', async () => {
    cluster = new Cluster(3, options);
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    const lagging = cluster.ids.find((id) => id !== leader.id)!;
    cluster.net.isolate(lagging, true, cluster.ids);
    for (let i = 1; i <= 150; i++) await write(cluster, i, `k${i % 40}`, `v${i}`);
    await waitFor(
      () => cluster!.storages.get(leader.id)!.inner.state.snapshot.index > 50,
      10_000,
      'compaction',
    );
    // Lose every third chunk the first time it is sent.
    const seen = new Set<string>();
    let dropped = 0;
    cluster.net.setFilter((m) => {
      if (m.type !== MessageType.Snapshot || m.chunk === undefined) return true;
      const key = `${m.snapshot!.index}:${m.chunk.offset}`;
      if (!seen.has(key) && seen.size % 3 === 2) {
        seen.add(key);
        dropped++;
        return false;
      }
      seen.add(key);
      return true;
    });
    cluster.recordMessages = true;
    cluster.net.isolate(lagging, false, cluster.ids);
    const fsm = cluster.machines.get(lagging)!;
    const lsm = cluster.machines.get(leader.id)!;
    await waitFor(
      () => JSON.stringify(fsm.entries()) === JSON.stringify(lsm.entries()),
      20_000,
      'the follower to catch up',
    );
    const chunks = cluster.sent.filter((m) => m.type === MessageType.Snapshot && m.to === lagging);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((m) => m.chunk!.data.byteLength <= 256)).toBe(true);
    expect(dropped).toBeGreaterThan(0);
    expect(cluster.storages.get(lagging)!.inner.state.snapshot.index).toBeGreaterThan(50);
    // It keeps replicating normally afterwards.
    await write(cluster, 151, 'after', 'yes');
    await waitFor(() => fsm.get('after') === 'yes', 10_000, 'replication after the snapshot');
    expect(cluster.violations).toEqual([]);
  });

  it('restarts from the snapshot plus the log tail', async () => {
    cluster = new Cluster(3, options);
    await cluster.startAll();
    const leader = await cluster.waitLeader();
    for (let i = 1; i <= 100; i++) await write(cluster, i, `k${i % 20}`, `v${i}`);
    const id = cluster.ids.find((x) => x !== leader.id)!;
    await waitFor(
      () => cluster!.storages.get(id)!.inner.state.snapshot.index > 0,
      10_000,
      'follower compaction',
    );
    await waitFor(() => cluster!.machines.get(id)!.get('k0') === 'v100', 10_000, 'follower apply');
    const before = JSON.stringify(cluster.machines.get(id)!.entries());
    await cluster.stop(id);
    const node = await cluster.start(id);
    const sm = cluster.machines.get(id)!;
    expect(JSON.stringify(sm.entries())).toBe(before);
    expect(node.status().applied).toBeGreaterThanOrEqual(100);
    await write(cluster, 101, 'k1', 'again');
    await waitFor(() => sm.get('k1') === 'again', 10_000, 'the restarted node to follow');
  });
});
