// Linearizable reads in the simulator: writes through the log, reads through ReadIndex on any node
// (leader, follower, or a leader that was just cut off), under message loss, duplication, delay,
// partitions, crashes and restarts; every history is checked with the linearizability checker.
// Half the seeds use lease reads with real clock skew inside the configured drift bound; leaders
// are also asked to hand leadership over now and then (no lease reads while a transfer runs), and
// every fourth seed (lease reads) changes the membership as well.
// Replay one seed: SEED=<n> npx vitest run --project @reg/raft test/sim/reads.test.ts
import { describe, expect, it } from 'vitest';
import { checkLinearizability, kvModel } from '../../src/testing/linearizability/index.js';
import { READ_FAULTS, type ReadWorkloadOptions, runReadSeed } from './read-workload.js';

// Long sweeps outside CI: SEEDS=100000 npx vitest run --project @reg/raft <this file>
const SEEDS = Number(process.env.SEEDS ?? 2000);
const CHUNK = 250;
const STEPS = 120;
const only = process.env.SEED === undefined ? undefined : Number(process.env.SEED);

/** The scenario of a seed: odd seeds read with leases (clocks skewed within the bound), 5 nodes on every third. */
function scenario(seed: number): Omit<ReadWorkloadOptions, 'seed'> & { steps: number } {
  return {
    steps: STEPS,
    faults: READ_FAULTS,
    nodes: seed % 3 === 0 ? 5 : 3,
    readOnlyOption: seed % 2 === 1 ? 'lease-based' : 'safe',
    clockSkew: seed % 2 === 1 ? 0.1 : 0,
    isolateLeader: 0.01,
    transferRate: 0.01,
    // Every fourth seed changes the membership too (lease quorums across configurations).
    membershipRate: seed % 4 === 1 ? 0.03 : 0,
  };
}

function checkSeed(seed: number): number {
  const r = runReadSeed(seed, scenario(seed));
  const verdict = checkLinearizability(r.history, kvModel(), { timeoutMs: 10_000 });
  if (verdict.result !== 'ok') {
    const why = verdict.result === 'illegal' ? verdict.illegal.explanation : 'checker timed out';
    throw new Error(
      `seed=${seed}: ${why}\n  replay: SEED=${seed} npx vitest run --project @reg/raft test/sim/reads.test.ts`,
    );
  }
  return r.readsServed;
}

describe('linearizable reads under faults', () => {
  if (only !== undefined) {
    it(`replays seed ${only}`, () => {
      console.log(JSON.stringify({ seed: only, readsServed: checkSeed(only), ...scenario(only) }));
    });
    return;
  }

  it('the check has teeth: reading a self-proclaimed leader without ReadIndex is caught', () => {
    let illegal = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = runReadSeed(seed, {
        ...scenario(seed),
        readOnlyOption: 'safe',
        clockSkew: 0,
        mode: 'local-leader',
      });
      if (checkLinearizability(r.history, kvModel(), { timeoutMs: 10_000 }).result === 'illegal') illegal++;
    }
    expect(illegal).toBeGreaterThan(10);
  });

  for (let start = 1; start <= SEEDS; start += CHUNK) {
    it(`seeds ${start}..${start + CHUNK - 1} x ${STEPS} steps: every history is linearizable`, () => {
      let served = 0;
      for (let seed = start; seed < start + CHUNK; seed++) served += checkSeed(seed);
      // Reads really were served, on leaders and followers alike.
      expect(served).toBeGreaterThan(CHUNK * 5);
    }, 60_000);
  }
});
