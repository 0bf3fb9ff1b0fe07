import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster/harness/cluster.js';
import { httpCall } from '../cluster/harness/http-client.js';
import { faultProfile, scenarioTimeoutMs } from './profile.js';
import { runScenario } from './scenario.js';

/**
 * Scenarios that fail today, kept runnable (and failing) until the registry is fixed; each is
 * described in known-failures.md. They run in `npm run soak`, not in CI.
 */
const profile = faultProfile();

describe('known failures', () => {
  it(
    'KF-2 a persistent deregistration at a member that has not applied the service yet is acknowledged and lost',
    async () => {
      const report = await runScenario({
        name: 'KF-2 persistent deregister before the service reached the member',
        label: 'kf2',
        size: 3,
        profile,
        prepareService: false,
        async faults(n) {
          const slice = profile.durationMs / 4;
          await n.sleep(slice);
          const victim = n.randomRunning();
          await n.kill(victim);
          await n.sleep(slice);
          await n.start(victim);
          await n.sleep(2 * slice);
        },
      });
      expect(report.violations, `seed ${report.seed}, logs ${report.folder}`).toEqual([]);
    },
    scenarioTimeoutMs(profile),
  );

  it('KF-3 a member restarted from an empty data folder catches up', async () => {
    const cluster = await Cluster.start({ size: 3, label: 'kf3' });
    let ok = false;
    try {
      for (let i = 0; i < 20; i++) {
        const out = await httpCall(cluster.members[0]!.port, {
          method: 'POST',
          path: '/nacos/v1/cs/configs',
          form: { dataId: `kf3-${i}`, group: 'REG_FAULTS', content: String(i) },
          timeoutMs: 3_000,
        });
        expect(out.kind === 'answered' && out.status).toBe(200);
      }
      const leader = await cluster.leader();
      const follower = cluster.members.find((m) => m !== leader)!;
      await follower.kill9();
      rmSync(join(follower.home, 'data'), { recursive: true, force: true });
      cluster.startAgain(follower);
      await cluster.waitReady([follower], 60_000);
      ok = true;
    } finally {
      await cluster.destroy(!ok);
    }
  }, 120_000);

  it(
    'KF-4 ephemeral instances deregistered during crashes come back',
    async () => {
      const report = await runScenario({
        name: 'KF-4 AP churn under kill -9',
        label: 'kf4',
        size: 3,
        profile,
        cp: false,
        ephemeral: { churnMs: 300 },
        async faults(n) {
          for (let round = 0; round < 2; round++) {
            await n.sleep(profile.durationMs / 4);
            const victim = n.randomRunning();
            await n.kill(victim);
            await n.sleep(profile.durationMs / 4);
            await n.start(victim);
          }
        },
      });
      expect(report.violations, `seed ${report.seed}, logs ${report.folder}`).toEqual([]);
    },
    scenarioTimeoutMs(profile),
  );
});
