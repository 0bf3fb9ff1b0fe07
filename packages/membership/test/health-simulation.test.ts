import { afterEach, describe, expect, it } from 'vitest';
import { parseClusterConf } from '../src/cluster-conf.js';
import { HealthReporter } from '../src/health-reporter.js';
import type { MemberState } from '../src/member.js';
import { MemberTable } from '../src/member-table.js';
import { FakeTimers } from './helpers/fake-timers.js';
import { MemoryReporter, type PeerBehaviour } from './helpers/memory-reporter.js';

/** mulberry32: a tiny seedable PRNG, so a failing run replays exactly with `SEED=<n>`. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed =
  process.env.SEED === undefined ? (Date.now() ^ (process.pid << 8)) >>> 0 : Number(process.env.SEED);
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe(`health state machine against a naive model (seed=${seed}; replay with SEED=${seed})`, () => {
  it('matches the model and emits one event per model change over random outcomes', async () => {
    const rand = prng(seed);
    const ports = [8848, 8858, 8868, 8878, 8888];
    const parsed = parseClusterConf(ports.map((p) => `127.0.0.1:${p}`).join('\n'));
    if (!parsed.ok) throw parsed.error;
    const [self, ...peers] = parsed.members;
    const failAccessCnt = Math.floor(rand() * 5);
    const timers = new FakeTimers();
    const table = new MemberTable({ self: self!, members: parsed.members, timers, failAccessCnt });
    const reporter = new MemoryReporter();
    const health = new HealthReporter({
      table,
      reporter,
      timers,
      intervalMs: 2000,
      timeoutMs: 1000,
      mode: 'all',
    });
    stop = () => health.stop();
    let events = 0;
    table.on('stateChange', () => events++);
    const model = new Map(peers.map((p) => [p.address, { state: 'STARTING' as MemberState, fail: 0 }]));
    let modelChanges = 0;
    const behaviours: PeerBehaviour[] = ['up', 'up', 'refuse', 'error', 'hang'];
    health.start();
    // Rounds fire at 2000, 4000, ...; checking at 3500, 5500, ... sees each round's reports
    // settled (answers at once, timeouts 1000 ms later) and the next round not yet started.
    await timers.advance(1500);
    for (let round = 0; round < 200; round++) {
      for (const p of peers) {
        const b = behaviours[Math.floor(rand() * behaviours.length)]!;
        reporter.set(p.address, b);
        const m = model.get(p.address)!;
        let next: MemberState;
        if (b === 'up') {
          m.fail = 0;
          next = 'UP';
        } else {
          m.fail += 1;
          const stays = m.state === 'DOWN' || m.state === 'STARTING';
          next = b === 'refuse' || m.fail > failAccessCnt ? 'DOWN' : stays ? m.state : 'SUSPICIOUS';
        }
        if (next !== m.state) modelChanges++;
        m.state = next;
      }
      await timers.advance(2000);
      for (const p of peers) {
        const m = model.get(p.address)!;
        expect(table.get(p.address), `seed=${seed} round=${round} ${p.address}`).toMatchObject({
          state: m.state,
          failAccessCnt: m.fail,
        });
      }
    }
    expect(events, `seed=${seed}`).toBe(modelChanges);
  });
});
