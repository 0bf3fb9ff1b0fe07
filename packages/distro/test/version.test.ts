import { describe, expect, it } from 'vitest';
import { compareVersions, HybridClock, isVersion } from '../src/version.js';

describe('versions', () => {
  it('order by time, then counter, then member', () => {
    expect(compareVersions({ t: 1, c: 5, n: 'b' }, { t: 2, c: 0, n: 'a' })).toBeLessThan(0);
    expect(compareVersions({ t: 2, c: 1, n: 'a' }, { t: 2, c: 0, n: 'z' })).toBeGreaterThan(0);
    expect(compareVersions({ t: 2, c: 1, n: 'a' }, { t: 2, c: 1, n: 'b' })).toBeLessThan(0);
    expect(compareVersions({ t: 2, c: 1, n: 'a' }, { t: 2, c: 1, n: 'a' })).toBe(0);
  });

  it('hybrid clock is strictly increasing with a frozen or backwards wall clock', () => {
    let wall = 1000;
    const clock = new HybridClock('a', () => wall);
    let prev = clock.next();
    for (let i = 0; i < 100; i++) {
      if (i === 50) wall = 10; // the wall clock jumps back
      const v = clock.next();
      expect(compareVersions(v, prev)).toBeGreaterThan(0);
      prev = v;
    }
  });

  it('hybrid clock moves past observed versions from a member with a faster clock', () => {
    const clock = new HybridClock('a', () => 1000);
    clock.observe({ t: 5000, c: 7, n: 'b' });
    expect(compareVersions(clock.next(), { t: 5000, c: 7, n: 'b' })).toBeGreaterThan(0);
  });

  it('validates the wire shape', () => {
    expect(isVersion({ t: 1, c: 0, n: 'a' })).toBe(true);
    expect(isVersion({ t: -1, c: 0, n: 'a' })).toBe(false);
    expect(isVersion({ t: 1.5, c: 0, n: 'a' })).toBe(false);
    expect(isVersion({ t: 1, c: 0 })).toBe(false);
    expect(isVersion(null)).toBe(false);
  });
});
