import { describe, expect, it } from 'vitest';
import { reduceEphemeral } from '../../src/naming/ephemeral-store.js';
import { type EphemeralValue, mergeValues, REMOVAL_TTL_MS } from '../../src/naming/ephemeral-value.js';
import { at, instance } from './fixtures.js';

const I = at('10.0.0.1');
const J = at('10.0.0.2');
const K = at('10.0.0.3');

/** A service with instances I and J that beat at t=10. */
function base(): EphemeralValue {
  let v = reduceEphemeral(undefined, { t: 'register', instance: instance(I.ip, { lastBeat: 10 }) });
  v = reduceEphemeral(v, { t: 'register', instance: instance(J.ip, { lastBeat: 10 }) });
  return v as EphemeralValue;
}

const ips = (v: EphemeralValue) => v.instances.map((i) => i.ip).sort();

describe('ephemeral values with remembered removals', () => {
  it('a list reduced on a stale copy does not bring back an instance removed elsewhere', () => {
    const owner = reduceEphemeral(base(), { t: 'deregister', at: I, time: 100 }) as EphemeralValue;
    // Another member, still holding I, reduces a beat of J: a newer version that lists I.
    const stale = reduceEphemeral(base(), { t: 'beat', at: J, time: 150 }) as EphemeralValue;
    expect(ips(stale)).toEqual(['10.0.0.1', '10.0.0.2']);

    const atOwner = mergeValues(owner, stale, 200);
    expect(atOwner).not.toBe(stale); // a rewrite: the join is newer than what arrived
    expect(ips(atOwner)).toEqual(['10.0.0.2']);
    expect(atOwner.instances[0]?.lastBeat).toBe(150); // J's later beat is kept
    expect(atOwner.removed).toEqual([{ ...I, at: 100 }]);
    // The stale member adopts the join as it is: nothing more to rewrite.
    expect(mergeValues(stale, atOwner, 210)).toBe(atOwner);
  });

  it('a deregistration reduced on a copy that never held the instance still removes it everywhere', () => {
    const withK = reduceEphemeral(base(), {
      t: 'register',
      instance: instance(K.ip, { lastBeat: 50 }),
    }) as EphemeralValue;
    // The member responsible in its own view has not received K's registration yet.
    const stale = reduceEphemeral(base(), { t: 'deregister', at: K, time: 100 }) as EphemeralValue;
    expect(stale.removed).toEqual([{ ...K, at: 100 }]);
    expect(ips(mergeValues(withK, stale, 150))).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(ips(mergeValues(stale, withK, 150))).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('keeps an instance registered on one side that the other side never saw', () => {
    const left = reduceEphemeral(base(), {
      t: 'register',
      instance: instance(K.ip, { lastBeat: 120 }),
    }) as EphemeralValue;
    const right = reduceEphemeral(base(), { t: 'beat', at: J, time: 130 }) as EphemeralValue;
    expect(ips(mergeValues(left, right, 200))).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(ips(mergeValues(right, left, 200))).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it('a registration issued after a removal brings the instance back; one issued before does not', () => {
    const removed = reduceEphemeral(base(), { t: 'deregister', at: I, time: 100 }) as EphemeralValue;
    // Issued before the removal, reduced after it (a forwarded write arriving late): no effect.
    const late = reduceEphemeral(removed, { t: 'register', instance: instance(I.ip, { lastBeat: 90 }) });
    expect(ips(late as EphemeralValue)).toEqual(['10.0.0.2']);
    expect(late?.removed).toEqual([{ ...I, at: 100 }]);
    const lateBeat = reduceEphemeral(removed, {
      t: 'beat',
      at: I,
      time: 95,
      register: instance(I.ip, { lastBeat: 95 }),
    }) as EphemeralValue;
    expect(ips(lateBeat)).toEqual(['10.0.0.2']);
    // Issued after it: the instance is back and the removal forgotten, here and through the join.
    const back = reduceEphemeral(removed, {
      t: 'register',
      instance: instance(I.ip, { lastBeat: 120 }),
    }) as EphemeralValue;
    expect(back.removed).toEqual([]);
    expect(ips(back)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(ips(mergeValues(removed, back, 200))).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('is a join: order of merging does not matter, and merging twice changes nothing', () => {
    const a = reduceEphemeral(base(), { t: 'deregister', at: I, time: 100 }) as EphemeralValue;
    const b = reduceEphemeral(base(), {
      t: 'register',
      instance: instance(K.ip, { lastBeat: 120 }),
    }) as EphemeralValue;
    const ab = mergeValues(a, b, 200);
    const ba = mergeValues(b, a, 200);
    expect(ips(ab)).toEqual(ips(ba));
    expect(ab.removed).toEqual(ba.removed);
    expect(mergeValues(ab, ab, 200)).toBe(ab);
    expect(mergeValues(a, ab, 200)).toBe(ab);
    expect(mergeValues(b, ab, 200)).toBe(ab);
  });

  it('forgets removals after the TTL', () => {
    const removed = reduceEphemeral(base(), { t: 'deregister', at: I, time: 100 }) as EphemeralValue;
    const later = 100 + REMOVAL_TTL_MS + 1;
    expect(reduceEphemeral(removed, { t: 'beat', at: J, time: later })?.removed).toEqual([]);
    expect(mergeValues(removed, { instances: removed.instances, removed: [] }, later).removed).toEqual([]);
  });

  it('remembers instances the beat checker expires, like deregistrations', () => {
    const expired = reduceEphemeral(base(), { t: 'expire', now: 10 + 31_000 }) as EphemeralValue;
    expect(expired.instances).toEqual([]);
    expect(expired.removed.map((r) => r.ip).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    const stale = reduceEphemeral(base(), { t: 'beat', at: J, time: 20 }) as EphemeralValue;
    expect(mergeValues(expired, stale, 41_100).instances).toEqual([]);
  });
});

describe('ties within one millisecond', () => {
  it('an instance deregistered and registered again in the same millisecond stays, on every member', () => {
    const removed = reduceEphemeral(base(), { t: 'deregister', at: I, time: 100 }) as EphemeralValue;
    const again = reduceEphemeral(removed, {
      t: 'register',
      instance: instance(I.ip, { lastBeat: 100 }),
    }) as EphemeralValue;
    expect(ips(again)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(ips(mergeValues(removed, again, 150))).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('a removal in the millisecond of the last beat still removes it from stale copies', () => {
    const beat = reduceEphemeral(base(), { t: 'beat', at: I, time: 100 }) as EphemeralValue;
    const removed = reduceEphemeral(beat, { t: 'deregister', at: I, time: 100 }) as EphemeralValue;
    expect(removed.removed).toEqual([{ ...I, at: 101 }]);
    expect(ips(mergeValues(removed, beat, 150))).toEqual(['10.0.0.2']);
  });
});
