import { describe, expect, it } from 'vitest';
import { Distro } from '../src/distro.js';
import { SeededRandom, SimMemberView, SimNetwork, SimScheduler } from '../src/testing/index.js';

function node(id: string, members: string[], scheduler: SimScheduler, net: SimNetwork): Distro<string> {
  const d = new Distro<string>({
    members: new SimMemberView(id, members),
    network: net.endpoint(id),
    scheduler,
    requestTimeoutMs: 1000,
    loadRetryDelayMs: 5000,
  });
  net.register(id, (from, msg) => d.handle(from, msg));
  return d;
}

describe('lifecycle', () => {
  it('stop() cancels every timer the engine started', async () => {
    const scheduler = new SimScheduler();
    const net = new SimNetwork(scheduler, new SeededRandom(1));
    const d = node('a', ['a'], scheduler, net);
    await d.start();
    await d.put('k', 'v'); // opens a sync window
    expect(scheduler.pending).toBeGreaterThan(0);
    d.stop();
    expect(scheduler.pending).toBe(0);
  });

  it('a start() waiting for an unreachable peer keeps retrying, and stop() rejects it', async () => {
    const scheduler = new SimScheduler();
    const net = new SimNetwork(scheduler, new SeededRandom(2));
    const d = node('a', ['a', 'b'], scheduler, net); // b never answers: not registered
    let outcome: unknown = 'pending';
    const started = d.start().then(
      () => (outcome = 'ready'),
      (err: unknown) => (outcome = err),
    );
    await scheduler.runFor(60_000);
    expect(outcome).toBe('pending');
    expect(d.ready).toBe(false);
    expect(net.stats.sent).toBeGreaterThanOrEqual(10); // one attempt per retry round
    d.stop();
    await scheduler.runFor(2000);
    await started;
    expect(outcome).toMatchObject({ code: 'DISTRO_STOPPED' });
    expect(scheduler.pending).toBe(0);
  });

  it('a restarted member loads from a listed peer before that peer reports healthy', async () => {
    const scheduler = new SimScheduler();
    const net = new SimNetwork(scheduler, new SeededRandom(4));
    const b = node('b', ['b'], scheduler, net);
    await b.start();
    await b.put('svc', 'up');
    await b.delete('gone');
    // a restarts: its view has no healthy peer yet, but cluster.conf lists b.
    const view = new SimMemberView('a', ['a'], ['a', 'b']);
    const a = new Distro<string>({
      members: view,
      network: net.endpoint('a'),
      scheduler,
      requestTimeoutMs: 1000,
    });
    net.register('a', (from, msg) => a.handle(from, msg));
    const started = a.start();
    await scheduler.runFor(100);
    await started;
    expect(a.ready).toBe(true);
    expect(a.get('svc')).toBe('up');
    expect(a.entry('gone')?.deleted).toBe(true);
    a.stop();
    b.stop();
  });

  it('a member whose listed peers are all down starts empty after the startup grace, not before', async () => {
    const scheduler = new SimScheduler();
    const net = new SimNetwork(scheduler, new SeededRandom(5));
    const view = new SimMemberView('a', ['a'], ['a', 'b', 'c']); // b and c never answer
    const a = new Distro<string>({
      members: view,
      network: net.endpoint('a'),
      scheduler,
      requestTimeoutMs: 100,
      startupGraceMs: 3000,
      loadRetryDelayMs: 30_000,
    });
    net.register('a', (from, msg) => a.handle(from, msg));
    let readyAt = -1;
    const t0 = scheduler.now();
    const started = a.start().then(() => {
      readyAt = scheduler.now() - t0;
    });
    await scheduler.runFor(2500);
    expect(a.ready).toBe(false);
    await scheduler.runFor(2000);
    await started;
    expect(a.ready).toBe(true);
    expect(readyAt).toBeGreaterThanOrEqual(3000);
    expect(readyAt).toBeLessThan(3600); // not the 30 s retry delay
    expect(net.stats.sent).toBeGreaterThanOrEqual(10); // rounds repeated within the grace
    a.stop();
  });

  it('a silent listed peer holds the start for about the grace, not the full request timeout', async () => {
    const scheduler = new SimScheduler();
    const net = new SimNetwork(scheduler, new SeededRandom(6));
    const view = new SimMemberView('a', ['a'], ['a', 'b']);
    const a = new Distro<string>({
      members: view,
      network: net.endpoint('a'),
      scheduler,
      requestTimeoutMs: 60_000,
      startupGraceMs: 2000,
    });
    net.register('a', (from, msg) => a.handle(from, msg));
    const started = a.start();
    await scheduler.runFor(3500);
    await started;
    expect(a.ready).toBe(true);
    expect(net.stats.sent).toBe(1); // one request, cut at the grace
    a.stop();
  });

  it('start() twice is refused', async () => {
    const scheduler = new SimScheduler();
    const net = new SimNetwork(scheduler, new SeededRandom(3));
    const d = node('a', ['a'], scheduler, net);
    await d.start();
    await expect(d.start()).rejects.toMatchObject({ code: 'DISTRO_INVALID_OPTION' });
    d.stop();
  });
});
