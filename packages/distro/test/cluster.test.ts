import { afterEach, describe, expect, it } from 'vitest';
import { Distro } from '../src/distro.js';
import type { DistroMetrics } from '../src/interfaces.js';
import { MessageType, type SyncMessage } from '../src/messages.js';
import { SimCluster, type SimClusterOptions, SimMemberView } from '../src/testing/index.js';

const ids = ['m1', 'm2', 'm3'];
let cluster: SimCluster<string> | SimCluster<string[], string> | undefined;

afterEach(() => {
  cluster?.stop();
  cluster = undefined;
});

function make(seed: number, extra: Partial<SimClusterOptions<string, never>> = {}): SimCluster<string> {
  const c = new SimCluster<string>({
    ids,
    seed,
    ...extra,
    distro: { syncDelayMs: 100, verifyIntervalMs: 1000, ...extra.distro },
  });
  cluster = c;
  return c;
}

/** A key `m` is responsible for in a full view of `ids`. */
function keyOwnedBy(c: SimCluster<string>, m: string, prefix = 'k'): string {
  for (let i = 0; i < 1000; i++)
    if (c.member('m1').distro.responsibleFor(`${prefix}${i}`) === m) return `${prefix}${i}`;
  throw new Error('no key found');
}

describe('writes', () => {
  it('at any member converge everywhere and are applied by the responsible member', async () => {
    const c = make(1);
    await c.start();
    const pending = [];
    for (let i = 0; i < 30; i++) pending.push(c.member(ids[i % 3] as string).distro.put(`svc-${i}`, `v${i}`));
    await c.run(50);
    const acks = await Promise.all(pending);
    await c.runUntil(() => c.converged(), 5000, 'convergence');
    for (const m of c.upMembers()) {
      for (let i = 0; i < 30; i++) expect(m.distro.get(`svc-${i}`)).toBe(`v${i}`);
    }
    for (let i = 0; i < 30; i++) {
      expect(acks[i]?.appliedBy).toBe(c.member('m1').distro.responsibleFor(`svc-${i}`));
      expect(acks[i]?.forwarded).toBe(acks[i]?.appliedBy !== ids[i % 3]);
    }
  });

  it('are forwarded to the next member by the same order when the owner is unreachable', async () => {
    const forwarded: [string, boolean][] = [];
    const metrics: DistroMetrics = { forwardedWrite: (to, ok) => forwarded.push([to, ok]) };
    const c = make(2, { distro: { metrics, forwardTimeoutMs: 500 } });
    await c.start();
    const key = keyOwnedBy(c, 'm2');
    const writer = c.member('m1').distro.responsibleFor(key) === 'm2' ? 'm1' : 'm3';
    // m2 is cut off but the failure detector has not noticed yet: views still list it.
    c.network.partition([['m1', 'm3']]);
    const write = c.member(writer).distro.put(key, 'x');
    await c.run(1000);
    const ack = await write;
    expect(ack.appliedBy).not.toBe('m2');
    expect(forwarded[0]).toEqual(['m2', false]);
    c.heal();
    await c.runUntil(() => c.converged(), 5000, 'convergence');
    expect(c.member('m2').distro.get(key)).toBe('x');
  });

  it('delete leaves a tombstone that replicates', async () => {
    const c = make(3);
    await c.start();
    const put = c.member('m1').distro.put('a', '1');
    await c.run(500);
    await put;
    const del = c.member('m2').distro.delete('a');
    await c.run(500);
    await del;
    await c.runUntil(() => c.converged(), 5000, 'convergence');
    for (const m of c.upMembers()) {
      expect(m.distro.get('a')).toBeUndefined();
      expect(m.distro.entry('a')?.deleted).toBe(true);
    }
  });

  it('update runs the reduce function at the responsible member', async () => {
    const c = new SimCluster<string[], string>({
      ids,
      seed: 4,
      distro: {
        syncDelayMs: 100,
        verifyIntervalMs: 1000,
        reduce: (cur, op) => [...(cur ?? []), op].sort(),
        validateOp: (op) => typeof op === 'string',
        validateValue: (v) => Array.isArray(v),
      },
    });
    cluster = c;
    await c.start();
    const writes = ids.map((m, i) => c.member(m).distro.update('svc', `10.0.0.${i}:80`));
    await c.run(500);
    await Promise.all(writes);
    await c.runUntil(() => c.converged(), 5000, 'convergence');
    for (const m of c.upMembers())
      expect(m.distro.get('svc')).toEqual(['10.0.0.0:80', '10.0.0.1:80', '10.0.0.2:80']);
  });
});

