import { describe, expect, it } from 'vitest';
import { faultProfile, scenarioTimeoutMs } from './profile.js';
import { runScenario } from './scenario.js';

/**
 * Five members lose two at once (the leader and a follower, the most a 5-member group tolerates),
 * twice, under CP load. The pause-driven churn variant of F5 is in the soak schedule (KF-1).
 */
const profile = faultProfile();

describe('a 5-member cluster', () => {
  it(
    'kill -9 the leader and a follower together, twice; both restart and catch up',
    async () => {
      const report = await runScenario({
        name: '5 members, kill -9 leader + follower (x2)',
        label: 'five',
        size: 5,
        profile,
        async faults(n) {
          for (let round = 0; round < 2; round++) {
            await n.sleep(profile.durationMs / 4);
            const leader = await n.leader(30_000);
            const follower = n.rng.pick(n.cluster.running().filter((m) => m !== leader));
            await Promise.all([n.kill(leader), n.kill(follower)]);
            await n.sleep(profile.durationMs / 4);
            await n.start(leader, false);
            await n.start(follower, false);
            await n.cluster.waitReady([leader, follower], 60_000);
          }
        },
      });
      expect(report.violations, `seed ${report.seed}, logs ${report.folder}`).toEqual([]);
      expect(report.cas.linearizability).toBe('ok');
      expect(report.faults).toBe(4);
      expect(report.leaderTerms, 'leadership moved').toBeGreaterThanOrEqual(3);
    },
    scenarioTimeoutMs(profile, 2),
  );
});
