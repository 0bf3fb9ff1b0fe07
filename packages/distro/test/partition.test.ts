import { afterEach, describe, expect, it } from 'vitest';
import { SimCluster, type SimClusterOptions, seedFromEnv } from '../src/testing/index.js';

const ids = ['m1', 'm2', 'm3', 'm4', 'm5'];
let cluster: SimCluster<string> | undefined;

afterEach(() => {
  cluster?.stop();
  cluster = undefined;
});

function make(seed: number, extra: Partial<SimClusterOptions<string, never>> = {}): SimCluster<string> {
  const c = new SimCluster<string>({
    ids,
    seed,
    ...extra,
    distro: { syncDelayMs: 100, verifyIntervalMs: 1000, tombstoneTtlMs: 20_000, ...extra.distro },
  });
  cluster = c;
  return c;
}

async function write(
  c: SimCluster<string>,
  at: string,
  key: string,
  value: string | undefined,
): Promise<void> {
  const d = c.member(at).distro;
  const p = value === undefined ? d.delete(key) : d.put(key, value);
  await c.run(3000);
  await p;
}

describe('partitions', () => {
  it('both sides keep accepting writes, and heal converges', async () => {
    const c = make(seedFromEnv(11));
    await c.start();
    await write(c, 'm1', 'shared', 'before');
    c.partition([
      ['m1', 'm2'],
      ['m3', 'm4', 'm5'],
    ]);
    for (let i = 0; i < 20; i++) {
      await write(c, 'm1', `left-${i}`, 'L');
      await write(c, 'm4', `right-${i}`, 'R');
    }
    await write(c, 'm2', 'shared', 'left');
    await c.run(100);
    await write(c, 'm5', 'shared', 'right');
    expect(c.member('m3').distro.get('left-0')).toBeUndefined();
    c.heal();
    await c.runUntil(() => c.converged(), 10_000, 'convergence after heal');
    for (const m of c.upMembers()) {
      for (let i = 0; i < 20; i++) {
        expect(m.distro.get(`left-${i}`)).toBe('L');
        expect(m.distro.get(`right-${i}`)).toBe('R');
      }
      // Concurrent writes on both sides: the later one (hybrid clock) wins everywhere.
      expect(m.distro.get('shared')).toBe('right');
    }
  });

  it('a delete made while a member was cut off does not resurrect after heal', async () => {
    const c = make(12);
    await c.start();
    await write(c, 'm1', 'gone', 'v');
    await c.runUntil(() => c.converged(), 5000, 'initial convergence');
    // m5 is isolated and still holds "gone"; the rest delete it.
    c.partition([['m1', 'm2', 'm3', 'm4'], ['m5']]);
    await write(c, 'm2', 'gone', undefined);
    expect(c.member('m5').distro.get('gone')).toBe('v');
    c.heal();
    await c.runUntil(() => c.converged(), 10_000, 'convergence');
    await c.run(5000);
    for (const m of c.upMembers()) expect(m.distro.get('gone')).toBeUndefined();
  });

  it('after the tombstone TTL, a stale copy held by a long-partitioned member is deleted, not revived', async () => {
    const c = make(13);
    await c.start();
    await write(c, 'm1', 'old', 'v');
    c.partition([['m1', 'm2', 'm3', 'm4'], ['m5']]);
    await write(c, 'm3', 'old', undefined);
    await c.run(40_000); // twice the TTL: the majority side has collected the tombstone
    expect(c.member('m1').distro.entry('old')).toBeUndefined();
    expect(c.member('m5').distro.get('old')).toBe('v');
    c.heal();
    await c.runUntil(() => c.converged(), 10_000, 'convergence');
    for (const m of c.upMembers()) expect(m.distro.get('old')).toBeUndefined();
  });

  it('a fresh write made on a minority side survives the heal', async () => {
    const c = make(14);
    await c.start();
    c.partition([['m1', 'm2', 'm3', 'm4'], ['m5']]);
    await write(c, 'm5', 'minority', 'kept');
    c.heal();
    await c.runUntil(() => c.converged(), 10_000, 'convergence');
    for (const m of c.upMembers()) expect(m.distro.get('minority')).toBe('kept');
  });
});

describe('message faults', () => {
  it('reordered and duplicated messages are harmless', async () => {
    const c = make(seedFromEnv(15), { faults: { drop: 0, duplicate: 0.5, minDelayMs: 1, maxDelayMs: 400 } });
    await c.start();
    const owner = c.member('m1').distro.responsibleFor('k');
    for (let i = 0; i < 40; i++) {
      await c.member(owner).distro.put('k', `v${i}`);
      await c.run(37); // several sync windows in flight at once, delivered out of order
    }
    await c.runUntil(() => c.converged(), 10_000, 'convergence');
    expect(c.network.stats.duplicated).toBeGreaterThan(0);
    for (const m of c.upMembers()) expect(m.distro.get('k')).toBe('v39');
  });

  it('a slow peer does not stall writes or replication to the others', async () => {
    const c = make(16);
    await c.start();
    c.network.setSlow('m5', 600_000);
    const keys: string[] = [];
    for (let i = 0; keys.length < 20; i++) {
      const k = `fast-${i}`;
      if (c.member('m1').distro.responsibleFor(k) !== 'm5') keys.push(k);
    }
    const acks = keys.map((k) => c.member('m1').distro.put(k, 'v'));
    await c.run(100);
    await Promise.all(acks);
    const fast = c.upMembers().filter((m) => m.id !== 'm5');
    await c.runUntil(() => fast.every((m) => keys.every((k) => m.distro.get(k) === 'v')), 2000, 'fast peers');
    expect(keys.some((k) => c.member('m5').distro.get(k) === 'v')).toBe(false);
    c.network.setSlow('m5', 0);
    await c.runUntil(() => c.converged(), 10_000, 'slow peer catching up');
  });

  it('lost sync messages are repaired by checksum verification', async () => {
    const mismatches: number[] = [];
    const c = make(17, { distro: { metrics: { verifyMismatch: (_f, stale) => mismatches.push(stale) } } });
    await c.start();
    c.network.faults = { drop: 1, duplicate: 0, minDelayMs: 1, maxDelayMs: 5 };
    const owner = c.member('m1').distro;
    const mine = Array.from({ length: 100 }, (_, i) => `k${i}`).filter((k) => owner.isResponsible(k));
    for (const k of mine) await owner.put(k, 'v');
    await c.run(500);
    expect(c.converged()).toBe(false);
    c.network.faults = { drop: 0, duplicate: 0, minDelayMs: 1, maxDelayMs: 5 };
    await c.runUntil(() => c.converged(), 5000, 'repair');
    expect(mismatches.some((n) => n === mine.length)).toBe(true);
  });
});
