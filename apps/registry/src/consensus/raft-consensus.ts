import { isRaftError, type NodeId, type RaftNode } from '@reg/raft';
import type { Logger } from 'pino';
import { RegistryError } from '../errors.js';
import { encodeCommand } from './command-codec.js';
import type { CommandDispatcher } from './command-dispatcher.js';
import type { Consensus, ConsensusStatus, CpModule, CpWriter } from './consensus.js';
import { cpTimeoutError, fromWire, noLeaderError, type Outcome, type WireOutcome } from './cp-errors.js';
import { type LeaderLink, LeaderUnreachableError } from './leader-link.js';

export interface RaftConsensusOptions {
  readonly dispatcher: CommandDispatcher;
  /** Member address (`ip:port`) of a Raft node id; undefined for an unknown id. */
  readonly addressOf: (id: NodeId) => string | undefined;
  /** How long `submit` and `readBarrier` wait before answering REG_CP_TIMEOUT. */
  readonly timeoutMs: number;
  /** Present in cluster mode: how followers reach the leader. */
  readonly link?: LeaderLink;
  readonly logger: Logger;
}

/**
 * `Consensus` over one Raft group. Writes are proposed at the leader (a follower forwards the
 * encoded command over the peer layer); read barriers are Raft's ReadIndex, on any member.
 */
export class RaftConsensus implements Consensus {
  readonly #opts: RaftConsensusOptions;
  #node: RaftNode<Outcome> | undefined;

  constructor(options: RaftConsensusOptions) {
    this.#opts = options;
  }

  /** Connects the running Raft node (after `register` calls and the node's start). */
  attach(node: RaftNode<Outcome>): void {
    this.#node = node;
  }

  register<C, R>(module: CpModule<C, R>): CpWriter<C, R> {
    this.#opts.dispatcher.register(module as CpModule<unknown, unknown>);
    return {
      submit: async (command: C): Promise<R> => {
        const validated = module.validate(command);
        const bytes = encodeCommand({ m: module.name, c: validated, t: Date.now() });
        const outcome = await this.proposeEncoded(bytes);
        if (!outcome.ok) throw outcome.error;
        return outcome.value as R;
      },
    };
  }

  hasLeader(): boolean {
    const node = this.#node;
    return node !== undefined && node.failure === undefined && node.leader !== 0;
  }

  status(): ConsensusStatus {
    const node = this.#node;
    if (node === undefined) {
      return { role: 'follower', term: 0, leader: undefined, commitIndex: 0, appliedIndex: 0 };
    }
    const s = node.status();
    // Role, leader and term as the node acts on them (updated together once the election's state
    // is persisted), not the core's newer term: mixing the two showed an old leader in a new term.
    return {
      role: node.role,
      term: node.term,
      leader: node.leader === 0 ? undefined : this.#opts.addressOf(node.leader),
      commitIndex: s.commit,
      appliedIndex: s.applied,
    };
  }

  /**
   * Proposes encoded command bytes: here when this member leads, else at the leader (unless
   * `forward` is false: a command a follower forwarded here is never forwarded again, so stale
   * leader views cannot send it around in circles). Resolves with the outcome; rejects only with
   * REG_NO_LEADER / REG_CP_TIMEOUT.
   */
  async proposeEncoded(bytes: Uint8Array, options: { forward?: boolean } = {}): Promise<Outcome> {
    const node = this.#usableNode();
    const { timeoutMs, link } = this.#opts;
    if (node.role === 'leader') {
      return withTimeout(node.propose(bytes), timeoutMs, 'the write').catch((err: unknown) => {
        throw this.#mapProposeError(err, 'the write');
      });
    }
    const leader = this.#leaderAddress(node);
    if (link === undefined || leader === undefined || options.forward === false) throw noLeaderError();
    const startedAt = Date.now();
    let wire: WireOutcome;
    try {
      wire = await withTimeout(link.forward(leader, bytes, timeoutMs), timeoutMs, 'the write');
    } catch (err) {
      if (err instanceof LeaderUnreachableError) throw noLeaderError(err);
      if (err instanceof RegistryError) throw err;
      throw cpTimeoutError(`the write forwarded to the leader ${leader}`, timeoutMs, err);
    }
    const outcome = fromWire(wire);
    // Read-your-writes here: resolve once this member applied the entry, not just the leader.
    if (outcome.index !== undefined) {
      const left = Math.max(1, timeoutMs - (Date.now() - startedAt));
      if (!(await this.#opts.dispatcher.waitApplied(outcome.index, left))) {
        throw cpTimeoutError(
          `applying the write (committed at index ${outcome.index} by the leader ${leader}) on this member`,
          timeoutMs,
        );
      }
    }
    return outcome;
  }

  /**
   * Raft's ReadIndex: the leader confirms its leadership with a heartbeat quorum after the call
   * and names its commit index; this member (leader or follower) resolves once it applied it. A
   * read lost to a leader change is retried while time remains.
   */
  async readBarrier(): Promise<void> {
    const { timeoutMs } = this.#opts;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const node = this.#usableNode();
      try {
        await withTimeout(node.readIndex(), Math.max(1, deadline - Date.now()), 'the read barrier');
        return;
      } catch (err) {
        if (isRaftError(err, 'RAFT_READ_LOST') && Date.now() + READ_RETRY_MS < deadline) {
          await new Promise((r) => setTimeout(r, READ_RETRY_MS));
          continue;
        }
        if (err instanceof RegistryError) throw err;
        if (isRaftError(err, 'RAFT_NOT_LEADER') || isRaftError(err, 'RAFT_READ_LOST'))
          throw noLeaderError(err);
        throw cpTimeoutError('the read barrier', timeoutMs, err);
      }
    }
  }

  #usableNode(): RaftNode<Outcome> {
    const node = this.#node;
    if (node === undefined || node.failure !== undefined || node.leader === 0) throw noLeaderError();
    return node;
  }

  #leaderAddress(node: RaftNode<Outcome>): string | undefined {
    return node.leader === 0 ? undefined : this.#opts.addressOf(node.leader);
  }

  #mapProposeError(err: unknown, what: string): Error {
    if (err instanceof RegistryError) return err;
    // Not proposed, or replaced by a new leader's entries: not applied, safe to retry.
    if (
      isRaftError(err, 'RAFT_NOT_LEADER') ||
      isRaftError(err, 'RAFT_PROPOSAL_DROPPED') ||
      isRaftError(err, 'RAFT_LEADER_TRANSFERRING')
    ) {
      return noLeaderError(err);
    }
    return cpTimeoutError(what, this.#opts.timeoutMs, err);
  }
}

/** Pause before retrying a read barrier whose leader changed. */
const READ_RETRY_MS = 20;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(cpTimeoutError(what, ms)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
