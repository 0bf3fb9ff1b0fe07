// Snapshots and InstallSnapshot under faults: the standard sweep (loss, duplication, delay,
// partitions, crashes that lose unpersisted state, restarts from snapshot plus log tail; safety
// checked after every step, liveness after healing) with every node compacting its log every 20
// applied entries, so lagging, partitioned and restarted followers must be sent snapshots, which
// are lost, duplicated and delayed like any message. A digest state machine checks every node
// reaches the same state at the same index, right after installing a snapshot too. Membership
// changes run on every other seed (a new member is brought in by snapshot).
// Replay one seed: SEED=<n> npx vitest run --project @reg/raft test/sim/snapshot-sweep.test.ts
// Long sweeps outside CI: SEEDS=100000 npx vitest run --project @reg/raft test/sim/snapshot-sweep.test.ts
import { describe, expect, it } from 'vitest';
import { runSweepSeed, type SweepOptions } from '../../src/testing/sweep.js';

const SEEDS = Number(process.env.SEEDS ?? 2000);
const CHUNK = 250;
const STEPS = 150;
const only = process.env.SEED === undefined ? undefined : Number(process.env.SEED);
const replay = 'SEED=<seed> npx vitest run --project @reg/raft test/sim/snapshot-sweep.test.ts';
const options = (seed: number): SweepOptions => ({
  steps: STEPS,
  compactEvery: 20,
  replay,
  ...(seed % 2 === 0 ? { membershipRate: 0.03, spares: 1 } : {}),
});

describe('snapshot sweep', () => {
  if (only !== undefined) {
    it(`replays seed ${only}`, () => {
      console.log(JSON.stringify(runSweepSeed(only, options(only))));
    });
    return;
  }
  for (let start = 1; start <= SEEDS; start += CHUNK) {
    it(`seeds ${start}..${start + CHUNK - 1} x ${STEPS} steps with compaction and InstallSnapshot stay safe and live`, () => {
      let snapshots = 0;
      let applied = 0;
      for (let seed = start; seed < start + CHUNK; seed++) {
        const r = runSweepSeed(seed, options(seed));
        snapshots += r.snapshotsInstalled;
        applied += r.applied;
      }
      // Snapshots really were installed, many times.
      expect(snapshots).toBeGreaterThan(CHUNK / 2);
      expect(applied).toBeGreaterThan(CHUNK * 10);
    }, 60_000);
  }
});
