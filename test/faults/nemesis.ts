import type { Cluster } from '../cluster/harness/cluster.js';
import type { MemberProcess } from '../cluster/harness/member-process.js';
import type { SeededRandom } from './seeded-random.js';

/** One fault injected (or healed), for the report. */
export interface FaultEvent {
  /** Milliseconds since the scenario's load began. */
  readonly atMs: number;
  readonly action: 'kill -9' | 'SIGSTOP' | 'SIGCONT' | 'start' | 'flip byte';
  readonly member: number;
  readonly detail?: string;
}

/**
 * The fault injector of the process tests (Jepsen's "nemesis"): signals and restarts of member
 * processes, logged with their time so a report shows what happened when. Choices of members
 * come from the scenario's seeded generator.
 */
export class Nemesis {
  readonly events: FaultEvent[] = [];
  readonly #began = Date.now();

  constructor(
    readonly cluster: Cluster,
    readonly rng: SeededRandom,
  ) {}

  #record(action: FaultEvent['action'], member: MemberProcess, detail?: string): void {
    this.events.push({
      atMs: Date.now() - this.#began,
      action,
      member: member.index,
      ...(detail ? { detail } : {}),
    });
  }

  /** Faults injected (heals and restarts not counted). */
  get faultCount(): number {
    return this.events.filter(
      (e) => e.action === 'kill -9' || e.action === 'SIGSTOP' || e.action === 'flip byte',
    ).length;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  /** A random member in state `running` (none: throws). */
  randomRunning(): MemberProcess {
    return this.rng.pick(this.cluster.running());
  }

  /** The member every running member names leader (waits up to `timeoutMs`). */
  leader(timeoutMs = 20_000): Promise<MemberProcess> {
    return this.cluster.leader(timeoutMs);
  }

  async kill(member: MemberProcess): Promise<void> {
    this.#record('kill -9', member);
    await member.kill9();
  }

  pause(member: MemberProcess): void {
    this.#record('SIGSTOP', member);
    member.pause();
  }

  resume(member: MemberProcess): void {
    this.#record('SIGCONT', member);
    member.resume();
  }

  /** Starts a killed member on its port and data; `wait` for its readiness. */
  async start(member: MemberProcess, wait = true): Promise<void> {
    this.#record('start', member);
    this.cluster.startAgain(member);
    if (wait) await this.cluster.waitReady([member], 40_000);
  }

  /** Records a byte flipped at rest by the scenario itself. */
  noteFlip(member: MemberProcess, detail: string): void {
    this.#record('flip byte', member, detail);
  }

  /** Resumes paused members, starts killed ones, and waits until all are ready. */
  async healAll(): Promise<void> {
    for (const m of this.cluster.members) if (m.state === 'paused') this.resume(m);
    const down = this.cluster.members.filter((m) => m.state === 'killed' || m.state === 'stopped');
    for (const m of down) await this.start(m, false);
    await this.cluster.waitReady(this.cluster.members, 60_000);
  }
}
