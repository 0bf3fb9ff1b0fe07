import type { ConfChange } from '../core/conf-change.js';
import type { Entry, NodeId } from '../core/types.js';
import type { SimFaults } from './simulator.js';
import { Simulation } from './simulator.js';

/** The fault mix of the standard sweep: every fault the simulator has, at rates that still let work happen. */
export const SWEEP_FAULTS: SimFaults = {
  drop: 0.05,
  duplicate: 0.03,
  maxDelay: 3,
  partition: 0.02,
  heal: 0.04,
  crash: 0.01,
  restart: 0.08,
  crashMidReady: 0.002,
};

/** What one seed of a sweep did. */
export interface SweepResult {
  readonly seed: number;
  readonly proposed: number;
  readonly applied: number;
  readonly maxTerm: number;
  /** Leadership transfers started (with `transferRate`). */
  readonly transfers: number;
  /** Membership changes proposed (with `membershipRate`). */
  readonly confChanges: number;
  /** Snapshots installed on followers (with `compactEvery`). */
  readonly snapshotsInstalled: number;
}

/** Options of {@link runSweepSeed}. */
export interface SweepOptions {
  /** Steps with faults. Default 500. */
  readonly steps?: number;
  /** Voters: 3 or 5 alternate by seed when omitted. */
  readonly nodes?: number;
  /**
   * Flow-control window. Default: 64, except every fourth seed runs a tiny window (2 messages of
   * one entry each) so lost appends stall and repair the pipeline often.
   */
  readonly maxInflightMsgs?: number;
  /** Byte budget per append. Default 16 KiB (1 byte, i.e. one entry, with the tiny window). */
  readonly maxSizePerMsg?: number;
  /** Chance per step of a client proposal. Default 0.3. */
  readonly proposeRate?: number;
  /**
   * Chance per step that the leader is asked to hand leadership to a random voter (possibly lagging
   * or cut off). Default 0.
   */
  readonly transferRate?: number;
  /**
   * Chance per step that the leader is asked for a random single-server membership change: add a
   * learner, add or promote a voter, remove a member (the leader too). Default 0.
   */
  readonly membershipRate?: number;
  /** Nodes outside the initial configuration that membership changes can add. Default 0. */
  readonly spares?: number;
  /**
   * Compact every node's log each time it applied this many entries past its compaction point, so
   * lagging and restarted followers need InstallSnapshot. Nodes then run a state machine that hashes
   * every applied entry into a running digest, checked equal across nodes at every index (also right
   * after a snapshot is installed). Default: no compaction.
   */
  readonly compactEvery?: number;
  readonly faults?: SimFaults;
  /** The command that replays one seed, printed on failure (the seed is appended as SEED=...). */
  readonly replay?: string;
}

/**
 * Runs one seed: `steps` steps of proposals under faults with the safety checker after every step,
 * then heals everything and checks liveness (a leader is elected and a new proposal commits on
 * every node). Throws an error naming the seed and the replay command on any violation.
 */
