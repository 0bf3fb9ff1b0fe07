import { describe, expect, it } from 'vitest';
import { type DiffLine, diffStats, lineDiff, splitLines } from '../src/lib/line-diff.js';

/** Rebuilds both sides from a diff: any correct diff must give back the two texts. */
function sides(lines: readonly DiffLine[]): { old: string[]; next: string[] } {
  return {
    old: lines.filter((l) => l.kind !== 'added').map((l) => l.text),
    next: lines.filter((l) => l.kind !== 'removed').map((l) => l.text),
  };
}

/** Length of the longest common subsequence, by the textbook table, to check minimality. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}

/** mulberry32: a small seeded generator, so a failing case replays from SEED. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('lineDiff', () => {
  it('marks a changed line as removed then added, with line numbers on both sides', () => {
    const lines = lineDiff('a: 1\nb: 2\nc: 3\n', 'a: 1\nb: 20\nc: 3\nd: 4\n');
    expect(lines).toEqual([
      { kind: 'same', text: 'a: 1', oldLine: 1, newLine: 1 },
      { kind: 'removed', text: 'b: 2', oldLine: 2 },
      { kind: 'added', text: 'b: 20', newLine: 2 },
      { kind: 'same', text: 'c: 3', oldLine: 3, newLine: 3 },
      { kind: 'added', text: 'd: 4', newLine: 4 },
    ]);
    expect(diffStats(lines)).toEqual({ added: 2, removed: 1 });
  });

  it('handles empty sides and CRLF', () => {
    expect(lineDiff('', '')).toEqual([]);
    expect(lineDiff('', 'x\r\ny')).toEqual([
      { kind: 'added', text: 'x', newLine: 1 },
      { kind: 'added', text: 'y', newLine: 2 },
    ]);
    expect(lineDiff('x\n', '').map((l) => l.kind)).toEqual(['removed']);
    expect(splitLines('a\r\nb\n')).toEqual(['a', 'b']);
  });

  it('gives back both texts and keeps a longest common subsequence on random edits', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 100_000);
    console.log(`line-diff SEED=${seed}`);
    const next = random(seed);
    const pick = () => ['k=1', 'k=2', 'x: y', '', '  - item', '{'][Math.floor(next() * 6)]!;
    for (let round = 0; round < 300; round++) {
      const a = Array.from({ length: Math.floor(next() * 30) }, pick);
      const b = a.flatMap((line) =>
        next() < 0.2 ? [] : next() < 0.2 ? [line, pick()] : [next() < 0.1 ? pick() : line],
      );
      const lines = lineDiff(a.join('\n'), b.join('\n'));
      const back = sides(lines);
      expect(back.old, `seed ${seed} round ${round}`).toEqual(splitLines(a.join('\n')));
      expect(back.next, `seed ${seed} round ${round}`).toEqual(splitLines(b.join('\n')));
      const same = lines.filter((l) => l.kind === 'same').length;
      expect(same, `seed ${seed} round ${round}`).toBe(
        lcsLength(splitLines(a.join('\n')), splitLines(b.join('\n'))),
      );
    }
  });

  it('falls back to remove-all/add-all beyond the table limit, still correct', () => {
    const a = Array.from({ length: 2100 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 2100 }, (_, i) => `b${i}`).join('\n');
    const lines = lineDiff(a, b);
    expect(diffStats(lines)).toEqual({ added: 2100, removed: 2100 });
    expect(sides(lines).next).toEqual(b.split('\n'));
  });
});
