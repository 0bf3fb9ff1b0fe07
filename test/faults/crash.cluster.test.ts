import { describe, expect, it } from 'vitest';
import { faultProfile, scenarioTimeoutMs } from './profile.js';
import type { ScenarioReport } from './report.js';
import { runScenario } from './scenario.js';

/** Crashes (kill -9) of one member, the leader, a majority and the whole cluster, under CP load. */
const profile = faultProfile();

function expectClean(report: ScenarioReport): void {
  const where = `seed ${report.seed}, logs ${report.folder}, faults ${JSON.stringify(report.faultLog)}`;
  expect(report.violations, where).toEqual([]);
  expect(report.cas.linearizability).toBe('ok');
  expect(report.ledger.acknowledged, 'the load made progress').toBeGreaterThan(0);
}

describe('crash faults on a 3-member cluster', () => {
  it(
    'F1 kill -9 a random member, then the leader, under load; each restarts and catches up',
    async () => {
      const report = await runScenario({
        name: 'F1 kill -9 random member, then leader',
        label: 'f1',
        size: 3,
        profile,
        async faults(n) {
          const slice = profile.durationMs / 4;
          await n.sleep(slice);
          const random = n.randomRunning();
          await n.kill(random);
          await n.sleep(slice);
          await n.start(random);
          const leader = await n.leader();
          await n.kill(leader);
          await n.sleep(slice);
          await n.start(leader);
          await n.sleep(slice);
        },
      });
      expectClean(report);
      expect(report.faults).toBe(2);
    },
    scenarioTimeoutMs(profile),
  );

  it(
    'F11 full-cluster restart: all members killed at once and restarted within 1 s, clients beating',
    async () => {
      const report = await runScenario({
        name: 'F11 full-cluster kill -9 and restart',
        label: 'f11',
        size: 3,
        profile,
        ephemeral: { churnMs: 0 },
        async faults(n) {
          await n.sleep(profile.durationMs / 2);
          await Promise.all(n.cluster.members.map((m) => n.kill(m)));
          for (const m of n.cluster.members) await n.start(m, false);
          await n.cluster.waitReady(n.cluster.members, 60_000);
          await n.sleep(profile.durationMs / 2);
        },
      });
      expectClean(report);
      expect(report.faults).toBe(3);
      expect(report.ephemeral?.convergedMs).toBeDefined();
    },
    scenarioTimeoutMs(profile),
  );

  it(
    'minority down, then a majority down (no quorum) and back',
    async () => {
      const report = await runScenario({
        name: 'minority down; majority down and back',
        label: 'majority',
        size: 3,
        profile,
        async faults(n) {
          const slice = profile.durationMs / 4;
          await n.sleep(slice);
          const one = n.randomRunning();
          await n.kill(one);
          await n.sleep(slice);
          await n.start(one);
          const [a, b] = n.cluster.running();
          await Promise.all([n.kill(a!), n.kill(b!)]);
          await n.sleep(slice);
          await n.start(a!, false);
          await n.start(b!, false);
          await n.cluster.waitReady([a!, b!], 60_000);
          await n.sleep(slice);
        },
      });
      expectClean(report);
      expect(report.faults).toBe(3);
    },
    scenarioTimeoutMs(profile),
  );
});