export function runSweepSeed(seed: number, opts: SweepOptions = {}): SweepResult {
  const steps = opts.steps ?? 500;
  const digests: number[] = [];
  const sim = new Simulation({
    seed,
    nodes: opts.nodes ?? (seed % 2 === 0 ? 3 : 5),
    // Every fifth seed delays messages up to 20 ticks: very stale terms and answers arrive.
    faults: opts.faults ?? (seed % 5 === 4 ? { ...SWEEP_FAULTS, maxDelay: 20 } : SWEEP_FAULTS),
    spares: opts.spares ?? 0,
    ...(opts.compactEvery === undefined
      ? {}
      : { compactEvery: opts.compactEvery, stateMachine: () => new DigestStateMachine(digests) }),
  });
  let proposed = 0;
  let transfers = 0;
  const rate = opts.proposeRate ?? 0.3;
  const transferRate = opts.transferRate ?? 0;
  const membershipRate = opts.membershipRate ?? 0;
  let confChanges = 0;
  try {
    for (let i = 0; i < steps; i++) {
      if (sim.rng.float() < rate && sim.propose(Uint8Array.of(1, i & 255, (i >> 8) & 255)) !== undefined)
        proposed++;
      if (transferRate > 0 && sim.rng.float() < transferRate) {
        if (sim.transferLeadership(sim.ids[sim.rng.int(sim.ids.length)]!)) transfers++;
      }
      if (membershipRate > 0 && sim.rng.float() < membershipRate) {
        const cc = randomConfChange(sim);
        if (cc !== undefined && sim.changeMembership(cc)) confChanges++;
      }
      sim.step();
    }
    // Liveness after healing: with a reliable network and everyone up, a leader commits.
    sim.setFaults({
      drop: 0,
      duplicate: 0,
      maxDelay: 0,
      partition: 0,
      heal: 0,
      crash: 0,
      restart: 0,
      crashMidReady: 0,
    });
    sim.heal();
    for (const id of sim.ids) sim.restart(id);
    let at: ReturnType<Simulation['propose']>;
    const elected = sim.runUntil(() => {
      if (at !== undefined) {
        const applied = sim.checker.appliedAt(at.index);
        if (
          applied !== undefined &&
          applied.term === at.term &&
          members(sim, at.node).every((id) => sim.node(id).applied >= at!.index)
        ) {
          return true;
        }
        // Proposed to a leader that lost its term: that entry may never commit; propose again.
        const s = sim.node(at.node).raw?.status();
        if (applied !== undefined ? applied.term !== at.term : s?.role !== 'leader' || s.term !== at.term) {
          at = undefined;
        }
      }
      at ??= sim.propose(Uint8Array.of(2, 0, 0));
      return false;
    }, 400);
    if (!elected) throw new Error('liveness: no commit on every member within 400 steps after healing');
  } catch (err) {
    const replay = opts.replay ?? 'SEED=<seed> npx vitest run --project @reg/raft test/sim/sweep.test.ts';
    const e = new Error(
      `simulation failed at step ${sim.now} with seed=${seed}: ${(err as Error).message}\n  replay: ${replay.replace('<seed>', String(seed))}`,
      { cause: err },
    );
    throw e;
  }
  const maxTerm = Math.max(...sim.nodes.map((n) => n.raw?.status().term ?? 0));
  return {
    seed,
    proposed,
    applied: sim.checker.maxApplied,
    maxTerm,
    transfers,
    confChanges,
    snapshotsInstalled: sim.snapshotsInstalled,
  };
}

/**
 * A state machine whose state is a running hash of every applied entry. Every node must reach the
 * same digest at the same index: `digests` (shared) records the first digest seen at each index and
 * `apply` and `restore` compare against it, so a wrong snapshot shows at once.
 */
class DigestStateMachine {
  index = 0;
  digest = 0;
  readonly #digests: number[];

  constructor(digests: number[]) {
    this.#digests = digests;
  }

  apply(e: Entry): void {
    let h = this.digest ^ e.index;
    for (let i = 0; i < e.data.length; i++) h = Math.imul(h ^ e.data[i]!, 0x01000193) >>> 0;
    this.digest = Math.imul(h ^ e.term, 0x01000193) >>> 0;
    this.index = e.index;
    this.#check();
  }

  snapshot(): { index: number; digest: number } {
    return { index: this.index, digest: this.digest };
  }

  restore(data: unknown): void {
    const d = data as { index: number; digest: number };
    this.index = d.index;
    this.digest = d.digest;
    this.#check();
  }

  #check(): void {
    const seen = this.#digests[this.index];
    if (seen === undefined) this.#digests[this.index] = this.digest;
    else if (seen !== this.digest) {
      throw new Error(`state-machine digest at ${this.index} differs: ${this.digest} vs ${seen}`);
    }
  }
}

/** The members (voters and learners) in node `id`'s configuration. */
function members(sim: Simulation, id: NodeId): NodeId[] {
  const s = sim.node(id).raw?.status();
  return s === undefined ? sim.ids : [...s.voters, ...s.learners];
}

/**
 * A random single-server change of the leader's configuration (add a learner, add or promote a
 * voter, remove any member), or undefined without a leader.
 */
export function randomConfChange(sim: Simulation): ConfChange | undefined {
  const s = sim.leader()?.raw?.status();
  if (s === undefined) return undefined;
  const r = sim.rng.float();
  const outside = sim.ids.filter((id) => !s.voters.includes(id) && !s.learners.includes(id));
  const pick = (xs: readonly NodeId[]) => xs[sim.rng.int(xs.length)];
  if (r < 0.3 && outside.length > 0) return { type: 'add-learner', node: pick(outside)! };
  if (r < 0.6 && (s.learners.length > 0 || outside.length > 0)) {
    return { type: 'add-voter', node: pick(s.learners.length > 0 ? s.learners : outside)! };
  }
  const all = [...s.voters, ...s.learners];
  return { type: 'remove', node: pick(all)! };
}
