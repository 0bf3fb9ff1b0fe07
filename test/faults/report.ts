import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultEvent } from './nemesis.js';

/** What one scenario did and found; appended as a JSON line to `$FAULTS_RESULTS` when set. */
export interface ScenarioReport {
  readonly scenario: string;
  readonly seed: number;
  readonly members: number;
  readonly profile: string;
  readonly durationMs: number;
  readonly faults: number;
  readonly faultLog: readonly FaultEvent[];
  readonly cas: Readonly<Record<string, number | string>>;
  readonly ledger: { readonly acknowledged: number; readonly indeterminate: number };
  readonly persistent: { readonly acknowledged: number };
  readonly ephemeral:
    | {
        readonly instances: number;
        readonly beats: number;
        readonly failedBeats: number;
        readonly deletions: number;
        readonly convergedMs: number | undefined;
      }
    | undefined;
  readonly leaderTerms: number;
  /** Known failure KF-1 (reported, not a violation until fixed). */
  readonly leaderViewMismatches: readonly string[];
  readonly raftSamples: number;
  readonly peakRssMiB: Record<string, number>;
  readonly violations: readonly string[];
  readonly folder: string;
}

/** Prints a one-line summary and appends the full report to `$FAULTS_RESULTS` (JSON lines). */
export function recordReport(report: ScenarioReport): void {
  const ops =
    Number(report.cas.reads ?? 0) +
    Number(report.cas.writes ?? 0) +
    Number(report.cas.casTrue ?? 0) +
    Number(report.cas.casFalse ?? 0) +
    Number(report.cas.indeterminate ?? 0);
  console.log(
    `[faults] ${report.scenario}: ${report.faults} faults, ${ops} register ops (${report.cas.linearizability}), ` +
      `${report.ledger.acknowledged} ledger acks, ${report.persistent.acknowledged} persistent acks, ` +
      `${report.ephemeral ? `${report.ephemeral.instances} ephemeral instances converged in ${report.ephemeral.convergedMs} ms, ` : ''}` +
      `${report.leaderTerms} leader terms (${report.leaderViewMismatches.length} KF-1 view mismatches), ${report.violations.length} violations, ${Math.round(report.durationMs / 1000)} s`,
  );
  // A failed run keeps its folder: the report goes next to the member logs.
  if (report.violations.length > 0)
    writeFileSync(join(report.folder, 'report.json'), JSON.stringify(report, null, 2));
  const file = process.env.FAULTS_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(report)}\n`);
}
