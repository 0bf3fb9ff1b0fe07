import { describe, expect, it } from 'vitest';
import { ListenerHub } from '../../src/config-center/listener-hub.js';
import { parseListeningConfigs } from '../../src/config-center/listening-configs.js';
import { holdTimeMs } from '../../src/config-center/long-poll.js';
import { FakeTimers } from './fake-timers.js';

const W = '\u0002';
const L = '\u0001';

function listen(...keys: [string, string, string?][]) {
  return parseListeningConfigs(
    keys.map(([d, g, t]) => `${d}${W}${g}${W}${t === undefined ? '' : `${W}${t}`}${L}`).join(''),
  );
}

/** Resolves to the poll's answer if it has settled by now, else 'pending'. */
async function peek<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

describe('ListenerHub', () => {
  it('answers empty when the hold time runs out, not before', async () => {
    const timers = new FakeTimers();
    const hub = new ListenerHub(timers);
    const poll = hub.hold(listen(['a', 'G']), 29_500);
    timers.advance(29_499);
    expect(await peek(poll.answer)).toBe('pending');
    timers.advance(1);
    expect(await poll.answer).toEqual([]);
    expect(hub.size).toBe(0);
    expect(timers.pending).toBe(0);
  });

  it('answers a change with just the changed key, only to polls listening on it', async () => {
    const timers = new FakeTimers();
    const hub = new ListenerHub(timers);
    const both = hub.hold(listen(['a', 'G'], ['b', 'G', 'dev']), 30_000);
    const other = hub.hold(listen(['c', 'G']), 30_000);
    const sameKeyOtherTenant = hub.hold(listen(['b', 'G']), 30_000);
    hub.notify({ dataId: 'b', group: 'G', tenant: 'dev' });
    expect((await both.answer).map((c) => c.dataId)).toEqual(['b']);
    expect(await peek(other.answer)).toBe('pending');
    expect(await peek(sameKeyOtherTenant.answer)).toBe('pending');
    expect(hub.size).toBe(2);
    // A later change of the same key no longer reaches the answered poll.
    hub.notify({ dataId: 'a', group: 'G', tenant: '' });
    expect(hub.size).toBe(2);
    hub.notify({ dataId: 'c', group: 'G', tenant: '' });
    expect((await other.answer).map((c) => c.dataId)).toEqual(['c']);
    timers.advance(30_000);
    expect(await sameKeyOtherTenant.answer).toEqual([]);
    expect(hub.size).toBe(0);
  });

  it('matches the public tenant whatever spelling the client sent', async () => {
    const hub = new ListenerHub(new FakeTimers());
    const poll = hub.hold(listen(['a', 'G', 'public']), 30_000);
    hub.notify({ dataId: 'a', group: 'G', tenant: '' });
    expect((await poll.answer).map((c) => c.sentTenant)).toEqual(['public']);
  });

  it('settles once: the first of settle, change or timeout wins', async () => {
    const timers = new FakeTimers();
    const hub = new ListenerHub(timers);
    const configs = listen(['a', 'G']);
    const poll = hub.hold(configs, 1000);
    hub.notify({ dataId: 'a', group: 'G', tenant: '' });
    expect(await poll.settle([])).toEqual(configs);
    const second = hub.hold(configs, 1000);
    expect(await second.settle(configs)).toEqual(configs);
    timers.advance(5000);
    expect(await second.answer).toEqual(configs);
    expect(hub.size).toBe(0);
    expect(timers.pending).toBe(0);
  });

  it('answers every held poll empty on close and refuses to hold afterwards', async () => {
    const timers = new FakeTimers();
    const hub = new ListenerHub(timers);
    const polls = [hub.hold(listen(['a', 'G']), 30_000), hub.hold(listen(['a', 'G'], ['b', 'G']), 30_000)];
    hub.close();
    for (const p of polls) expect(await p.answer).toEqual([]);
    expect(await hub.hold(listen(['a', 'G']), 30_000).answer).toEqual([]);
    expect(hub.size).toBe(0);
    expect(timers.pending).toBe(0);
  });

  it('holds many polls and releases each exactly once', async () => {
    const timers = new FakeTimers();
    const hub = new ListenerHub(timers);
    const polls = Array.from({ length: 1000 }, (_, i) => hub.hold(listen([`d${i % 10}`, 'G']), 10_000 + i));
    expect(hub.size).toBe(1000);
    hub.notify({ dataId: 'd3', group: 'G', tenant: '' });
    expect(hub.size).toBe(900);
    timers.advance(20_000);
    const answers = await Promise.all(polls.map((p) => p.answer));
    expect(answers.filter((a) => a.length === 1)).toHaveLength(100);
    expect(hub.size).toBe(0);
  });
});

describe('holdTimeMs', () => {
  it("holds Nacos' timeout - 500 ms, at least the minimum and at most the cap", () => {
    const limits = { minHoldMs: 10_000, maxHoldMs: 300_000 };
    expect(holdTimeMs(30_000, limits)).toBe(29_500);
    expect(holdTimeMs(5_000, limits)).toBe(10_000);
    expect(holdTimeMs(0, limits)).toBe(10_000);
    expect(holdTimeMs(10 ** 9, limits)).toBe(300_000);
    expect(holdTimeMs(700, { minHoldMs: 0, maxHoldMs: 1000 })).toBe(200);
  });
});
