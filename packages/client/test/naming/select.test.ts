import { describe, expect, it } from 'vitest';
import type { Instance } from '../../src/naming/model.js';
import { pickWeighted, usable } from '../../src/naming/select.js';

function instance(ip: string, weight: number, extra: Partial<Instance> = {}): Instance {
  return {
    instanceId: ip,
    ip,
    port: 1,
    weight,
    healthy: true,
    enabled: true,
    ephemeral: true,
    clusterName: 'DEFAULT',
    serviceName: 's',
    metadata: {},
    ...extra,
  };
}

/** mulberry32: a small seeded generator, so a failing run can be replayed with SEED. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('instance selection', () => {
  it('keeps instances of the asked health that are enabled and weigh more than 0', () => {
    const list = [
      instance('a', 1),
      instance('b', 0),
      instance('c', 1, { enabled: false }),
      instance('d', 1, { healthy: false }),
    ];
    expect(usable(list, true).map((i) => i.ip)).toEqual(['a']);
    expect(usable(list, false).map((i) => i.ip)).toEqual(['d']);
  });

  it('picks in proportion to weight (seeded)', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    console.log(`select.test seed=${seed} (replay with SEED=${seed})`);
    const random = seeded(seed);
    const list = [instance('light', 1), instance('heavy', 3)];
    const counts = { light: 0, heavy: 0 };
    for (let i = 0; i < 8000; i++) counts[pickWeighted(list, random)!.ip as 'light' | 'heavy']++;
    // Expected 2000 / 6000; 5 standard deviations is about +-200.
    expect(Math.abs(counts.light - 2000)).toBeLessThan(200);
  });

  it('covers the ends of the random range and the empty list', () => {
    const list = [instance('a', 1), instance('b', 1)];
    expect(pickWeighted(list, () => 0)?.ip).toBe('a');
    expect(pickWeighted(list, () => 0.999999)?.ip).toBe('b');
    expect(pickWeighted([], () => 0.5)).toBeUndefined();
  });
});
