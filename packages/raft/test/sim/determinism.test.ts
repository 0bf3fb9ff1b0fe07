// A seed is a complete description of a run: replaying it gives the same run.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/testing/simulator.js';
import { runSweepSeed, SWEEP_FAULTS } from '../../src/testing/sweep.js';

function fingerprint(seed: number): string {
  const sim = new Simulation({ seed, nodes: 5, faults: SWEEP_FAULTS });
  for (let i = 0; i < 300; i++) {
    if (sim.rng.float() < 0.3) sim.propose(Uint8Array.of(i & 255));
    sim.step();
  }
  return JSON.stringify({
    sent: sim.messagesSent,
    nodes: sim.nodes.map((n) => {
      const s = n.raw?.status();
      return s === undefined ? 'down' : [s.role, s.term, s.commit, s.lastIndex, n.applied];
    }),
  });
}

describe('determinism', () => {
  it('the same seed replays the same run; different seeds differ', () => {
    expect(fingerprint(42)).toBe(fingerprint(42));
    expect(fingerprint(42)).not.toBe(fingerprint(43));
  });

  it('runSweepSeed is reproducible', () => {
    expect(runSweepSeed(1234)).toEqual(runSweepSeed(1234));
  });
});
