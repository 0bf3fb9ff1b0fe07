import { afterEach, describe, expect, it } from 'vitest';
import { Distro } from '../src/distro.js';
import type { Scheduler } from '../src/interfaces.js';
import type { Logger } from '../src/logger.js';
import { SeededRandom, SimMemberView, SimNetwork, SimScheduler } from '../src/testing/index.js';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

function recordingLogger(lines: string[]): Logger {
  const make = (bindings: object): Logger => ({
    debug: (o, m) => lines.push(`debug ${m} ${JSON.stringify({ ...bindings, ...o })}`),
    info: (o, m) => lines.push(`info ${m} ${JSON.stringify({ ...bindings, ...o })}`),
    warn: (o, m) => lines.push(`warn ${m} ${JSON.stringify({ ...bindings, ...o })}`),
    error: (o, m) => lines.push(`error ${m} ${JSON.stringify({ ...bindings, ...o })}`),
    child: (b) => make({ ...bindings, ...b }),
  });
  return make({});
}

/** Members on one virtual clock, each with its own wall-clock offset. */
function setup(offsets: Record<string, number>, extra: { lines?: string[]; events?: string[] } = {}) {
  const scheduler = new SimScheduler();
  const net = new SimNetwork(scheduler, new SeededRandom(3));
  const ids = Object.keys(offsets);
  const nodes = new Map<string, { d: Distro<string>; view: SimMemberView }>();
  for (const id of ids) {
    const skewed: Scheduler = {
      now: () => scheduler.now() + (offsets[id] ?? 0),
      setTimeout: (fn, ms) => scheduler.setTimeout(fn, ms),
      clearTimeout: (h) => scheduler.clearTimeout(h),
    };
    const view = new SimMemberView(id, ids);
    const events = extra.events;
    const d = new Distro<string>({
      members: view,
      network: net.endpoint(id),
      scheduler: skewed,
      syncDelayMs: 100,
      verifyIntervalMs: 1000,
      tombstoneTtlMs: 5000,
      logger: extra.lines ? recordingLogger(extra.lines) : undefined,
      onChange: events ? (k, v) => events.push(`${id} ${k}=${v ?? '<deleted>'}`) : undefined,
      metrics: events
        ? {
            syncBatch: (t, keys, bytes) => events.push(`${id} sync->${t} ${keys} ${bytes > 0}`),
            snapshotLoaded: (from, keys) => events.push(`${id} snapshot<-${from} ${keys}`),
            verifyMismatch: (from, stale, newer) => events.push(`${id} mismatch<-${from} ${stale}/${newer}`),
            forwardedWrite: (to, ok) => events.push(`${id} forward->${to} ${ok}`),
            tombstonesCollected: (n) => events.push(`${id} gc ${n}`),
          }
        : undefined,
    });
    net.register(id, (from, msg) => d.handle(from, msg));
    stops.push(() => d.stop());
    nodes.set(id, { d, view });
  }
  return { scheduler, net, nodes, ids };
}

async function startAll(scheduler: SimScheduler, nodes: Map<string, { d: Distro<string> }>): Promise<void> {
  const started = Promise.all([...nodes.values()].map((n) => n.d.start()));
  await scheduler.runUntil(() => [...nodes.values()].every((n) => n.d.ready), 10_000);
  await started;
}

describe('clock skew', () => {
  it('a new owner whose clock is far behind still supersedes the old owner', async () => {
    const { scheduler, nodes } = setup({ a: 0, b: -3_600_000, c: 0 });
    const a = nodes.get('a')!.d;
    const b = nodes.get('b')!.d;
    await startAll(scheduler, nodes);
    const key = Array.from({ length: 50 }, (_, i) => `k${i}`).find(
      (k) => a.responsibleFor(k) === 'a',
    ) as string;
    expect(b.responsibleFor(key)).toBe('a');
    const first = a.put(key, 'old');
    await scheduler.runFor(500);
    await first;
    // a leaves; b (an hour behind) becomes the owner or the fallback and writes.
    for (const n of nodes.values()) n.view.set(['b', 'c']);
    const second = nodes.get('c')!.d.put(key, 'new');
    await scheduler.runFor(500);
    const ack = await second;
    expect(['b', 'c']).toContain(ack.appliedBy);
    for (const id of ['b', 'c']) expect(nodes.get(id)!.d.get(key)).toBe('new');
  });
});

describe('hooks', () => {
  it('report snapshot loads, forwarded writes, sync batches, verify mismatches, changes and GC', async () => {
    const events: string[] = [];
    const lines: string[] = [];
    const { scheduler, net, nodes } = setup({ a: 0, b: 0 }, { events, lines });
    await startAll(scheduler, nodes);
    const a = nodes.get('a')!.d;
    const remote = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'].find((k) => a.responsibleFor(k) === 'b') as string;
    const local = ['y0', 'y1', 'y2', 'y3', 'y4', 'y5'].find((k) => a.responsibleFor(k) === 'a') as string;
    const w1 = a.put(remote, 'r');
    const w2 = a.put(local, 'l');
    await scheduler.runFor(500);
    await Promise.all([w1, w2]);
    expect(events).toContain(`a forward->b true`);
    expect(events).toContain(`a sync->b 1 true`);
    expect(events).toContain(`b sync->a 1 true`);
    expect(events).toContain(`b ${local}=l`);
    // Lose a delete's sync: verification finds the mismatch and repairs it.
    net.faults = { drop: 1, duplicate: 0, minDelayMs: 1, maxDelayMs: 2 };
    await a.delete(local);
    await scheduler.runFor(300);
    net.faults = { drop: 0, duplicate: 0, minDelayMs: 1, maxDelayMs: 2 };
    await scheduler.runFor(1500);
    expect(events).toContain('b mismatch<-a 1/0');
    expect(events).toContain(`b ${local}=<deleted>`);
    await scheduler.runFor(8000);
    expect(events.filter((e) => e.endsWith(' gc 1'))).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('info ready') && l.includes('"member":"a"'))).toBe(true);
  });
});