describe('sync batching', () => {
  it('merges many changes to one key within the window into one entry', async () => {
    const batches: number[] = [];
    const c = make(5, {
      distro: { syncDelayMs: 1000, metrics: { syncBatch: (_t, keys) => batches.push(keys) } },
    });
    await c.start();
    const owner = c.member('m1').distro.responsibleFor('hot');
    const d = c.member(owner).distro;
    for (let i = 0; i < 50; i++) await d.put('hot', `v${i}`);
    await c.run(1500);
    // One batch of one key to each of the two peers.
    expect(batches).toEqual([1, 1]);
    for (const m of c.upMembers()) expect(m.distro.get('hot')).toBe('v49');
  });

  it('bounds the batch size and flushes early when it is reached', async () => {
    const batches: number[] = [];
    const c = make(6, {
      distro: {
        syncDelayMs: 60_000,
        maxBatchKeys: 10,
        metrics: { syncBatch: (_t, keys) => batches.push(keys) },
      },
    });
    await c.start();
    const m1 = c.member('m1').distro;
    const mine = Array.from({ length: 200 }, (_, i) => `k${i}`).filter((k) => m1.isResponsible(k));
    for (const k of mine.slice(0, 25)) await m1.put(k, 'v');
    expect(batches).toEqual([10, 10, 10, 10]);
    expect(m1.pendingSync).toBe(5);
  });
});

describe('bad input', () => {
  it('a malformed or rejected message throws DISTRO_BAD_MESSAGE and changes nothing', async () => {
    const c = make(7, { distro: { validateValue: (v) => typeof v === 'string' } });
    await c.start();
    const d = c.member('m1').distro;
    const bad: unknown[] = [
      null,
      { type: 99 },
      {
        type: MessageType.Sync,
        entries: [{ key: '', version: { t: 1, c: 0, n: 'x' }, deleted: false, value: 'a' }],
      },
      {
        type: MessageType.Sync,
        entries: [{ key: 'a', version: { t: 1, c: 0 }, deleted: false, value: 'a' }],
      },
      { type: MessageType.Checksum, keys: ['a'], versions: [] },
      { type: MessageType.Write, key: 'a', op: { kind: 'drop' } },
      { type: MessageType.Digest, buckets: [1, 2], digests: [1, 2, 3] },
      { type: MessageType.Digest, buckets: [-1], digests: [1, 2] },
      { type: MessageType.ChecksumRequest, buckets: ['x'] },
      // Valid shape, but the value fails validateValue: the whole batch is refused.
      {
        type: MessageType.Sync,
        entries: [
          { key: 'ok', version: { t: 9e12, c: 0, n: 'x' }, deleted: false, value: 'fine' },
          { key: 'bad', version: { t: 9e12, c: 0, n: 'x' }, deleted: false, value: 42 },
        ],
      } satisfies SyncMessage,
    ];
    for (const m of bad)
      await expect(d.handle('m2', m)).rejects.toMatchObject({ code: 'DISTRO_BAD_MESSAGE' });
    expect([...d.entries()]).toEqual([]);
  });

  it('invalid keys and options get typed errors', async () => {
    const c = make(8);
    await c.start();
    await expect(c.member('m1').distro.put('', 'x')).rejects.toMatchObject({ code: 'DISTRO_INVALID_KEY' });
    const base = { members: new SimMemberView('a', ['a']), network: c.network.endpoint('a') };
    for (const bad of [
      { syncDelayMs: -1 },
      { maxBatchKeys: 1.5 },
      { verifyIntervalMs: Number.NaN },
      { verifyIntervalMs: 5000, tombstoneTtlMs: 6000 },
    ]) {
      expect(() => new Distro<string>({ ...base, ...bad })).toThrow(
        expect.objectContaining({ code: 'DISTRO_INVALID_OPTION' }),
      );
    }
    expect(() => new Distro<string>({ ...base, members: new SimMemberView('', []) })).toThrow(
      expect.objectContaining({ code: 'DISTRO_INVALID_OPTION' }),
    );
    await expect(c.member('m1').distro.update('k', 'x' as never)).rejects.toMatchObject({
      code: 'DISTRO_INVALID_OPTION',
    });
    await expect(c.member('m1').distro.put('k', undefined as unknown as string)).rejects.toMatchObject({
      code: 'DISTRO_INVALID_VALUE',
    });
    expect([...c.member('m1').distro.entries()]).toEqual([]);
  });

  it('a stopped engine refuses work with DISTRO_STOPPED', async () => {
    const c = make(10);
    await c.start();
    const d = c.member('m1').distro;
    d.stop();
    await expect(d.put('k', 'v')).rejects.toMatchObject({ code: 'DISTRO_STOPPED' });
    await expect(d.handle('m2', { type: MessageType.Snapshot })).rejects.toMatchObject({
      code: 'DISTRO_STOPPED',
    });
  });
});
