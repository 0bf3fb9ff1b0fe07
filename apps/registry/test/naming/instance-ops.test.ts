import { describe, expect, it } from 'vitest';
import { isEphemeralOp, reduceEphemeral } from '../../src/naming/ephemeral-store.js';
import { applyInstanceOp, expiryDue } from '../../src/naming/instance-ops.js';
import { isInstanceList, isInstanceOp } from '../../src/naming/record-guards.js';
import { at, instance } from './fixtures.js';

describe('instance operations', () => {
  it('registers, and a re-registration keeps the id and the server-side health', () => {
    const first = applyInstanceOp([], { t: 'register', instance: instance('10.0.0.1') });
    expect(first).toHaveLength(1);
    const sick = applyInstanceOp(first, { t: 'health', at: at('10.0.0.1'), healthy: false });
    const again = applyInstanceOp(sick, {
      t: 'register',
      instance: instance('10.0.0.1', { instanceId: 'other', weight: 3, lastBeat: 50 }),
    });
    expect(again).toEqual([instance('10.0.0.1', { healthy: false, weight: 3, lastBeat: 50 })]);
  });

  it('tells instances apart by ip, port and cluster', () => {
    let list = applyInstanceOp([], { t: 'register', instance: instance('10.0.0.1') });
    list = applyInstanceOp(list, { t: 'register', instance: instance('10.0.0.1', { port: 9090 }) });
    list = applyInstanceOp(list, { t: 'register', instance: instance('10.0.0.1', { clusterName: 'B' }) });
    expect(list).toHaveLength(3);
    list = applyInstanceOp(list, { t: 'deregister', at: at('10.0.0.1', 9090) });
    expect(list.map((i) => `${i.port}/${i.clusterName}`)).toEqual(['8080/DEFAULT', '8080/B']);
  });

  it('returns the same list when nothing changes', () => {
    const list = [instance('10.0.0.1')];
    expect(applyInstanceOp(list, { t: 'deregister', at: at('10.0.0.9') })).toBe(list);
    expect(applyInstanceOp(list, { t: 'update', instance: instance('10.0.0.9') })).toBe(list);
    expect(applyInstanceOp(list, { t: 'patch', at: at('10.0.0.9'), patch: { weight: 2 } })).toBe(list);
    expect(applyInstanceOp(list, { t: 'beat', at: at('10.0.0.9'), time: 5 })).toBe(list);
    expect(applyInstanceOp(list, { t: 'expire', now: 1000 })).toBe(list);
    expect(applyInstanceOp(list, { t: 'health', at: at('10.0.0.1'), healthy: true })).toBe(list);
  });

  it('updates settings but keeps id, health and last beat', () => {
    const list = [instance('10.0.0.1', { healthy: false, lastBeat: 7 })];
    const next = applyInstanceOp(list, {
      t: 'update',
      instance: instance('10.0.0.1', { instanceId: 'x', weight: 5, metadata: { a: '1' }, lastBeat: 99 }),
    });
    expect(next).toEqual([
      instance('10.0.0.1', { healthy: false, lastBeat: 7, weight: 5, metadata: { a: '1' } }),
    ]);
  });

  it('patches only the given fields', () => {
    const list = [instance('10.0.0.1', { metadata: { a: '1' } })];
    const next = applyInstanceOp(list, {
      t: 'patch',
      at: at('10.0.0.1'),
      patch: { enabled: false, app: 'shop' },
    });
    expect(next).toEqual([instance('10.0.0.1', { metadata: { a: '1' }, enabled: false, app: 'shop' })]);
  });

  it('a beat refreshes lastBeat and revives an unhealthy instance unless marked', () => {
    const list = [
      instance('10.0.0.1', { healthy: false, lastBeat: 10 }),
      instance('10.0.0.2', { healthy: false, marked: true }),
    ];
    let next = applyInstanceOp(list, { t: 'beat', at: at('10.0.0.1'), time: 20 });
    next = applyInstanceOp(next, { t: 'beat', at: at('10.0.0.2'), time: 20 });
    expect(next[0]).toMatchObject({ healthy: true, lastBeat: 20 });
    expect(next[1]).toMatchObject({ healthy: false, marked: true, lastBeat: 20 });
    // An older beat (reordered) never moves lastBeat backwards.
    expect(applyInstanceOp(next, { t: 'beat', at: at('10.0.0.1'), time: 15 })[0]?.lastBeat).toBe(20);
  });

  it('a beat for an unknown instance re-registers it from the beat data', () => {
    const next = applyInstanceOp([], {
      t: 'beat',
      at: at('10.0.0.3'),
      time: 42,
      register: instance('10.0.0.3', { healthy: false, lastBeat: 0 }),
    });
    expect(next).toEqual([instance('10.0.0.3', { healthy: true, lastBeat: 42 })]);
  });

  it('expires: unhealthy after 15 s, removed after 30 s, per-instance overrides, marked left alone', () => {
    const list = [
      instance('10.0.0.1', { lastBeat: 0 }),
      instance('10.0.0.2', {
        lastBeat: 0,
        metadata: { 'preserved.heart.beat.timeout': '3000', 'preserved.ip.delete.timeout': '6000' },
      }),
      instance('10.0.0.3', { lastBeat: 0, marked: true }),
    ];
    expect(applyInstanceOp(list, { t: 'expire', now: 3000 })).toBe(list);
    let next = applyInstanceOp(list, { t: 'expire', now: 3001 });
    expect(next.map((i) => i.healthy)).toEqual([true, false, true]);
    next = applyInstanceOp(next, { t: 'expire', now: 6001 });
    expect(next.map((i) => i.ip)).toEqual(['10.0.0.1', '10.0.0.3']);
    next = applyInstanceOp(next, { t: 'expire', now: 15_001 });
    expect(next.map((i) => i.healthy)).toEqual([false, true]);
    next = applyInstanceOp(next, { t: 'expire', now: 30_001 });
    expect(next.map((i) => i.ip)).toEqual(['10.0.0.3']);
    expect(expiryDue(next, 10_000_000)).toEqual({ unhealthy: [], removed: [] });
  });

  it('numbers instances with the snowflake generator', () => {
    const meta = { 'preserved.instance.id.generator': 'snowflake' };
    let list = applyInstanceOp([], { t: 'register', instance: instance('10.0.0.1', { metadata: meta }) });
    list = applyInstanceOp(list, { t: 'register', instance: instance('10.0.0.2', { metadata: meta }) });
    list = applyInstanceOp(list, { t: 'deregister', at: at('10.0.0.1') });
    list = applyInstanceOp(list, { t: 'register', instance: instance('10.0.0.3', { metadata: meta }) });
    expect(list.map((i) => i.instanceId)).toEqual(['1', '0']);
  });

  it('puts and removes metadata keys on the targeted instances', () => {
    const list = [instance('10.0.0.1', { metadata: { a: '1' } }), instance('10.0.0.2')];
    const put = applyInstanceOp(list, {
      t: 'metadata',
      mode: 'put',
      metadata: { b: '2' },
      targets: [at('10.0.0.2')],
    });
    expect(put.map((i) => i.metadata)).toEqual([{ a: '1' }, { b: '2' }]);
    const removed = applyInstanceOp(put, { t: 'metadata', mode: 'remove', metadata: { a: '', b: '' } });
    expect(removed.map((i) => i.metadata)).toEqual([{}, {}]);
  });
});

