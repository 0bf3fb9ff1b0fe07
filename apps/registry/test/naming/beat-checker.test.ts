import { describe, expect, it } from 'vitest';
import { BeatChecker } from '../../src/naming/beat-checker.js';
import { reduceEphemeral } from '../../src/naming/ephemeral-store.js';
import type { InstanceRecord } from '../../src/naming/model.js';
import { instance } from './fixtures.js';

/** A list as the Distro value that holds it (no removals remembered yet). */
function asValue(list: readonly InstanceRecord[] | undefined) {
  return list === undefined ? undefined : { instances: list, removed: [] };
}

/** An in-memory ephemeral store and a hand-moved clock: the checker's whole world. */
function world(options: { responsible?: (key: string) => boolean; persistent?: Set<string> } = {}) {
  let now = 0;
  const data = new Map<string, readonly InstanceRecord[]>();
  const writes: string[] = [];
  const checker = new BeatChecker(
    {
      now: () => now,
      entries: () => data.entries(),
      isResponsible: options.responsible ?? (() => true),
      isPersistentService: (key) => options.persistent?.has(key) ?? false,
      expire: async (key, at) => {
        writes.push(`expire ${key}`);
        const next = reduceEphemeral(asValue(data.get(key)), { t: 'expire', now: at });
        if (next) data.set(key, next.instances);
      },
      dropEmpty: async (key) => {
        writes.push(`drop ${key}`);
        const next = reduceEphemeral(asValue(data.get(key)), { t: 'drop-if-empty' });
        if (next) data.set(key, next.instances);
        else data.delete(key);
      },
      onError: (err) => {
        throw err;
      },
    },
    { emptyServiceTtlMs: 10_000 },
  );
  return {
    data,
    writes,
    checker,
    async at(ms: number) {
      now = ms;
      await checker.tick();
    },
  };
}

describe('the beat checker', () => {
  it('marks a silent instance unhealthy after 15 s and removes it after 30 s', async () => {
    const w = world();
    w.data.set('s', [instance('10.0.0.1', { lastBeat: 0 }), instance('10.0.0.2', { lastBeat: 20_000 })]);
    await w.at(15_000);
    expect(w.writes).toEqual([]);
    await w.at(15_001);
    expect(w.data.get('s')?.map((i) => i.healthy)).toEqual([false, true]);
    await w.at(20_000);
    expect(w.writes).toEqual(['expire s']); // nothing due, nothing written
    await w.at(30_001);
    expect(w.data.get('s')?.map((i) => i.ip)).toEqual(['10.0.0.2']);
  });

  it('honours the preserved metadata timeouts', async () => {
    const w = world();
    const metadata = { 'preserved.heart.beat.timeout': '1000', 'preserved.ip.delete.timeout': '2000' };
    w.data.set('s', [instance('10.0.0.1', { lastBeat: 0, metadata })]);
    await w.at(1001);
    expect(w.data.get('s')?.[0]?.healthy).toBe(false);
    await w.at(2001);
    expect(w.data.get('s')).toEqual([]);
  });

  it('expires only the services this member is responsible for', async () => {
    const w = world({ responsible: (key) => key === 'mine' });
    w.data.set('mine', [instance('10.0.0.1', { lastBeat: 0 })]);
    w.data.set('theirs', [instance('10.0.0.1', { lastBeat: 0 })]);
    await w.at(40_000);
    expect(w.data.get('mine')).toEqual([]);
    expect(w.data.get('theirs')).toHaveLength(1);
  });

  it('removes a service that stayed empty for the TTL, but not a stored one', async () => {
    const w = world({ persistent: new Set(['kept']) });
    w.data.set('gone', []);
    w.data.set('kept', []);
    await w.at(1_000);
    await w.at(10_999);
    expect(w.data.has('gone')).toBe(true);
    await w.at(11_000);
    expect(w.data.has('gone')).toBe(false);
    expect(w.data.has('kept')).toBe(true);
    expect(w.writes).toEqual(['drop gone']);
  });

  it('runs on its own timer and stops cleanly', async () => {
    let ticks = 0;
    const checker = new BeatChecker(
      {
        now: () => 0,
        entries: () => {
          ticks++;
          return [];
        },
        isResponsible: () => true,
        isPersistentService: () => false,
        expire: async () => undefined,
        dropEmpty: async () => undefined,
        onError: () => undefined,
      },
      { periodMs: 10 },
    );
    checker.start();
    await new Promise((r) => setTimeout(r, 100));
    await checker.stop();
    const seen = ticks;
    expect(seen).toBeGreaterThan(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(ticks).toBe(seen);
  });
});
