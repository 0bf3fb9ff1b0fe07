// Membership changes under faults: the standard sweep (loss, duplication, delay, partitions,
// crashes, restarts; election safety across old and new configurations and the other safety
// properties checked after every step; liveness of the final configuration after healing) with two
// spare nodes and random single-server changes (learners added and promoted, voters added and
// removed, the leader included) proposed on 5% of steps.
// Replay one seed: SEED=<n> npx vitest run --project @reg/raft test/sim/membership-sweep.test.ts
// Long sweeps outside CI: SEEDS=100000 npx vitest run --project @reg/raft test/sim/membership-sweep.test.ts
import { describe, expect, it } from 'vitest';
import { runSweepSeed } from '../../src/testing/sweep.js';

const SEEDS = Number(process.env.SEEDS ?? 2000);
const CHUNK = 250;
const STEPS = 150;
const only = process.env.SEED === undefined ? undefined : Number(process.env.SEED);
const replay = 'SEED=<seed> npx vitest run --project @reg/raft test/sim/membership-sweep.test.ts';
const options = { steps: STEPS, membershipRate: 0.05, spares: 2, transferRate: 0.01, replay };

describe('membership change sweep', () => {
  if (only !== undefined) {
    it(`replays seed ${only}`, () => {
      console.log(JSON.stringify(runSweepSeed(only, options)));
    });
    return;
  }
  for (let start = 1; start <= SEEDS; start += CHUNK) {
    it(`seeds ${start}..${start + CHUNK - 1} x ${STEPS} steps with membership changes stay safe and live`, () => {
      let confChanges = 0;
      let applied = 0;
      for (let seed = start; seed < start + CHUNK; seed++) {
        const r = runSweepSeed(seed, options);
        confChanges += r.confChanges;
        applied += r.applied;
      }
      expect(confChanges).toBeGreaterThan(CHUNK);
      expect(applied).toBeGreaterThan(CHUNK * 10);
    }, 60_000);
  }
});