describe('the ephemeral reducer', () => {
  it('creates a service only by registering, and drops it only when empty', () => {
    expect(reduceEphemeral(undefined, { t: 'deregister', at: at('10.0.0.1') })).toBeUndefined();
    expect(reduceEphemeral(undefined, { t: 'beat', at: at('10.0.0.1'), time: 1 })).toBeUndefined();
    const one = reduceEphemeral(undefined, { t: 'register', instance: instance('10.0.0.1') });
    expect(one?.instances).toHaveLength(1);
    expect(reduceEphemeral(one, { t: 'drop-if-empty' })).toBe(one);
    const empty = reduceEphemeral(one, { t: 'deregister', at: at('10.0.0.1'), time: 5 });
    expect(empty).toEqual({ instances: [], removed: [{ ...at('10.0.0.1'), at: 5 }] });
    expect(reduceEphemeral(empty, { t: 'drop-if-empty' })).toBeUndefined();
  });
});

describe('guards for data from peers and the log', () => {
  it('accepts well-formed values and operations', () => {
    expect(isInstanceList([instance('10.0.0.1')])).toBe(true);
    expect(isEphemeralOp({ t: 'drop-if-empty' })).toBe(true);
    expect(isInstanceOp({ t: 'beat', at: at('1.1.1.1'), time: 1, register: instance('1.1.1.1') })).toBe(true);
  });

  it('refuses malformed, oversized or hostile ones', () => {
    expect(isInstanceList([{ ...instance('10.0.0.1'), port: 70000 }])).toBe(false);
    expect(isInstanceList([{ ...instance('10.0.0.1'), weight: -1 }])).toBe(false);
    expect(isInstanceList([{ ...instance('10.0.0.1'), metadata: { a: 1 } }])).toBe(false);
    expect(isInstanceList([{ ...instance('10.0.0.1'), ip: 'x'.repeat(5000) }])).toBe(false);
    const big = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 'v']));
    expect(isInstanceList([{ ...instance('10.0.0.1'), metadata: big }])).toBe(false);
    expect(isInstanceList({ length: 0 })).toBe(false);
    expect(isInstanceOp({ t: 'beat', at: at('1.1.1.1'), time: -1 })).toBe(false);
    expect(isInstanceOp({ t: 'nope' })).toBe(false);
    expect(isInstanceOp(null)).toBe(false);
    expect(isEphemeralOp({ t: '__proto__' })).toBe(false);
  });
});
