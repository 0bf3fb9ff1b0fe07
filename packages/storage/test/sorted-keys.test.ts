import { describe, expect, it } from 'vitest';
import { prng } from '../src/conformance/api.js';
import { SortedKeys } from '../src/memory/sorted-keys.js';
import { compareCodePoints } from '../src/text.js';

describe('SortedKeys', () => {
  it('matches a naive sorted array under random inserts, deletes and ranges (differential)', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    const rand = prng(seed);
    const keys = new SortedKeys();
    const naive = new Set<string>();
    const key = () =>
      `${['a', 'b', '中', '😀', '\uFFFF'][Math.floor(rand() * 5)]}${Math.floor(rand() * 3000)}`;
    try {
      for (let step = 0; step < 6000; step++) {
        const k = key();
        if (rand() < 0.7) {
          keys.insert(k);
          naive.add(k);
        } else {
          keys.delete(k);
          naive.delete(k);
        }
        if (step % 150 === 0) {
          const sorted = [...naive].sort(compareCodePoints);
          const a = rand() < 0.2 ? undefined : key();
          const b = rand() < 0.2 ? undefined : key();
          const reverse = rand() < 0.5;
          const limit = rand() < 0.5 ? Number.POSITIVE_INFINITY : 1 + Math.floor(rand() * 50);
          let want = sorted.filter(
            (x) =>
              (a === undefined || compareCodePoints(x, a) >= 0) &&
              (b === undefined || compareCodePoints(x, b) < 0),
          );
          if (reverse) want = want.reverse();
          expect(keys.range(a, b, reverse, limit)).toEqual(want.slice(0, limit));
          expect(keys.size).toBe(naive.size);
        }
      }
    } catch (err) {
      console.error(`SortedKeys differential test failed; replay with SEED=${seed}`);
      throw err;
    }
  });
});
