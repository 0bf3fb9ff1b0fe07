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

async function cluster() {
  const dir = mkdtempSync(join(tmpdir(), 'reg-cluster-plane-'));
  const c = await openClusterPlanes(dir, 3);
  cleanups.push(
    async () => rmSync(dir, { recursive: true, force: true }),
    () => c.close(),
  );
  const nodes = c.nodes.map((node) => {
    const modules = [counterModule(node.storage)];
    const writers = modules.map((m) => node.plane.consensus.register(m.module));
    return { ...node, modules, writers };
  });
  await Promise.all(nodes.map((node) => node.plane.start()));
  await waitFor(() => {
    const leaders = nodes.filter((n) => n.plane.consensus.status().role === 'leader');
    return (
      leaders.length === 1 &&
      nodes.every((n) => n.plane.consensus.status().leader === leaders[0]?.self.address)
    );
  }, 10_000);
  const leader = nodes.find((n) => n.plane.consensus.status().role === 'leader')!;
  return { nodes, leader, followers: nodes.filter((n) => n !== leader) };
}

describe('the cluster plane in one process', () => {
  it('forwards a follower write, and a read barrier at the other follower sees it', async () => {
    const { followers } = await cluster();
    const [a, b] = followers as [(typeof followers)[0], (typeof followers)[0]];
    const result = await a.writers[0]!.submit({ key: 'x', value: 7 });
    await b.plane.consensus.readBarrier();
    expect(await b.modules[0]!.read('x')).toEqual({ value: 7, index: result.index });
  });

  it('resolves a follower write only once that follower applied it (read-your-writes, no barrier)', async () => {
    const { followers } = await cluster();
    const follower = followers[0]!;
    for (let i = 1; i <= 5; i++) {
      const result = await follower.writers[0]!.submit({ key: `ryw${i}`, value: i });
      expect(follower.plane.consensus.status().appliedIndex).toBeGreaterThanOrEqual(result.index);
      // A stale read straight from this member's storage, with no read barrier.
      expect(await follower.modules[0]!.read(`ryw${i}`)).toEqual({ value: i, index: result.index });
    }
  });

  it('drops a member removed from the member table and takes it back when it is listed again', async () => {
    const { nodes, leader, followers } = await cluster();
    const outsider = followers[0]!;
    const insiders = nodes.filter((n) => n !== outsider);
    const listed = nodes.map((n) => n.self);
    for (const n of insiders) n.table.update(listed.filter((m) => m.address !== outsider.self.address));

    // Cut off, the outsider's election timer runs out and it stops naming a leader...
    await waitFor(() => !outsider.plane.consensus.hasLeader(), 5_000);
    // ...while the others keep a quorum of two and keep writing.
    const during = await leader.writers[0]!.submit({ key: 'y', value: 1 });
    await expect(outsider.writers[0]!.submit({ key: 'y', value: 2 })).rejects.toMatchObject({
      code: 'REG_NO_LEADER',
    });
    expect(await outsider.modules[0]!.read('y')).toBeUndefined();

    for (const n of insiders) n.table.update(listed);
    await waitFor(() => outsider.plane.consensus.hasLeader(), 10_000);
    await outsider.plane.consensus.readBarrier();
    expect(await outsider.modules[0]!.read('y')).toEqual({ value: 1, index: during.index });
  });
});
