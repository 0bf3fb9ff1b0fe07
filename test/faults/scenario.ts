import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from '../cluster/harness/cluster.js';
import { ClusterMonitor } from '../cluster/harness/cluster-monitor.js';
import { memberHealthViolations } from './member-health.js';
import { Nemesis } from './nemesis.js';
import type { FaultProfile } from './profile.js';
import { recordReport, type ScenarioReport } from './report.js';
import { SeededRandom, scenarioSeed } from './seeded-random.js';
import { CasRegisterWorkload } from './workloads/cas-register.js';
import { ConfigLedgerWorkload } from './workloads/config-ledger.js';
import { EphemeralInstanceWorkload, type EphemeralOptions } from './workloads/ephemeral-instances.js';
import { PersistentInstanceWorkload } from './workloads/persistent-instances.js';

export interface ScenarioSpec {
  /** F-row and title, e.g. `F1 kill -9 a random member`. */
  readonly name: string;
  /** Short, for folder names. */
  readonly label: string;
  readonly size: number;
  readonly profile: FaultProfile;
  /** The CP workloads (register, ledger, persistent instances) run unless false. */
  readonly cp?: boolean;
  /** Create the persistent service on every member before the load (default true; false: KF-2). */
  readonly prepareService?: boolean;
  /** The AP workload runs when given (its options over the defaults). */
  readonly ephemeral?: Partial<EphemeralOptions>;
  readonly env?: Record<string, string>;
  readonly properties?: Record<string, string>;
  /** The faults, run while the load runs; whatever they leave broken is healed afterwards. */
  readonly faults: (nemesis: Nemesis) => Promise<void>;
}

const GROUP = 'REG_FAULTS';

/**
 * Runs one scenario end to end: a fresh cluster, the workloads, the faults, a heal, then every
 * check. Violations are collected, not thrown, so the report always names all of them. The
 * member homes (logs, data) are kept when anything was violated.
 */
export async function runScenario(spec: ScenarioSpec): Promise<ScenarioReport> {
  const seed = scenarioSeed();
  console.log(
    `[faults] ${spec.name}: SEED=${seed} (replay: SEED=${seed} npx vitest run --project @reg/test test/faults)`,
  );
  const rng = new SeededRandom(seed);
  const { profile } = spec;
  const cluster = await Cluster.start({
    size: spec.size,
    label: spec.label,
    ...(spec.env ? { env: spec.env } : {}),
    ...(spec.properties ? { properties: spec.properties } : {}),
  });
  const violations: string[] = [];
  const began = Date.now();
  const monitor = new ClusterMonitor(cluster);
  const nemesis = new Nemesis(cluster, rng.fork(900));
  const cp = spec.cp !== false;
  const cas = new CasRegisterWorkload(cluster, rng.fork(1), {
    keys: profile.configs,
    clients: profile.clients,
    group: GROUP,
  });
  const ledger = new ConfigLedgerWorkload(cluster, rng.fork(2), { clients: 2, group: GROUP, thinkMs: 20 });
  const persistent = new PersistentInstanceWorkload(cluster, rng.fork(3), {
    clients: 2,
    service: 'reg-faults-persistent',
    thinkMs: 20,
  });
  const ephemeralOptions: EphemeralOptions = {
    services: 4,
    instances: profile.instances,
    beatMs: 1_000,
    heartBeatTimeoutMs: 6_000,
    deleteTimeoutMs: 10_000,
    churnMs: 400,
    ...spec.ephemeral,
  };
  const ephemeral =
    spec.ephemeral === undefined
      ? undefined
      : new EphemeralInstanceWorkload(cluster, rng.fork(4), ephemeralOptions);
  let convergedMs: number | undefined;
  let finished = false;
  try {
    monitor.start();
    await ephemeral?.start();
    ephemeral?.observer.start();
    if (cp) {
      if (spec.prepareService !== false) await persistent.prepare();
      cas.start();
      ledger.start();
      persistent.start();
    }
    await spec.faults(nemesis);
    await nemesis.healAll();
    await nemesis.sleep(1_000);
    await Promise.all([cas.stop(), ledger.stop(), persistent.stop(), ephemeral?.stopChurn()]);
    // Every member's leader view settles before the final reads (they may wait for a barrier).
    await cluster.leader(30_000).catch((err: Error) => violations.push(`after heal: ${err.message}`));
    if (cp) {
      violations.push(...(await cas.finalReads()));
      violations.push(...(await ledger.lostWrites()));
      violations.push(...(await persistent.converge(20_000)));
    }
    if (ephemeral) {
      const bound = ephemeralOptions.deleteTimeoutMs + 20_000;
      convergedMs = (await ephemeral.observer.converge(bound, 3_000)).convergedMs;
      violations.push(...ephemeral.observer.violations, ...ephemeral.unexpected);
    }
    await monitor.stop();
    violations.push(...monitor.leaderViolations());
    violations.push(...memberHealthViolations(cluster, monitor, profile.maxRssMiB));
    violations.push(...cas.unexpected, ...ledger.unexpected, ...persistent.unexpected);
    let linearizability = 'not run';
    if (cp) {
      const verdict = cas.check();
      linearizability = verdict.result;
      if (verdict.result === 'illegal')
        violations.push(`CAS history not linearizable:\n${verdict.illegal.explanation}`);
      if (verdict.result === 'unknown')
        violations.push('CAS history: the checker ran out of time (undecided)');
    }
    const report: ScenarioReport = {
      scenario: spec.name,
      seed,
      members: spec.size,
      profile: profile.name,
      durationMs: Date.now() - began,
      faults: nemesis.faultCount,
      faultLog: nemesis.events,
      cas: { ...cas.counts, linearizability, historyLength: cas.history.length },
      ledger: { acknowledged: ledger.acknowledged.length, indeterminate: ledger.indeterminate },
      persistent: { acknowledged: persistent.acknowledged },
      ephemeral: ephemeral
        ? {
            instances: ephemeral.instances.length,
            beats: ephemeral.beats,
            failedBeats: ephemeral.failedBeats,
            deletions: ephemeral.deletions,
            convergedMs,
          }
        : undefined,
      leaderTerms: monitor.leaderTerms(),
      leaderViewMismatches: monitor.leaderViewMismatches(),
      raftSamples: monitor.samples.length,
      peakRssMiB: Object.fromEntries([...monitor.peakRssMiB].map(([k, v]) => [k, Math.round(v)])),
      violations,
      folder: cluster.root,
    };
    recordReport(report);
    finished = true;
    return report;
  } catch (err) {
    writeFileSync(join(cluster.root, 'error.txt'), `${(err as Error).stack ?? String(err)}\n`);
    throw err;
  } finally {
    await Promise.all([cas.stop(), ledger.stop(), persistent.stop()]);
    await ephemeral?.observer.stop();
    await ephemeral?.stop();
    await monitor.stop();
    await cluster.destroy(!finished || violations.length > 0);
  }
}
