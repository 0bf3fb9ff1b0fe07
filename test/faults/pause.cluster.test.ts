import { describe, expect, it } from 'vitest';
import { faultProfile, scenarioTimeoutMs } from './profile.js';
import { runScenario } from './scenario.js';

/**
 * Pauses (SIGSTOP/SIGCONT) longer than the election timeout (600 ms in these clusters): the
 * paused process keeps its sockets, so peers see silence rather than a closed port.
 */
const profile = faultProfile();

describe('pause faults on a 3-member cluster', () => {
  it(
    'F8 SIGSTOP the leader for 5x the election timeout, twice, under CP and AP load',
    async () => {
      const report = await runScenario({
        name: 'F8 SIGSTOP leader 3 s (x2)',
        label: 'f8',
        size: 3,
        profile,
        ephemeral: { churnMs: 0 },
        async faults(n) {
          for (let round = 0; round < 2; round++) {
            await n.sleep(profile.durationMs / 4);
            const leader = await n.leader();
            n.pause(leader);
            await n.sleep(3_000);
            n.resume(leader);
          }
        },
      });
      expect(report.violations, `seed ${report.seed}, logs ${report.folder}`).toEqual([]);
      expect(report.cas.linearizability).toBe('ok');
      expect(report.faults).toBe(2);
      expect(report.leaderTerms, 'each pause forced an election').toBeGreaterThanOrEqual(3);
    },
    scenarioTimeoutMs(profile),
  );

  it(
    'F12 restart a member while a peer is paused; it converges once the peer returns',
    async () => {
      const report = await runScenario({
        name: 'F12 restart while a peer is paused',
        label: 'f12',
        size: 3,
        profile,
        ephemeral: { churnMs: 0 },
        async faults(n) {
          await n.sleep(profile.durationMs / 3);
          const paused = n.randomRunning();
          n.pause(paused);
          const other = n.rng.pick(n.cluster.running());
          await n.kill(other);
          await n.sleep(1_000);
          await n.start(other, false);
          await n.sleep(3_000);
          n.resume(paused);
          await n.cluster.waitReady([other], 60_000);
          await n.sleep(profile.durationMs / 3);
        },
      });
      expect(report.violations, `seed ${report.seed}, logs ${report.folder}`).toEqual([]);
      expect(report.cas.linearizability).toBe('ok');
      expect(report.faults).toBe(2);
    },
    scenarioTimeoutMs(profile),
  );
});
