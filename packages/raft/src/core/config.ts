import { RaftError } from '../errors.js';
import type { Logger } from './logger.js';
import type { Random } from './random.js';
import type { NodeId } from './types.js';

/** How reads are confirmed; see {@link RaftConfig.readOnlyOption}. */
export type ReadOnlyOption = 'safe' | 'lease-based';

/** Options of the Raft core. Validated by {@link validateConfig}. */
export interface RaftConfig {
  /** This node's id (positive safe integer). */
  readonly id: NodeId;
  /**
   * Voters of the initial configuration, used only when storage holds no configuration (a fresh
   * cluster). Must include `id` unless `id` is a learner.
   */
  readonly voters: readonly NodeId[];
  /** Learners of the initial configuration (issue 4). Default none. */
  readonly learners?: readonly NodeId[];
  /**
   * Ticks without hearing from a leader before a follower campaigns; the actual timeout is
   * randomized in [electionTick, 2 * electionTick). Must exceed `heartbeatTick`. Default 10.
   */
  readonly electionTick?: number;
  /** Ticks between leader heartbeats. Default 1. */
  readonly heartbeatTick?: number;
  /** Byte budget of one App message's entries (at least one entry is always sent). Default 1 MiB. */
  readonly maxSizePerMsg?: number;
  /** App messages in flight per follower in replicate state. Default 256. */
  readonly maxInflightMsgs?: number;
  /** Byte budget of committed entries handed out per Ready. Default 64 MiB. */
  readonly maxCommittedSizePerReady?: number;
  /** Run a pre-vote round before incrementing the term (thesis §9.6). Default true. */
  readonly preVote?: boolean;
  /**
   * Leader steps down when it has not heard from a quorum within an election timeout, and
   * followers ignore vote requests while they hear from a leader (thesis §6.2). Default true.
   */
  readonly checkQuorum?: boolean;
  /** Randomness for election jitter (inject a seeded one for determinism). */
  readonly random: Random;
  /**
   * How linearizable reads ({@link RawNode.readIndex}) are confirmed:
   * - `'safe'` (default): the leader confirms it is still leader with a heartbeat round acknowledged
   *   by a quorum (thesis §6.4). Costs one round trip, needs no clock assumption.
   * - `'lease-based'`: the leader answers at once while it holds a lease: a quorum acknowledged a
   *   heartbeat it sent less than `floor((electionTick - 1) / (1 + maxClockDrift))` of its ticks
   *   ago, and those followers promise (CheckQuorum) not to vote for anyone else until
   *   `electionTick` of their ticks passed. Safe only while tick rates differ by at most
   *   `maxClockDrift` between nodes. Requires `checkQuorum` on every node. Falls back to a
   *   heartbeat round when the lease has run out or a leadership transfer is under way.
   */
  readonly readOnlyOption?: ReadOnlyOption;
  /**
   * Lease reads: the largest relative difference between two nodes' tick rates (0.1 = a node's
   * clock may run 10% faster than another's). Default 0.1. Must leave a lease of at least 1 tick.
   */
  readonly maxClockDrift?: number;
  /** Index the application has already applied (restarts with a persistent state machine). */
  readonly applied?: number;
  readonly logger?: Logger;
}

/** {@link RaftConfig} with every default filled in. */
export type ResolvedRaftConfig = Required<Omit<RaftConfig, 'logger' | 'applied'>> & {
  readonly logger: Logger | undefined;
  readonly applied: number;
};

const isId = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) > 0;
const isPositiveInt = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) > 0;

/**
 * Checks `config` and fills defaults. Throws `RAFT_INVALID_CONFIG` naming every problem.
 */
export function validateConfig(config: RaftConfig): ResolvedRaftConfig {
  const problems: string[] = [];
  const c = {
    id: config.id,
    voters: config.voters,
    learners: config.learners ?? [],
    electionTick: config.electionTick ?? 10,
    heartbeatTick: config.heartbeatTick ?? 1,
    maxSizePerMsg: config.maxSizePerMsg ?? 1024 * 1024,
    maxInflightMsgs: config.maxInflightMsgs ?? 256,
    maxCommittedSizePerReady: config.maxCommittedSizePerReady ?? 64 * 1024 * 1024,
    preVote: config.preVote ?? true,
    checkQuorum: config.checkQuorum ?? true,
    readOnlyOption: config.readOnlyOption ?? 'safe',
    maxClockDrift: config.maxClockDrift ?? 0.1,
    random: config.random,
    applied: config.applied ?? 0,
    logger: config.logger,
  };
  if (!isId(c.id)) problems.push(`id must be a positive safe integer, got ${String(c.id)}`);
  if (!Array.isArray(c.voters) || !c.voters.every(isId))
    problems.push('voters must be positive safe integers');
  if (!Array.isArray(c.learners) || !c.learners.every(isId))
    problems.push('learners must be positive safe integers');
  if (Array.isArray(c.voters) && new Set(c.voters).size !== c.voters.length)
    problems.push('voters repeat an id');
  if (Array.isArray(c.voters) && Array.isArray(c.learners) && c.learners.some((l) => c.voters.includes(l))) {
    problems.push('an id is both voter and learner');
  }
  if (!isPositiveInt(c.heartbeatTick)) problems.push('heartbeatTick must be a positive integer');
  if (!isPositiveInt(c.electionTick) || c.electionTick <= c.heartbeatTick) {
    problems.push('electionTick must be an integer greater than heartbeatTick');
  }
  if (!isPositiveInt(c.maxSizePerMsg)) problems.push('maxSizePerMsg must be a positive integer');
  if (!isPositiveInt(c.maxInflightMsgs)) problems.push('maxInflightMsgs must be a positive integer');
  if (!isPositiveInt(c.maxCommittedSizePerReady))
    problems.push('maxCommittedSizePerReady must be a positive integer');
  if (typeof c.preVote !== 'boolean') problems.push('preVote must be a boolean');
  if (typeof c.checkQuorum !== 'boolean') problems.push('checkQuorum must be a boolean');
  if (c.readOnlyOption !== 'safe' && c.readOnlyOption !== 'lease-based')
    problems.push(`readOnlyOption must be 'safe' or 'lease-based'`);
  if (c.readOnlyOption === 'lease-based' && c.checkQuorum !== true)
    problems.push('lease-based reads require checkQuorum');
  if (typeof c.maxClockDrift !== 'number' || !(c.maxClockDrift >= 0)) {
    problems.push('maxClockDrift must be a non-negative number');
  } else if (c.readOnlyOption === 'lease-based' && leaseTicks(c.electionTick, c.maxClockDrift) < 1) {
    problems.push('electionTick is too small for a lease with this maxClockDrift');
  }
  if (typeof c.random?.int !== 'function') problems.push('random must provide int(n)');
  if (!Number.isSafeInteger(c.applied) || c.applied < 0)
    problems.push('applied must be a non-negative integer');
  if (problems.length > 0)
    throw new RaftError('RAFT_INVALID_CONFIG', `invalid raft config: ${problems.join('; ')}`);
  return c;
}

/**
 * Ticks a lease lasts after the heartbeat that earned it was sent: a follower that acknowledged it
 * refuses votes for at least `electionTick - 1` of its own ticks, which is at most this many of the
 * leader's ticks when their rates differ by `maxClockDrift`.
 */
export function leaseTicks(electionTick: number, maxClockDrift: number): number {
  return Math.floor((electionTick - 1) / (1 + maxClockDrift));
}
