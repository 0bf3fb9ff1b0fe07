// Leadership transfer under faults: the standard sweep (loss, duplication, delay, partitions,
// crashes, restarts; safety checked after every step, liveness after healing) with the leader asked
// to hand over to a random voter, often a lagging or cut-off one, 3% of steps.
// Replay one seed: SEED=<n> npx vitest run --project @reg/raft test/sim/transfer-sweep.test.ts
import { describe, expect, it } from 'vitest';
import { runSweepSeed } from '../../src/testing/sweep.js';

// Long sweeps outside CI: SEEDS=100000 npx vitest run --project @reg/raft <this file>
const SEEDS = Number(process.env.SEEDS ?? 2000);
const CHUNK = 250;
const STEPS = 150;
const only = process.env.SEED === undefined ? undefined : Number(process.env.SEED);
const replay = 'SEED=<seed> npx vitest run --project @reg/raft test/sim/transfer-sweep.test.ts';

describe('leadership transfer sweep', () => {
  if (only !== undefined) {
    it(`replays seed ${only}`, () => {
      console.log(JSON.stringify(runSweepSeed(only, { steps: STEPS, transferRate: 0.03, replay })));
    });
    return;
  }
  for (let start = 1; start <= SEEDS; start += CHUNK) {
    it(`seeds ${start}..${start + CHUNK - 1} x ${STEPS} steps with transfers stay safe and live`, () => {
      let transfers = 0;
      let applied = 0;
      for (let seed = start; seed < start + CHUNK; seed++) {
        const r = runSweepSeed(seed, { steps: STEPS, transferRate: 0.03, replay });
        transfers += r.transfers;
        applied += r.applied;
      }
      expect(transfers).toBeGreaterThan(CHUNK);
      expect(applied).toBeGreaterThan(CHUNK * 10);
    }, 60_000);
  }
});
