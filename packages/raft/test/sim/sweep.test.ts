// The fixed simulation sweep: 2,000 seeds x 500 steps with message loss, duplication, delay and
// reordering, symmetric and one-way partitions, crashes (some losing an unpersisted Ready) and
// restarts; 3 and 5 nodes; with and without PreVote and CheckQuorum; tiny flow-control windows and
// 20-tick delays on some seeds. Safety is checked after every step; liveness after healing. A failure prints the seed;
// replay one seed with SEED=<n>. Long sweeps: `npm run sweep -w @reg/raft -- 100000`.
import { describe, expect, it } from 'vitest';
import { runSweepSeed } from '../../src/testing/sweep.js';

const SEEDS = 2000;
const CHUNK = 250;
const only = process.env.SEED === undefined ? undefined : Number(process.env.SEED);

describe('simulation sweep', () => {
  if (only !== undefined) {
    it(`replays seed ${only}`, () => {
      const r = runSweepSeed(only);
      console.log(JSON.stringify(r));
    });
    return;
  }
  for (let start = 1; start <= SEEDS; start += CHUNK) {
    it(`seeds ${start}..${start + CHUNK - 1} x 500 steps stay safe and live`, () => {
      let applied = 0;
      let elections = 0;
      for (let seed = start; seed < start + CHUNK; seed++) {
        const r = runSweepSeed(seed);
        applied += r.applied;
        elections += r.maxTerm;
      }
      // The sweep must exercise the protocol, not idle: plenty of commits and elections.
      expect(applied).toBeGreaterThan(CHUNK * 20);
      expect(elections).toBeGreaterThan(CHUNK * 2);
      // A generous limit: on a loaded 2-core machine a chunk can take several seconds.
    }, 60_000);
  }
});
