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

  it('start() twice is refused', async () => {
    const scheduler = new SimScheduler();
    const net = new SimNetwork(scheduler, new SeededRandom(3));
    const d = node('a', ['a'], scheduler, net);
    await d.start();
    await expect(d.start()).rejects.toMatchObject({ code: 'DISTRO_INVALID_OPTION' });
    d.stop();
  });
});
