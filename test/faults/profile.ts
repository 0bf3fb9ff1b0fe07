/**
 * How long and how big a scenario runs. CI uses the short defaults; `npm run soak` sets
 * `FAULTS_PROFILE=soak` and these variables to run long schedules:
 * - `FAULTS_DURATION_MS`: load time of each scenario (faults are spread over it);
 * - `FAULTS_INSTANCES`: ephemeral instances registered and beating;
 * - `FAULTS_CONFIGS`: config keys of the compare-and-set register workload;
 * - `FAULTS_CLIENTS`: concurrent clients of each CP workload;
 * - `FAULTS_MAX_RSS_MB`: the memory bound per member.
 */
export interface FaultProfile {
  readonly name: 'ci' | 'soak';
  readonly durationMs: number;
  readonly instances: number;
  readonly configs: number;
  readonly clients: number;
  readonly maxRssMiB: number;
}

function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name}=${JSON.stringify(raw)}: expected an integer in ${min}..${max}`);
  return value;
}

export function faultProfile(): FaultProfile {
  const soak = process.env.FAULTS_PROFILE === 'soak';
  return {
    name: soak ? 'soak' : 'ci',
    durationMs: envInt('FAULTS_DURATION_MS', soak ? 30 * 60_000 : 9_000, 2_000, 24 * 3_600_000),
    instances: envInt('FAULTS_INSTANCES', soak ? 10_000 : 60, 1, 100_000),
    configs: envInt('FAULTS_CONFIGS', soak ? 1_000 : 6, 1, 100_000),
    clients: envInt('FAULTS_CLIENTS', soak ? 8 : 4, 1, 256),
    maxRssMiB: envInt('FAULTS_MAX_RSS_MB', soak ? 1_024 : 512, 64, 65_536),
  };
}

/** A vitest timeout for a scenario: its load time plus generous room for start-up and checks. */
export function scenarioTimeoutMs(profile: FaultProfile, loadRounds = 1): number {
  return profile.durationMs * loadRounds + 150_000 + profile.instances * 20;
}
