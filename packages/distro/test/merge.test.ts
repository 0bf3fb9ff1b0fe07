import { afterEach, describe, expect, it } from 'vitest';
import { SimCluster, seedFromEnv } from '../src/testing/index.js';

/** A grow-only set of strings, kept sorted: the join is the union. */
type Items = readonly string[];

function union(local: Items, remote: Items): Items {
  const all = [...new Set([...local, ...remote])].sort();
  return all.length === remote.length ? remote : all;
}

let cluster: SimCluster<Items, string> | undefined;
afterEach(() => {
  cluster?.stop();
  cluster = undefined;
});

function make(seed: number, merge: boolean): SimCluster<Items, string> {
  cluster = new SimCluster<Items, string>({
    ids: ['m1', 'm2', 'm3'],
    seed,
    distro: {
      syncDelayMs: 100,
      verifyIntervalMs: 1000,
      reduce: (current, item) => [...new Set([...(current ?? []), item])].sort(),
      ...(merge && { merge: union }),
    },
  });
  return cluster;
}

/** Both sides of a partition add an item to one key, each believing itself responsible. */
async function splitWrites(c: SimCluster<Items, string>): Promise<void> {
  await c.start();
  const first = c.member('m1').distro.update('k', 'base');
  await c.run(2000);
  await first;
  c.partition([['m1'], ['m2', 'm3']]);
  const left = c.member('m1').distro.update('k', 'left');
  const right = c.member('m2').distro.update('k', 'right');
  await c.run(3000);
  await Promise.all([left, right]);
  c.heal();
  await c.runUntil(() => c.converged(), 20_000, 'convergence after heal');
}

describe('merge option', () => {
  it('joins concurrent versions of a key instead of keeping only the newer one', async () => {
    const seed = seedFromEnv(31);
    const c = make(seed, true);
    await splitWrites(c);
    for (const m of c.upMembers())
      expect(m.distro.get('k'), `seed ${seed}`).toEqual(['base', 'left', 'right']);
  });

  it('without it, the newer version wins and the other side loses its item', async () => {
    const c = make(seedFromEnv(31), false);
    await splitWrites(c);
    const values = c.upMembers().map((m) => m.distro.get('k'));
    expect(new Set(values.map((v) => JSON.stringify(v))).size).toBe(1);
    expect(values[0]).toHaveLength(2);
  });

  it('settles: once joined, members stop rewriting the key', async () => {
    const c = make(seedFromEnv(32), true);
    await splitWrites(c);
    const versions = () => c.upMembers().map((m) => JSON.stringify(m.distro.entry('k')?.version));
    const before = versions();
    await c.run(10_000);
    expect(versions()).toEqual(before);
  });
});

describe('syncAtOnce', () => {
  async function removalThenCrash(atOnce: boolean): Promise<(Items | undefined)[]> {
    const c = new SimCluster<Items, string>({
      ids: ['m1', 'm2', 'm3'],
      seed: seedFromEnv(33),
      distro: {
        syncDelayMs: 1000,
        verifyIntervalMs: 1000,
        reduce: (current, op) => (current ?? []).filter((item) => item !== op.slice(1)),
        ...(atOnce && { syncAtOnce: (op: string) => op.startsWith('-') }),
      },
    });
    cluster = c;
    await c.start();
    const owner = c.member('m1').distro.responsibleFor('k');
    const put = c.member(owner).distro.put('k', ['a', 'b']);
    await c.run(3000);
    await put;
    // The owner removes "a", acknowledges, and dies 50 ms later, inside its 1 s window.
    const removal = c.member(owner).distro.update('k', '-a');
    await c.run(50);
    await removal;
    c.crash(owner);
    await c.run(5000);
    return c.upMembers().map((m) => m.distro.get('k'));
  }

  it('sends a named operation at once, so the owner dying inside the window does not lose it', async () => {
    const values = await removalThenCrash(true);
    expect(values).toEqual([['b'], ['b']]);
  });

  it('without it the acknowledged removal dies with the owner', async () => {
    const values = await removalThenCrash(false);
    expect(values).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });
});
