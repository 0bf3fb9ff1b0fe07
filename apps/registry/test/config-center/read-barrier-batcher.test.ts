import { describe, expect, it } from 'vitest';
import { ReadBarrierBatcher } from '../../src/config-center/read-barrier-batcher.js';

/** A barrier whose rounds the test completes by hand. */
function manualBarrier() {
  const rounds: { resolve(): void; reject(err: Error): void }[] = [];
  return {
    rounds,
    barrier: () =>
      new Promise<void>((resolve, reject) => {
        rounds.push({ resolve, reject });
      }),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ReadBarrierBatcher', () => {
  it('serves concurrent reads with one barrier', async () => {
    const { rounds, barrier } = manualBarrier();
    const batcher = new ReadBarrierBatcher(barrier);
    const reads = Array.from({ length: 50 }, () => batcher.wait());
    await tick();
    expect(rounds).toHaveLength(1);
    rounds[0]?.resolve();
    await Promise.all(reads);
    expect(rounds).toHaveLength(1);
  });

  it('never lets a read join a barrier that started before it', async () => {
    const { rounds, barrier } = manualBarrier();
    const batcher = new ReadBarrierBatcher(barrier);
    let firstDone = false;
    let lateDone = false;
    void batcher.wait().then(() => {
      firstDone = true;
    });
    await tick();
    const late = [batcher.wait(), batcher.wait()].map((p) =>
      p.then(() => {
        lateDone = true;
      }),
    );
    // The late reads arrived while round 1 runs: they wait for round 2, which starts only then.
    await tick();
    expect(rounds).toHaveLength(1);
    rounds[0]?.resolve();
    await tick();
    expect(firstDone).toBe(true);
    expect(lateDone).toBe(false);
    expect(rounds).toHaveLength(2);
    rounds[1]?.resolve();
    await Promise.all(late);
    expect(lateDone).toBe(true);
  });

  it('rejects the reads of a failed round and recovers with the next', async () => {
    const { rounds, barrier } = manualBarrier();
    const batcher = new ReadBarrierBatcher(barrier);
    const failed = batcher.wait();
    await tick();
    rounds[0]?.reject(Object.assign(new Error('no leader'), { code: 'REG_NO_LEADER' }));
    await expect(failed).rejects.toMatchObject({ code: 'REG_NO_LEADER' });
    const ok = batcher.wait();
    await tick();
    rounds[1]?.resolve();
    await expect(ok).resolves.toBeUndefined();
  });

  it('survives a barrier that throws synchronously', async () => {
    const batcher = new ReadBarrierBatcher(() => {
      throw new Error('boom');
    });
    await expect(batcher.wait()).rejects.toThrow('boom');
    await expect(batcher.wait()).rejects.toThrow('boom');
  });
});
