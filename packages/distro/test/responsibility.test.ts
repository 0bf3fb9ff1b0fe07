import { describe, expect, it } from 'vitest';
import { rankMembers, rendezvousScore, responsibleMember } from '../src/responsibility.js';

const members = ['10.0.0.1:8848', '10.0.0.2:8848', '10.0.0.3:8848', '10.0.0.4:8848'];
const keys = Array.from({ length: 4000 }, (_, i) => `public##DEFAULT_GROUP@@svc-${i}`);

describe('rendezvous responsibility', () => {
  it('is deterministic and independent of list order', () => {
    for (const k of keys.slice(0, 200)) {
      expect(responsibleMember(members, k)).toBe(responsibleMember([...members].reverse(), k));
      expect(rendezvousScore(members[0] as string, k)).toBe(rendezvousScore(members[0] as string, k));
    }
  });

  it('ranks every member, responsible one first', () => {
    for (const k of keys.slice(0, 200)) {
      const order = rankMembers(members, k);
      expect(order[0]).toBe(responsibleMember(members, k));
      expect([...order].sort()).toEqual([...members].sort());
    }
  });

  it('returns undefined for an empty list', () => {
    expect(responsibleMember([], 'k')).toBeUndefined();
    expect(rankMembers([], 'k')).toEqual([]);
  });

  it('spreads keys evenly (each member within 20% of a fair share)', () => {
    const counts = new Map<string, number>();
    for (const k of keys) {
      const m = responsibleMember(members, k) as string;
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    for (const m of members) {
      expect(counts.get(m) ?? 0).toBeGreaterThan((keys.length / members.length) * 0.8);
      expect(counts.get(m) ?? 0).toBeLessThan((keys.length / members.length) * 1.2);
    }
  });

  it("moves only the leaving member keys, to that key's next choice", () => {
    const after = members.filter((m) => m !== '10.0.0.2:8848');
    for (const k of keys) {
      const before = responsibleMember(members, k);
      const now = responsibleMember(after, k);
      if (before !== '10.0.0.2:8848') expect(now).toBe(before);
      else expect(now).toBe(rankMembers(members, k)[1]);
    }
  });

  it('moves about 1/n of the keys when a member joins (modulo hashing would move most)', () => {
    const joined = [...members, '10.0.0.5:8848'];
    let moved = 0;
    for (const k of keys) {
      const now = responsibleMember(joined, k);
      if (now !== responsibleMember(members, k)) {
        moved++;
        expect(now).toBe('10.0.0.5:8848');
      }
    }
    expect(moved / keys.length).toBeGreaterThan(0.12);
    expect(moved / keys.length).toBeLessThan(0.28);
  });
});
