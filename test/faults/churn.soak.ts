import { describe, expect, it } from 'vitest';
import { faultProfile, scenarioTimeoutMs } from './profile.js';
import { runScenario } from './scenario.js';

/**
 * F5 as far as processes can express it (no link faults yet: see docs/reliability.md): five
 * members, the leader cut off again and again by SIGSTOP or kill -9, sometimes with a follower,
 * so leadership churns quickly while clients write everywhere.
 */
const profile = faultProfile();

describe('leader churn on a 5-member cluster', () => {
  it(
    'F5 (processes) rapid leader churn: the leader paused or killed 4 times, twice with a follower',
    async () => {
      const report = await runScenario({
        name: 'F5 5 members, rapid leader churn',
        label: 'f5',
        size: 5,
        profile,
        async faults(n) {
          for (let round = 0; round < 4; round++) {
            await n.sleep(profile.durationMs / 8);
            const leader = await n.leader(30_000);
            const follower =
              round % 2 === 1 ? n.rng.pick(n.cluster.running().filter((m) => m !== leader)) : undefined;
            const kill = n.rng.next() < 0.5;
            if (kill) await n.kill(leader);
            else n.pause(leader);
            if (follower) n.pause(follower);
            await n.sleep(1_500);
            if (follower) n.resume(follower);
            if (kill) await n.start(leader, false);
            else n.resume(leader);
            await n.cluster.waitReady(n.cluster.running(), 60_000);
          }
        },
      });
      expect(report.violations, `seed ${report.seed}, logs ${report.folder}`).toEqual([]);
      expect(report.cas.linearizability).toBe('ok');
      expect(report.faults).toBeGreaterThanOrEqual(6);
      expect(report.leaderTerms, 'leadership moved').toBeGreaterThanOrEqual(3);
    },
    scenarioTimeoutMs(profile, 2),
  );
});
